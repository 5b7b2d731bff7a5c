import Foundation
import GRDB

/// An order line with its product's name, for pages and emails.
public struct OrderLineItem: Sendable, Equatable, FetchableRecord, Decodable {
    public var id: Int64
    public var productId: Int64
    public var productName: String
    public var productSlug: String
    public var status: OrderLineStatus
    public var quantity: Int
    public var unitPrice: Int

    public var lineTotal: Int { quantity * unitPrice }
}

/// An order as the customer's list shows it.
public struct OrderSummary: Sendable, Equatable {
    public var order: Order
    /// "2 x Siddhartha", one per product.
    public var items: [String]
    public var total: Int
}

/// Everything the order page shows.
public struct OrderDetail: Sendable, Equatable {
    public var order: Order
    public var lines: [OrderLineItem]
    public var history: [OrderHistoryEntry]
    public var totals: OrderTotals { OrderTotals(subtotal: lines.reduce(0) { $0 + $1.lineTotal }, delivery: order.deliveryCharge) }
    public var total: Int { totals.total }
}

/// The database side of orders: placing them, reading them, changing their statuses through `OrderWorkflow`.
public struct OrderStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var orders: OrderStore { OrderStore(db: self) }
}

extension OrderStore {
    /// The user's orders, newest first.
    public func orders(userID: Int64) async throws -> [OrderSummary] {
        try await db.reader.read { db in try Self.orders(db, userID: userID) }
    }

    static func orders(_ db: Database, userID: Int64) throws -> [OrderSummary] {
        let orders = try Order.filter(Order.Columns.userId == userID).order(Order.Columns.dateAdded.desc, Column("id").desc).fetchAll(db)
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT l.orderId, p.name, SUM(l.quantity) AS quantity, SUM(l.quantity * l.unitPrice) AS amount
                FROM orderLine l JOIN product p ON p.id = l.productId
                WHERE l.orderId IN (SELECT id FROM shopOrder WHERE userId = ?)
                GROUP BY l.orderId, l.productId ORDER BY MIN(l.id)
                """,
            arguments: [userID]
        )
        var items: [Int64: [String]] = [:]
        var totals: [Int64: Int] = [:]
        for row in rows {
            let orderID: Int64 = row["orderId"]
            items[orderID, default: []].append("\(row["quantity"] as Int) x \(row["name"] as String)")
            totals[orderID, default: 0] += row["amount"] as Int
        }
        return orders.map { OrderSummary(order: $0, items: items[$0.id ?? 0] ?? [], total: (totals[$0.id ?? 0] ?? 0) + $0.deliveryCharge) }
    }

    /// The first picture's thumbnail of each of the user's orders that has one, by order id.
    static func thumbnails(_ db: Database, userID: Int64) throws -> [Int64: String] {
        let rows = try SQLRequest<Row>(
            literal: """
                SELECT l.orderId, (SELECT i.thumbnailHash FROM productImage i WHERE i.productId = l.productId ORDER BY i.position, i.id LIMIT 1) AS hash
                FROM orderLine l JOIN shopOrder o ON o.id = l.orderId
                WHERE o.userId = \(userID) ORDER BY l.id
                """
        ).fetchAll(db)
        var thumbnails: [Int64: String] = [:]
        for row in rows {
            let orderID: Int64 = row["orderId"]
            if thumbnails[orderID] == nil, let hash: String = row["hash"] { thumbnails[orderID] = hash }
        }
        return thumbnails
    }

    /// One of the user's orders; nil for anyone else's.
    public func order(id: Int64, userID: Int64?) async throws -> OrderDetail? {
        try await db.reader.read { db in
            var request = Order.filter(key: id)
            if let userID { request = request.filter(Order.Columns.userId == userID) }
            guard let order = try request.fetchOne(db) else { return nil }
            let lines = try OrderLineItem.fetchAll(
                db,
                sql: """
                    SELECT l.id, l.productId, p.name AS productName, p.slug AS productSlug, l.status, l.quantity, l.unitPrice
                    FROM orderLine l JOIN product p ON p.id = l.productId WHERE l.orderId = ? ORDER BY l.id
                    """,
                arguments: [id]
            )
            let history = try OrderHistoryEntry.filter(Column("orderId") == id).order(Column("id")).fetchAll(db)
            return OrderDetail(order: order, lines: lines, history: history)
        }
    }

    /// The order basket `basketID` of this user became, if it did.
    func orderID(basketID: Int64, userID: Int64) async throws -> Int64? {
        try await db.reader.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM shopOrder WHERE basketId = ? AND userId = ?", arguments: [basketID, userID])
        }
    }

    /// The user's newest order (the thank-you page).
    func latestOrderID(userID: Int64) async throws -> Int64? {
        try await db.reader.read { db in
            try Int64.fetchOne(
                db, sql: "SELECT id FROM shopOrder WHERE userId = ? ORDER BY dateAdded DESC, id DESC LIMIT 1", arguments: [userID]
            )
        }
    }
}
