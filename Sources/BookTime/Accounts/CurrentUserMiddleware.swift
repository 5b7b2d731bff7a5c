import Hummingbird

/// Resolves the session's user on every request (one indexed read). A session whose user is
/// gone, deactivated, or whose password changed since sign-in is ended on the spot.
///
/// It also keeps sessions alive while they are used: two weeks after the last visit, not after
/// the first, refreshing the expiry at most about once a day.
struct CurrentUserMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: AccountSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let session = context.sessions.session, let userID = session.userID {
            if let (user, roles) = try await sessions.db.userWithRoles(id: userID), !roles.isEmpty,
                session.authHash == sessions.authHash(for: user)
            {
                context.currentUser = CurrentUser(id: userID, email: user.email, roles: roles)
            } else {
                context.logger.info("Ending the session of user id=\(userID): the account is gone, inactive or its password changed")
                context.sessions.clearSession()
            }
        }
        context.sessions.withLockedSession { data in
            if let remaining = data?.expiresIn, remaining < AccountSessions.lifetime - .seconds(60 * 60 * 24) {
                data?.expiresIn = AccountSessions.lifetime
            }
        }
        return try await next(request, context)
    }
}
