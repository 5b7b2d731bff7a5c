import Hummingbird
import HummingbirdAuth

/// Signing in and out of the shop's server-side sessions.
///
/// Signing in rotates the session id (the old row is deleted, a new id is issued), so an id planted
/// before sign-in is worthless after it. The session also records a MAC of the password hash
/// (Django's session auth hash): when the password changes, every other session stops working.
struct AccountSessions: Sendable {
    static let cookieName = "booktime_session"
    static let lifetime: Duration = .seconds(60 * 60 * 24 * 14)

    let db: AppDatabase
    let signer: CookieSigner
    let storage: SessionStorage<AppSession>
    /// Users by id with their roles, emptied by any write to the user and group tables.
    let users: TableCache<Int64, SignedInUser?>

    init(db: AppDatabase, signer: CookieSigner, persist: any PersistDriver, configuration: SessionMiddlewareConfiguration) {
        self.db = db
        self.signer = signer
        self.users = TableCache(db: db, tables: ["user", "userGroup", "userGroupMembership"])
        self.storage = SessionStorage(persist, configuration: .init(sessionCookieParameters: configuration.sessionCookieParameters, keyPrefix: configuration.keyPrefix))
    }

    /// The session cookie settings: `HttpOnly` (Hummingbird's default), `SameSite=Lax`, `Secure` behind HTTPS.
    static func middlewareConfiguration(secure: Bool) -> SessionMiddlewareConfiguration {
        .init(
            sessionCookieParameters: .init(name: cookieName, secure: secure, sameSite: .lax),
            defaultSessionExpiration: lifetime
        )
    }

    /// The user behind a session, with their roles and session auth hash; nil when gone.
    func user(id: Int64) async throws -> SignedInUser? {
        let signer = signer
        return try await users.value(for: id) { db in
            try UserStore.userWithRoles(db, id: id).map { user, roles in
                SignedInUser(current: CurrentUser(id: id, email: user.email, roles: roles), authHash: Self.authHash(for: user, signer: signer))
            }
        }
    }

    /// Ties a session to the password it was opened with.
    func authHash(for user: User) -> String {
        Self.authHash(for: user, signer: signer)
    }

    static func authHash(for user: User, signer: CookieSigner) -> String {
        signer.mac("session-auth|\(user.id ?? 0)|\(user.passwordHash)")
    }

    /// Starts a fresh session for `user`, keeping what the visitor's session held: their basket
    /// merges into the user's open one.
    func signIn(_ user: User, request: Request, context: AppRequestContext) async throws {
        guard let id = user.id else { return }
        if storage.getId(request: request) != nil {
            _ = try? await storage.delete(request: request)
        }
        var session = context.sessions.session ?? AppSession()
        session.userID = id
        session.authHash = authHash(for: user)
        session.basketID = try await db.baskets.basketAtSignIn(userID: id, sessionBasketID: session.basketID)
        context.sessions.createSession(session, expiresIn: Self.lifetime)
        try await db.users.recordLogin(userID: id)
    }

    /// Ends the session: the middleware deletes its row and expires the cookie.
    func signOut(context: AppRequestContext) {
        context.sessions.clearSession()
    }
}

/// What a request needs of its signed-in user.
struct SignedInUser: Sendable {
    let current: CurrentUser
    let authHash: String
}
