import GRDB

/// Users and the book's two staff groups (migration `0006_users`).
enum AccountsSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "user") { t in
            t.autoIncrementedPrimaryKey("id")
            // NOCASE: one account per address, whatever its case.
            t.column("email", .text).notNull().unique().collate(.nocase)
            t.column("passwordHash", .text).notNull()
            t.column("firstName", .text).notNull().defaults(to: "")
            t.column("lastName", .text).notNull().defaults(to: "")
            t.column("isActive", .boolean).notNull().defaults(to: true)
            t.column("isStaff", .boolean).notNull().defaults(to: false)
            t.column("isSuperuser", .boolean).notNull().defaults(to: false)
            t.column("dateJoined", .datetime).notNull()
            t.column("lastLogin", .datetime)
        }
        try db.create(table: "userGroup") { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("name", .text).notNull().unique()
        }
        try db.execute(sql: "INSERT INTO userGroup (name) VALUES ('Employees'), ('Dispatchers')")
        try db.create(table: "userGroupMembership") { t in
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.belongsTo("userGroup", onDelete: .cascade).notNull()
            t.primaryKey(["userId", "userGroupId"])
        }
    }

    /// Password-reset links (migration `0007_password_reset`): only a SHA-256 of each token is kept,
    /// so a copy of the database does not hold working links.
    static func createPasswordResets(_ db: Database) throws {
        try db.create(table: "passwordReset") { t in
            t.primaryKey("tokenHash", .text)
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("createdAt", .datetime).notNull()
            t.column("expiresAt", .datetime).notNull()
            t.column("usedAt", .datetime)
        }
    }

    /// The address book (migration `0008_addresses`), the book's `Address` with its field lengths.
    static func createAddresses(_ db: Database) throws {
        try db.create(table: "address") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("name", .text).notNull()
            t.column("address1", .text).notNull()
            t.column("address2", .text).notNull().defaults(to: "")
            t.column("zipCode", .text).notNull()
            t.column("city", .text).notNull()
            t.column("country", .text).notNull()
        }
    }

    /// Device tokens for the mobile API (migration `0019_api_tokens`): one per device, kept only
    /// as a SHA-256 hash, revocable by their user and by owners; deleted with the user.
    /// Issued JWT refresh tokens (migration `0020_jwt_refresh_tokens`): each is used once
    /// (rotation), a family shares the first sign-in's id so reusing a used token revokes them all,
    /// and rows are purged after their expiry.
    static func createRefreshTokens(_ db: Database) throws {
        try db.create(table: "jwtRefreshToken") { t in
            t.primaryKey("jti", .text)
            t.column("family", .text).notNull().indexed()
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("expiresAt", .datetime).notNull().indexed()
            t.column("revokedAt", .datetime)
        }
    }

    static func createAPITokens(_ db: Database) throws {
        try db.create(table: "apiToken") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("user", onDelete: .cascade).notNull()
            t.column("keyHash", .text).notNull().unique()
            t.column("device", .text).notNull().defaults(to: "")
            t.column("createdAt", .datetime).notNull()
            t.column("lastUsedAt", .datetime)
        }
    }
}
