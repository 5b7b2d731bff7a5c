import Foundation
import GRDB

/// What the dispatch API reads and writes: lines and shipping addresses of paid orders only (the
/// book's `PaidOrderLineViewSet` and `PaidOrderViewSet`), newest order first.
extension OrderStore {
    /// A line of a paid order, with its product's name.
    struct DispatchLine: Sendable, Equatable {
        let id: Int64
        let orderID: Int64
        let product: String
        let quantity: Int
        let status: OrderLineStatus
    }

    /// A line with its product's name and its order, as `line(_:)` reads it.
    private static let lineSelect: SQL = """
        SELECT l.id, l.orderId, p.name, l.quantity, l.status
        FROM orderLine l JOIN shopOrder o ON o.id = l.orderId JOIN product p ON p.id = l.productId
        """

    /// Lines of paid orders, narrowed by `filter` (`AND ...`).
    private static func dispatchLines(_ filter: SQL) -> SQL {
        "\(literal: lineSelect) WHERE o.status = \(OrderStatus.paid) \(literal: filter)"
    }

    private static func line(_ row: Row) -> DispatchLine {
        DispatchLine(id: row[0], orderID: row[1], product: row[2], quantity: row[3], status: row[4])
    }

    struct DispatchLinePage: Sendable {
        let lines: [DispatchLine]
        let total: Int
    }

    struct DispatchOrderPage: Sendable {
        let orders: [Order]
        let total: Int
    }

    /// One page of the lines of paid orders, optionally of one order and one status, with the count
    /// of all that match.
    func paidOrderLines(order: Int64?, status: OrderLineStatus?, page: Int, pageSize: Int) async throws -> DispatchLinePage {
        try await db.reader.read { db in try Self.paidOrderLines(db, order: order, status: status, page: page, pageSize: pageSize) }
    }

    static func paidOrderLines(_ db: Database, order: Int64?, status: OrderLineStatus?, page: Int, pageSize: Int) throws -> DispatchLinePage {
        var filter: SQL = ""
        if let order { filter += " AND l.orderId = \(order)" }
        if let status { filter += " AND l.status = \(status)" }
        let total = try SQLRequest<Int>(literal: "SELECT COUNT(*) FROM (\(literal: Self.dispatchLines(filter)))").fetchOne(db) ?? 0
        let offset = Pager(page: page, pageSize: pageSize, totalCount: total).offset
        let rows = try SQLRequest<Row>(
            literal: "\(literal: Self.dispatchLines(filter)) ORDER BY o.dateAdded DESC, o.id DESC, l.id LIMIT \(pageSize) OFFSET \(offset)"
        ).fetchAll(db)
        return DispatchLinePage(lines: rows.map(Self.line), total: total)
    }

    func paidOrderLine(id: Int64) async throws -> DispatchLine? {
        try await db.reader.read { db in try Self.paidOrderLine(db, id: id) }
    }

    static func paidOrderLine(_ db: Database, id: Int64) throws -> DispatchLine? {
        try SQLRequest<Row>(literal: "\(literal: dispatchLines(" AND l.id = \(id)"))").fetchOne(db).map(line)
    }

    /// Moves a paid order's line to `status` through the workflow (history row by `userID`; the
    /// order closes with its last open line). Nil when no paid order has this line.
    func setPaidOrderLineStatus(id: Int64, to status: OrderLineStatus, by userID: Int64, notify: OrderEmailSettings?) async throws -> DispatchLine? {
        try await db.dbWriter.write { db in
            guard try Self.paidOrderLine(db, id: id) != nil else { return nil }
            try OrderWorkflow.setLineStatus(db, lineID: id, to: status, by: userID, notify: notify)
            // A line whose order just closed is no longer a paid order's: answer what was written.
            return try SQLRequest<Row>(literal: "\(literal: Self.lineSelect) WHERE l.id = \(id)").fetchOne(db).map(Self.line)
        }
    }

    /// One page of paid orders, newest first, with the count of all.
    func paidOrders(page: Int, pageSize: Int) async throws -> DispatchOrderPage {
        try await db.reader.read { db in try Self.paidOrders(db, page: page, pageSize: pageSize) }
    }

    static func paidOrders(_ db: Database, page: Int, pageSize: Int) throws -> DispatchOrderPage {
        let request = Order.filter(Column("status") == OrderStatus.paid)
        let total = try request.fetchCount(db)
        let offset = Pager(page: page, pageSize: pageSize, totalCount: total).offset
        let orders = try request.order(Order.Columns.dateAdded.desc, Column("id").desc).limit(pageSize, offset: offset).fetchAll(db)
        return DispatchOrderPage(orders: orders, total: total)
    }

    func paidOrder(id: Int64) async throws -> Order? {
        try await db.reader.read { db in try Order.filter(Column("status") == OrderStatus.paid).filter(key: id).fetchOne(db) }
    }

    /// Replaces a paid order's shipping address; nil when there is no such paid order.
    func setShippingAddress(orderID: Int64, to address: AddressForm) async throws -> Order? {
        try await db.dbWriter.write { db in
            guard var order = try Order.filter(Column("status") == OrderStatus.paid).filter(key: orderID).fetchOne(db) else { return nil }
            order.shipping = address.postal
            order.dateUpdated = .now
            try order.update(db)
            return order
        }
    }
}
