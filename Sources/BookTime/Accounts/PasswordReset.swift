import Foundation
import GRDB

/// Single-use password-reset links valid for an hour. The emailed token is 32 random bytes; the
/// database keeps only its SHA-256, and a token is spent in the same transaction as the new password.
extension UserStore {
    static let passwordResetLifetime: TimeInterval = 60 * 60

    /// A new token for the active account with this email, or nil when there is none.
    /// One write transaction whether or not the address has an account: the token and its
    /// email (`email(user, token)`) are written for an active account, nothing otherwise, and
    /// the token is made and hashed either way, so the answer takes the same time for any
    /// address: a faster answer for unknown addresses would tell which ones have accounts.
    ///
    /// With `allowed` false (the account had its reset emails for the hour) the account is still
    /// looked up, in the same transaction, and nothing is written.
    func requestPasswordReset(
        email: String, allowed: Bool = true, now: Date = .now, email message: @escaping @Sendable (User, String) -> OutboxEmail? = { _, _ in nil }
    ) async throws -> (user: User, token: String)? {
        let token = Base64URL.randomToken()
        let tokenHash = Self.resetTokenHash(token)
        return try await db.dbWriter.write { db in
            let user = try User.filter(User.Columns.email == email).fetchOne(db)
            guard let user, user.isActive, let userID = user.id, allowed else { return nil }
            try db.execute(
                sql: "INSERT INTO passwordReset (tokenHash, userId, createdAt, expiresAt) VALUES (?, ?, ?, ?)",
                arguments: [tokenHash, userID, now, now.addingTimeInterval(Self.passwordResetLifetime)]
            )
            if var outgoing = message(user, token) { try outgoing.insert(db) }
            return (user, token)
        }
    }

    /// The user a token can still reset, if it is known, unused and unexpired.
    func passwordResetUser(token: String, now: Date = .now) async throws -> User? {
        try await db.reader.read { db in
            try User.fetchOne(
                db,
                sql: """
                    SELECT user.* FROM passwordReset JOIN user ON user.id = passwordReset.userId
                    WHERE passwordReset.tokenHash = ? AND passwordReset.usedAt IS NULL AND passwordReset.expiresAt > ? AND user.isActive
                    """,
                arguments: [Self.resetTokenHash(token), now]
            )
        }
    }

    /// Spends the token and sets the password in one transaction; false when the token was
    /// already used (a second tab, a replay) or has expired meanwhile. Every other link of the
    /// user is spent too. Sessions opened with the old password end by themselves
    /// (`AccountSessions.authHash`).
    func resetPassword(token: String, newPasswordHash: String, now: Date = .now) async throws -> Bool {
        try await db.dbWriter.write { db in
            guard
                let userID = try Int64.fetchOne(
                    db,
                    sql: "SELECT userId FROM passwordReset WHERE tokenHash = ? AND usedAt IS NULL AND expiresAt > ?",
                    arguments: [Self.resetTokenHash(token), now]
                )
            else { return false }
            try db.execute(sql: "UPDATE passwordReset SET usedAt = ? WHERE userId = ? AND usedAt IS NULL", arguments: [now, userID])
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [newPasswordHash, userID])
            try db.execute(sql: "DELETE FROM passwordReset WHERE expiresAt <= ?", arguments: [now.addingTimeInterval(-24 * 60 * 60)])
            return true
        }
    }

    static func resetTokenHash(_ token: String) -> String { sha256Hex(Data(token.utf8)) }
}
