import Foundation
import Hummingbird

/// Guards a router group: visitors who are not signed in go to `/login/?next=<this page>`;
/// signed-in users without `role` get 403. `role: nil` only requires a signed-in user
/// (Django's `LoginRequiredMixin`); otherwise the check is `CurrentUser.has`, i.e. `Role.roles`.
struct RequireRoleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let role: Role?

    init(_ role: Role? = nil) {
        self.role = role
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = context.currentUser else {
            let target = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return .redirect(to: Routes.login(next: target), type: .normal)
        }
        if let role, !user.has(role) {
            throw HTTPError(.forbidden)
        }
        return try await next(request, context)
    }
}
