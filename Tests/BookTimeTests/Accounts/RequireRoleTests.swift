import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

/// Every guarded route asks `RequireRoleMiddleware`, which asks `CurrentUser.has`, i.e. `Role.roles`.
@Suite struct RequireRoleTests {
    /// Sets the current user from a test header, standing in for the session.
    struct FakeSignIn: RouterMiddleware {
        typealias Context = AppRequestContext
        func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            var context = context
            if let role = request.headers[HTTPField.Name("X-Test-Role")!].flatMap(Role.init(rawValue:)) {
                let roles: Set<Role> =
                    switch role {
                    case .owner: Role.roles(isActive: true, isSuperuser: true, isStaff: true, groups: [])
                    case .employee: Role.roles(isActive: true, isSuperuser: false, isStaff: true, groups: [StaffGroup.employees])
                    case .dispatcher: Role.roles(isActive: true, isSuperuser: false, isStaff: true, groups: [StaffGroup.dispatchers])
                    case .customer: Role.roles(isActive: true, isSuperuser: false, isStaff: false, groups: [])
                    }
                context.currentUser = CurrentUser(id: 1, email: "\(role)@domain.com", roles: roles)
            }
            return try await next(request, context)
        }
    }

    struct Access: Sendable, CustomStringConvertible {
        let user: Role?
        let route: Role
        let status: HTTPResponse.Status
        var description: String { "\(user?.rawValue ?? "anonymous") → \(route.rawValue)" }
    }

    static let table: [Access] = [
        Access(user: nil, route: .employee, status: .seeOther),
        Access(user: .customer, route: .employee, status: .forbidden),
        Access(user: .customer, route: .customer, status: .ok),
        Access(user: .dispatcher, route: .employee, status: .forbidden),
        Access(user: .dispatcher, route: .dispatcher, status: .ok),
        Access(user: .employee, route: .employee, status: .ok),
        Access(user: .employee, route: .owner, status: .forbidden),
        Access(user: .owner, route: .owner, status: .ok),
        Access(user: .owner, route: .dispatcher, status: .ok),
    ]

    @Test(arguments: table)
    func roleGuard(access: Access) async throws {
        let router = Router(context: AppRequestContext.self)
        router.add(middleware: FakeSignIn())
        router.group("guarded").add(middleware: RequireRoleMiddleware(access.route)).get { _, _ in "inside" }
        let app = Application(router: router)
        try await app.test(.router) { client in
            var headers = HTTPFields()
            if let user = access.user { headers[HTTPField.Name("X-Test-Role")!] = user.rawValue }
            let response = try await client.execute(uri: "/guarded?tab=1", method: .get, headers: headers)
            #expect(response.status == access.status)
            if access.status == .seeOther {
                #expect(response.headers[.location] == "/login/?next=/guarded%3Ftab%3D1")
            }
        }
    }
}
