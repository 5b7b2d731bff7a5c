import GRDB

/// Baskets and their lines (migration `0009_baskets`), the book's `Basket` and `BasketLine`.
enum BasketSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "basket") { t in
            t.autoIncrementedPrimaryKey("id")
            // Null for a visitor who has not signed in; deleting the user deletes their baskets.
            t.belongsTo("user", onDelete: .cascade)
            t.column("status", .integer).notNull().defaults(to: BasketStatus.open.rawValue)
            t.column("createdAt", .datetime).notNull()
        }
        try db.create(table: "basketLine") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("basket", onDelete: .cascade).notNull()
            t.belongsTo("product", onDelete: .cascade).notNull()
            t.column("quantity", .integer).notNull().check { $0 >= 1 && $0 <= BasketLine.maxQuantity }
            t.uniqueKey(["basketId", "productId"])
        }
    }

    /// Migration `0013_open_basket_index`: a user's open basket is found without reading every
    /// basket they ever ordered (one per order).
    static func indexOpenBaskets(_ db: Database) throws {
        try db.create(index: "basket_on_userId_status", on: "basket", columns: ["userId", "status"])
    }
}
