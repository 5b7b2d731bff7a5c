import Foundation
import HTTPTypes
import Hummingbird

/// Who is asking to join a room, decided before any socket exists (the book's `connect()`, with
/// its missing `return` after refusing an anonymous user fixed: Appendix A, 11).
///
/// A browser is known by its session cookie, and its `Origin` must be this site (a page elsewhere
/// cannot open a socket with the visitor's cookie); the mobile app by `?token=` (its device
/// token, `POST /mobile-api/auth/`), as the book's `TokenGetAuthMiddleware`.
struct ChatGate: Sendable {
    let db: AppDatabase
    let sessions: AccountSessions
    let trustForwardedHost: Bool

    /// Where a refused upgrade stops.
    enum Refusal: Error, Equatable {
        /// No valid session or token.
        case unauthenticated
        /// A page on another site, or someone else's order.
        case forbidden
    }

    /// The admitted member, or the refusal.
    func admit(_ request: Request, orderID: Int64) async throws -> ChatAdmission {
        guard let user = try await user(for: request) else { throw Refusal.unauthenticated }
        guard let member = try await db.chat.member(orderID: orderID, user: user) else { throw Refusal.forbidden }
        let lastID = request.uri.queryParameters.get("last_id", as: Int64.self).flatMap { $0 >= 0 ? $0 : nil }
        return ChatAdmission(orderID: orderID, member: member, lastSeenID: lastID)
    }

    /// The user behind the request's token or session cookie.
    func user(for request: Request) async throws -> CurrentUser? {
        if let key = request.uri.queryParameters.get("token") {
            guard let token = try await db.users.apiToken(key: key) else { return nil }
            try await db.users.touch(token)
            return try await sessions.user(id: token.userId).map(\.current).flatMap { $0.roles.isEmpty ? nil : $0 }
        }
        guard CSRFMiddleware.originMatches(request, trustForwardedHost: trustForwardedHost) else { throw Refusal.forbidden }
        guard let session = try await sessions.storage.load(request: request), let userID = session.userID,
            let signedIn = try await sessions.user(id: userID), signedIn.authHash == session.authHash, !signedIn.current.roles.isEmpty
        else { return nil }
        return signedIn.current
    }
}

/// An admitted socket: whose, which room, and the last message id the client says it saw.
struct ChatAdmission: Sendable, Equatable {
    let orderID: Int64
    let member: ChatMember
    let lastSeenID: Int64?
}
