import Hummingbird

/// Resolves the session's user on every request (from memory when recently read; any change to
/// the user tables empties that cache at commit). A session whose user is gone, deactivated, or
/// whose password changed since sign-in is ended on the spot.
///
/// It also keeps sessions alive while they are used: two weeks after the last visit, not after
/// the first, refreshing the expiry at most about once a day.
struct CurrentUserMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let sessions: AccountSessions

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let session = context.sessions.session, let userID = session.userID {
            if let user = try await sessions.user(id: userID), !user.current.roles.isEmpty, session.authHash == user.authHash {
                context.currentUser = user.current
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
