import Foundation

extension UserStore {
    /// Django's `authenticate(email=, password=)`: the active user with this email and password.
    ///
    /// Every path spends one bcrypt verification at the same cost, so an unknown email takes as
    /// long as a wrong password and timing tells nobody which addresses have accounts.
    public func authenticate(email rawEmail: String, password: String) async throws -> User? {
        var user: User? = nil
        if let email = EmailAddress.normalize(rawEmail) {
            user = try await self.user(email: email)
        }
        guard let user else {
            _ = try await PasswordHasher.verify(password, hash: PasswordHasher.dummyHash)
            return nil
        }
        guard try await PasswordHasher.verify(password, hash: user.passwordHash), user.isActive else { return nil }
        return user
    }

    /// Sets a new password (already checked against the policy) for `userID`.
    public func setPassword(userID: Int64, to password: String) async throws {
        let hash = try await PasswordHasher.hash(password)
        try await db.dbWriter.write { db in
            try db.execute(sql: "UPDATE user SET passwordHash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }
}

extension PasswordHasher {
    /// The cost-12 hash of a random password nobody knows, for verifications that must fail as
    /// slowly as a real one. A constant, so the first unknown-email login is not slower than the rest.
    static let dummyHash = "$2b$12$22FobYbc2D5aAjObwxtR9OJeZGU/gkHPM37g7D9oWZLhSIhtNLeVC"
}
