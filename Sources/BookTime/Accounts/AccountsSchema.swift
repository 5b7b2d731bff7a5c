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
}
