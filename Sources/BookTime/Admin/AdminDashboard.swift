import Foundation
import GRDB

/// What the owners' and the office's index opens on: orders and revenue today, over 7 and over
/// 30 days (UTC days, cancelled lines not counted, delivery counted), the orders waiting for
/// payment and to ship, the books running low, and the latest orders, each linked to its list.
struct AdminDashboard: Sendable, Equatable {
    struct Period: Sendable, Equatable {
        let label: String
        let orders: Int
        let revenue: Int
        /// The first day counted (`YYYY-MM-DD`), for the order list's date filter.
        let fromDay: String
    }

    struct LowStock: Sendable, Equatable {
        let id: Int64
        let name: String
        let copies: Int
    }

    struct LatestOrder: Sendable, Equatable {
        let id: Int64
        let customer: String
        let status: OrderStatus
        let total: Int
        let dateAdded: Date
    }

    let periods: [Period]
    let waitingForPayment: Int
    let waitingToShip: Int
    let lowStock: [LowStock]
    let latest: [LatestOrder]

    static let lowStockShown = 10
    static let latestShown = 5

    /// An order's total in SQL (`alias` is the order): its lines that are not cancelled, and delivery.
    static func orderTotalSQL(alias: String) -> String {
        """
        (\(alias).deliveryCharge + COALESCE((SELECT SUM(l.quantity * l.unitPrice) FROM orderLine l
            WHERE l.orderId = \(alias).id AND l.status != \(OrderLineStatus.cancelled.rawValue)), 0))
        """
    }

    static func read(_ db: Database, now: Date = .now, lowStockThreshold: Int) throws -> AdminDashboard {
        let startOfToday = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        // One pass over the last 30 days' orders, counted into the three periods.
        let spans = [("Today", 0), ("7 days", 6), ("30 days", 29)].map { ($0.0, startOfToday.addingTimeInterval(-Double($0.1) * 86_400)) }
        let sums = spans.indices.map { "COALESCE(SUM(dateAdded >= :from\($0)), 0) AS orders\($0), COALESCE(SUM(CASE WHEN dateAdded >= :from\($0) THEN total END), 0) AS revenue\($0)" }
        var arguments = StatementArguments()
        for (index, span) in spans.enumerated() { arguments += ["from\(index)": span.1] }
        let row = try Row.fetchOne(
            db,
            sql: """
                SELECT \(sums.joined(separator: ", ")) FROM (SELECT o.dateAdded, \(orderTotalSQL(alias: "o")) AS total
                FROM shopOrder o WHERE o.dateAdded >= :from\(spans.count - 1))
                """,
            arguments: arguments
        )
        let periods = spans.enumerated().map { index, span in
            Period(
                label: span.0, orders: row?["orders\(index)"] ?? 0, revenue: row?["revenue\(index)"] ?? 0, fromDay: utcISODay(span.1)
            )
        }
        let waitingForPayment = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shopOrder WHERE status = ?", arguments: [OrderStatus.new]) ?? 0
        let waitingToShip = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM shopOrder WHERE status = ?", arguments: [OrderStatus.paid]) ?? 0
        let lowStock = try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, stockCount FROM product WHERE active = 1 AND stockCount IS NOT NULL AND stockCount <= ?
                ORDER BY stockCount, name LIMIT ?
                """,
            arguments: [lowStockThreshold, lowStockShown]
        ).map { LowStock(id: $0["id"], name: $0["name"], copies: $0["stockCount"]) }
        let latest = try Row.fetchAll(
            db,
            sql: """
                SELECT o.id, o.status, o.dateAdded, u.email, \(orderTotalSQL(alias: "o")) AS total
                FROM shopOrder o JOIN user u ON u.id = o.userId ORDER BY o.id DESC LIMIT ?
                """,
            arguments: [latestShown]
        ).map { LatestOrder(id: $0["id"], customer: $0["email"], status: $0["status"], total: $0["total"], dateAdded: $0["dateAdded"]) }
        return AdminDashboard(periods: periods, waitingForPayment: waitingForPayment, waitingToShip: waitingToShip, lowStock: lowStock, latest: latest)
    }
}

extension AdminStore {
    func dashboard(lowStockThreshold: Int) async throws -> AdminDashboard {
        try await db.reader.read { try AdminDashboard.read($0, lowStockThreshold: lowStockThreshold) }
    }
}

/// The dashboard as the index template shows it: figures formatted, links built.
struct AdminDashboardView {
    struct Figure {
        let label: String
        let ordersText: String
        let revenueText: String
        let url: String
    }

    struct Link {
        let label: String
        let detail: String
        let url: String
    }

    let figures: [Figure]
    let waiting: [Link]
    let lowStock: [Link]
    let lowStockURL: String
    let lowStockThreshold: Int
    let latest: [Link]
    let ordersURL: String

    init(_ dashboard: AdminDashboard, site: AdminSite, currency: Currency, lowStockThreshold: Int) {
        let orders = site.model(named: "order")
        let products = site.model(named: "product")
        let ordersURL = orders.map { site.listURL($0) } ?? site.indexURL
        self.ordersURL = ordersURL
        figures = dashboard.periods.map {
            Figure(
                label: $0.label, ordersText: counted($0.orders, "order"), revenueText: currency.format($0.revenue),
                url: ordersURL + "?date_added__from=\($0.fromDay)"
            )
        }
        waiting = [
            Link(label: "Waiting for payment", detail: String(dashboard.waitingForPayment), url: ordersURL + "?status=\(OrderStatus.new.rawValue)"),
            Link(label: "Waiting to ship", detail: String(dashboard.waitingToShip), url: ordersURL + "?status=\(OrderStatus.paid.rawValue)"),
        ]
        lowStock = dashboard.lowStock.map { book in
            Link(
                label: book.name, detail: counted(book.copies, "copy", plural: "copies"),
                url: products.map { site.changeURL($0, id: book.id) } ?? site.indexURL
            )
        }
        lowStockURL = products.map { site.listURL($0) + "?o=stock_count" } ?? site.indexURL
        self.lowStockThreshold = lowStockThreshold
        latest = dashboard.latest.map { order in
            Link(
                label: "\(Order.number(id: order.id)) · \(order.customer)", detail: "\(order.status.label) · \(currency.format(order.total))",
                url: orders.map { site.changeURL($0, id: order.id) } ?? site.indexURL
            )
        }
    }
}
