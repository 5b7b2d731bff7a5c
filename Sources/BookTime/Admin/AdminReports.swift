import Foundation
import GRDB
import Hummingbird

/// The two reports (orders per day, most bought products) on the owners and central office sites, drawn as SVG.
enum AdminReports {
    static let periods = [30, 60, 90]

    /// Orders per UTC day over the last `days` days, every day present (zero when quiet).
    static func ordersPerDay(_ db: AppDatabase, days: Int = 180, now: Date = .now) async throws -> [(label: String, value: Int)] {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let counts = try await db.reader.read { db in
            try Row.fetchAll(
                db, sql: "SELECT date(dateAdded) AS day, COUNT(*) AS count FROM shopOrder WHERE dateAdded > ? GROUP BY day",
                arguments: [since]
            ).reduce(into: [String: Int]()) { $0[$1["day"]] = $1["count"] }
        }
        return (0..<days).reversed().map { back in
            let day = utcISODay(now.addingTimeInterval(-Double(back) * 86_400))
            return (day, counts[day] ?? 0)
        }
    }

    /// Copies sold per product in orders of the last `days` days.
    static func mostBoughtProducts(_ db: AppDatabase, days: Int, now: Date = .now) async throws -> [(label: String, value: Int)] {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        return try await db.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.name AS name, SUM(l.quantity) AS count FROM orderLine l
                    JOIN shopOrder o ON o.id = l.orderId JOIN product p ON p.id = l.productId
                    WHERE o.dateAdded > ? GROUP BY l.productId ORDER BY count DESC, p.name LIMIT 40
                    """,
                arguments: [since]
            ).map { ($0["name"], $0["count"]) }
        }
    }

    struct Page {
        struct Row {
            let label: String
            let value: Int
        }

        let site: AdminSiteView
        let heading: String
        let chartSVG: String?
        let xLabel: String
        let yLabel: String
        let rows: [Row]
        let hasRows: Bool
        let periods: [AdminFieldView.Option]
        let hasPeriods: Bool
        let formURL: String
    }
}

extension AdminController {
    @Sendable func ordersPerDay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        let bars = try await AdminReports.ordersPerDay(store.db)
        let chart = BarChart(title: "Orders per day", xLabel: "Day", yLabel: "No of orders", bars: bars, labelEvery: 15)
        let page = AdminReports.Page(
            site: AdminSiteView(site, actor: actor), heading: "Orders per day", chartSVG: chart.svg(id: "orders-per-day"),
            xLabel: "Day", yLabel: "No of orders", rows: bars.filter { $0.value > 0 }.map { .init(label: $0.label, value: $0.value) },
            hasRows: bars.contains { $0.value > 0 }, periods: [], hasPeriods: false, formURL: ""
        )
        return views.render("admin_report", page: page, title: "Orders per day | \(site.header)", request: request, context: context)
    }

    /// The period comes as `?period=30|60|90` (or posted, as in the book); without one, the
    /// shortest, so the page opens on a chart that holds today's orders.
    @Sendable func mostBoughtProducts(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let actor = try actor(context)
        var chosen = request.uri.queryParameters["period"].map(String.init)
        if request.method == .post { chosen = try await request.formData(context: context).value("period") }
        var period = AdminReports.periods[0]
        if let chosen {
            guard let days = Int(chosen), AdminReports.periods.contains(days) else {
                throw HTTPError(.badRequest, message: "Choose a period of 30, 60 or 90 days.")
            }
            period = days
        }
        let bars = try await AdminReports.mostBoughtProducts(store.db, days: period)
        context.logger.info("most_bought_products query: last \(period) days, \(bars.count) products")
        let chart = BarChart(title: "Most bought products, last \(period) days", xLabel: "Product", yLabel: "No of purchases", bars: bars)
        let page = AdminReports.Page(
            site: AdminSiteView(site, actor: actor), heading: "Most bought products",
            chartSVG: bars.isEmpty ? nil : chart.svg(id: "most-bought"), xLabel: "Product", yLabel: "No of purchases",
            rows: bars.map { .init(label: $0.label, value: $0.value) }, hasRows: !bars.isEmpty,
            periods: AdminReports.periods.map { AdminFieldView.Option(value: String($0), label: "\($0) days", selected: $0 == period) },
            hasPeriods: true, formURL: site.mostBoughtProductsURL
        )
        return views.render("admin_report", page: page, title: "Most bought products | \(site.header)", request: request, context: context)
    }
}
