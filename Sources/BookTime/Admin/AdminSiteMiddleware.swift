import Hummingbird

/// Django's `AdminSite.has_permission` and `admin_view`: visitors who are not signed in go to the
/// site's own login page; signed-in users without the site's role get 403, whatever they ask for.
struct AdminSiteMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let site: AdminSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let user = context.currentUser else {
            let target = request.uri.path + (request.uri.query.map { "?\($0)" } ?? "")
            return .redirect(to: site.loginURL + "?next=" + Routes.queryEncoded(target), type: .normal)
        }
        guard user.has(site.role) else {
            throw HTTPError(.forbidden, message: "You are signed in as \(user.email), who has no access to the \(site.header).")
        }
        return try await next(request, context)
    }
}
