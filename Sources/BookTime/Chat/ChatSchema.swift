import GRDB

/// The customer-service chat (migration `0021_chat`): every message of an order's room, and per
/// room the employee who last joined it (the book's `Order.last_spoken_to`) and how far staff have
/// read it (what the dashboard's unread counts start from).
enum ChatSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "chatMessage") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("order", inTable: "shopOrder", onDelete: .cascade).notNull()
            // The author's account; the message stays (with the name it was sent under) if it goes.
            t.belongsTo("user", onDelete: .setNull)
            t.column("username", .text).notNull()
            t.column("fromStaff", .boolean).notNull()
            t.column("message", .text).notNull()
            t.column("sentAt", .datetime).notNull()
        }
        try db.create(index: "chatMessage_on_orderId_id", on: "chatMessage", columns: ["orderId", "id"])
        try db.create(table: "chatRoom") { t in
            t.primaryKey("orderId", .integer).references("shopOrder", onDelete: .cascade)
            t.belongsTo("lastSpokenTo", inTable: "user", onDelete: .setNull)
            // Messages up to this id have been seen by a member of staff.
            t.column("staffReadUpTo", .integer).notNull().defaults(to: 0)
        }
    }
}
