/// What the shop keeps in a visitor's server-side session (stored in SQLite by `SQLitePersistDriver`).
///
/// Later features add their keys here (the signed-in user, the basket id), as Django keeps
/// `_auth_user_id` and `basket_id` in its session.
public struct AppSession: Codable, Sendable, Equatable {
    /// The signed-in user's id, if any.
    public var userID: Int64?
    /// A MAC of the user's password hash at sign-in: a password change ends the session.
    public var authHash: String?
    /// The visitor's open basket (Django's `session["basket_id"]`).
    public var basketID: Int64?

    public init(userID: Int64? = nil, authHash: String? = nil, basketID: Int64? = nil) {
        self.userID = userID
        self.authHash = authHash
        self.basketID = basketID
    }
}
