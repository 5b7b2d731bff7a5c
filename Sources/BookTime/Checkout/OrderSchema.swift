import GRDB

/// Orders, their lines and every status change (migration `0011_orders`); a line carries a
/// quantity since `0015_order_line_quantity` (the book wrote one row per copy).
///
/// The table is `shopOrder` because `order` is an SQL keyword.
enum OrderSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "shopOrder") { t in
            t.autoIncrementedPrimaryKey("id")
            // An order outlives nothing it points at: a user or product with orders cannot be deleted.
            t.belongsTo("user", onDelete: .restrict).notNull()
            // The basket it came from: unique, so one basket can never become two orders.
            t.belongsTo("basket", onDelete: .setNull).unique()
            t.column("status", .integer).notNull().defaults(to: OrderStatus.new.rawValue)
            for prefix in ["billing", "shipping"] {
                t.column("\(prefix)Name", .text).notNull()
                t.column("\(prefix)Address1", .text).notNull()
                t.column("\(prefix)Address2", .text).notNull().defaults(to: "")
                t.column("\(prefix)ZipCode", .text).notNull()
                t.column("\(prefix)City", .text).notNull()
                t.column("\(prefix)Country", .text).notNull()
            }
            t.column("dateAdded", .datetime).notNull()
            t.column("dateUpdated", .datetime).notNull()
        }
        try db.create(index: "shopOrder_on_userId_dateAdded", on: "shopOrder", columns: ["userId", "dateAdded"])
        try db.create(index: "shopOrder_on_status_dateAdded", on: "shopOrder", columns: ["status", "dateAdded"])
        try db.create(table: "orderLine") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("order", inTable: "shopOrder", onDelete: .cascade).notNull()
            t.belongsTo("product", onDelete: .restrict).notNull()
            t.column("status", .integer).notNull().defaults(to: OrderLineStatus.new.rawValue)
            // What the customer paid for this unit, in minor units, whatever the price is later.
            t.column("unitPrice", .integer).notNull().check { $0 >= 0 }
        }
        try db.create(table: "orderHistory") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("order", inTable: "shopOrder", onDelete: .cascade).notNull()
            // Null for a change of the order itself.
            t.belongsTo("orderLine", onDelete: .cascade)
            // Who made the change; null when the system did (DONE follows the last line).
            t.belongsTo("user", onDelete: .setNull)
            t.column("fromStatus", .integer)
            t.column("toStatus", .integer).notNull()
            t.column("changedAt", .datetime).notNull()
        }
    }

    /// One row per title: `quantity` copies at `unitPrice` each. Rows of the same order, product,
    /// price and status (the book's one-row-per-copy) are merged into the oldest; their history
    /// moves with them, without repeating the same change.
    static func addLineQuantity(_ db: Database) throws {
        try db.alter(table: "orderLine") { t in
            t.add(column: "quantity", .integer).notNull().defaults(to: 1).check { $0 >= 1 }
        }
        try db.execute(
            sql: """
                CREATE TEMP TABLE lineMerge AS
                SELECT l.id AS fromId, (SELECT MIN(k.id) FROM orderLine k
                        WHERE k.orderId = l.orderId AND k.productId = l.productId AND k.unitPrice = l.unitPrice AND k.status = l.status) AS toId
                FROM orderLine l;
                DELETE FROM lineMerge WHERE fromId = toId;
                UPDATE orderLine SET quantity = quantity + (SELECT COUNT(*) FROM lineMerge m WHERE m.toId = orderLine.id)
                    WHERE id IN (SELECT toId FROM lineMerge);
                UPDATE orderHistory SET orderLineId = (SELECT m.toId FROM lineMerge m WHERE m.fromId = orderHistory.orderLineId)
                    WHERE orderLineId IN (SELECT fromId FROM lineMerge);
                DELETE FROM orderHistory WHERE orderLineId IS NOT NULL AND id NOT IN (
                    SELECT MIN(id) FROM orderHistory WHERE orderLineId IS NOT NULL
                    GROUP BY orderLineId, COALESCE(fromStatus, -1), toStatus, COALESCE(userId, -1));
                DELETE FROM orderLine WHERE id IN (SELECT fromId FROM lineMerge);
                DROP TABLE lineMerge;
                """
        )
    }

    /// Migration `0024_order_delivery_charge`: what the order paid for delivery, a snapshot like
    /// its prices (0 for every order placed before).
    static func addDeliveryCharge(_ db: Database) throws {
        try db.alter(table: "shopOrder") { table in
            table.add(column: "deliveryCharge", .integer).notNull().defaults(to: 0)
        }
    }
}
