import Foundation
import Hummingbird

/// Guards a router group: visitors who are not signed in go to `/login/?next=<this page>`;
/// signed-in users without `role` (or any of `anyOf`) get 403. `role: nil` only requires a
/// signed-in user (Django's `LoginRequiredMixin`); otherwise the check is `CurrentUser.has`,
/// i.e. `Role.roles`.
struct RequireRoleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    /// Any one of these will do; empty: any signed-in user.
    let roles: Set<Role>

    init(_ role: Role? = nil) {
        self.roles = role.map { [$0] } ?? []
    }

    init(anyOf roles: Set<Role>) {
        self.roles = roles
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = context.currentUser else {
            let target = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return .redirect(to: Routes.login(next: target), type: .normal)
        }
        if !roles.isEmpty, !roles.contains(where: user.has) {
            throw HTTPError(.forbidden)
        }
        return try await next(request, context)
    }
}
