import Foundation
import GRDB
import Hummingbird

/// The two reports (orders per day, most bought products) on the owners and central office sites, drawn as SVG.
enum AdminReports {
    static let periods = [30, 60, 90]

    /// Orders and revenue per UTC day over the last `days` days, every day present (zero when
    /// quiet). Revenue is what the orders charge: lines not cancelled, and delivery.
    static func ordersPerDay(_ db: AppDatabase, days: Int = 180, now: Date = .now) async throws -> [(day: String, orders: Int, revenue: Int)] {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let counts = try await db.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT date(o.dateAdded) AS day, COUNT(*) AS count, SUM(\(AdminDashboard.orderTotalSQL(alias: "o"))) AS revenue
                    FROM shopOrder o WHERE o.dateAdded > ? GROUP BY day
                    """,
                arguments: [since]
            ).reduce(into: [String: (Int, Int)]()) { $0[$1["day"]] = ($1["count"], $1["revenue"]) }
        }
        return (0..<days).reversed().map { back in
            let day = utcISODay(now.addingTimeInterval(-Double(back) * 86_400))
            return (day, counts[day]?.0 ?? 0, counts[day]?.1 ?? 0)
        }
    }

    /// How "Most bought" ranks: by copies sold or by the money they brought.
    enum Ranking: String, CaseIterable {
        case copies, revenue
    }

    /// Copies sold and revenue per product in orders of the last `days` days (cancelled lines
    /// left out), the top 40 by `ranking`.
    static func mostBoughtProducts(_ db: AppDatabase, days: Int, by ranking: Ranking = .copies, now: Date = .now) async throws
        -> [(name: String, copies: Int, revenue: Int)]
    {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let order = ranking == .copies ? "copies DESC, revenue DESC" : "revenue DESC, copies DESC"
        return try await db.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT p.name AS name, SUM(l.quantity) AS copies, SUM(l.quantity * l.unitPrice) AS revenue FROM orderLine l
                    JOIN shopOrder o ON o.id = l.orderId JOIN product p ON p.id = l.productId
                    WHERE o.dateAdded > ? AND l.status != ? GROUP BY l.productId ORDER BY \(order), p.name LIMIT 40
                    """,
                arguments: [since, OrderLineStatus.cancelled]
            ).map { ($0["name"], $0["copies"], $0["revenue"]) }
        }
    }

    struct Page {
        struct Row {
            let cells: [String]
        }

        struct Choice {
            let label: String
            let url: String
            let current: Bool
        }

        let site: AdminSiteView
        let heading: String
        let charts: [String]
        let columns: [String]
        let rows: [Row]
        let hasRows: Bool
        let periods: [AdminFieldView.Option]
        let hasPeriods: Bool
        let rankings: [Choice]
        let ranking: String
        let formURL: String
        let csvURL: String
    }

    /// `?format=csv` or the page.
    static func wantsCSV(_ request: Request) throws -> Bool {
        switch request.uri.queryParameters["format"].map(String.init) {
        case nil, "html": false
        case "csv": true
        default: throw HTTPError(.badRequest, message: "Reports come as format=html or format=csv.")
        }
    }
}

extension AdminController {
    @Sendable func ordersPerDay(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        let days = try await AdminReports.ordersPerDay(store.db)
        let columns = ["Day", "No of orders", "Revenue"]
        let quiet = days.filter { $0.orders > 0 }
        if try AdminReports.wantsCSV(request) {
            return CSV.download(
                name: "orders-per-day", header: ["Day", "Orders", "Revenue"], rows: quiet.map { [$0.day, String($0.orders), Currency.plain($0.revenue)] }
            )
        }
        let orders = BarChart(title: "Orders per day", xLabel: "Day", yLabel: "No of orders", bars: days.map { ($0.day, $0.orders) }, labelEvery: 15)
        var revenue = BarChart(title: "Revenue per day", xLabel: "Day", yLabel: "Revenue", bars: days.map { ($0.day, $0.revenue) }, labelEvery: 15)
        revenue.format = currency.format
        let page = AdminReports.Page(
            site: AdminSiteView(site, actor: actor), heading: "Orders per day",
            charts: [orders.svg(id: "orders-per-day"), revenue.svg(id: "revenue-per-day")], columns: columns,
            rows: quiet.map { .init(cells: [$0.day, String($0.orders), currency.format($0.revenue)]) }, hasRows: !quiet.isEmpty,
            periods: [], hasPeriods: false, rankings: [], ranking: "", formURL: "", csvURL: site.ordersPerDayURL + "?format=csv"
        )
        return views.render("admin_report", page: page, title: "Orders per day | \(site.header)", request: request, context: context)
    }

    /// The period comes as `?period=30|60|90` (or posted, as in the book); without one, the
    /// shortest, so the page opens on a chart that holds today's orders. `?by=revenue` ranks by
    /// money instead of copies.
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
        var ranking = AdminReports.Ranking.copies
        if let by = request.uri.queryParameters["by"].map(String.init) {
            guard let chosenRanking = AdminReports.Ranking(rawValue: by) else { throw HTTPError(.badRequest, message: "Rank by copies or by revenue.") }
            ranking = chosenRanking
        }
        let products = try await AdminReports.mostBoughtProducts(store.db, days: period, by: ranking)
        context.logger.info("most_bought_products query: last \(period) days, \(products.count) products")
        let columns = ["Product", "No of purchases", "Revenue"]
        if try AdminReports.wantsCSV(request) {
            return CSV.download(
                name: "most-bought-\(period)-days", header: ["Product", "Copies", "Revenue"],
                rows: products.map { [$0.name, String($0.copies), Currency.plain($0.revenue)] }
            )
        }
        var chart = BarChart(
            title: "Most bought products, last \(period) days", xLabel: "Product", yLabel: ranking == .copies ? "No of purchases" : "Revenue",
            bars: products.map { ($0.name, ranking == .copies ? $0.copies : $0.revenue) }
        )
        if ranking == .revenue { chart.format = currency.format }
        let base = site.mostBoughtProductsURL + "?period=\(period)"
        let page = AdminReports.Page(
            site: AdminSiteView(site, actor: actor), heading: "Most bought products",
            charts: products.isEmpty ? [] : [chart.svg(id: "most-bought")], columns: columns,
            rows: products.map { .init(cells: [$0.name, String($0.copies), currency.format($0.revenue)]) }, hasRows: !products.isEmpty,
            periods: AdminReports.periods.map { AdminFieldView.Option(value: String($0), label: "\($0) days", selected: $0 == period) },
            hasPeriods: true,
            rankings: AdminReports.Ranking.allCases.map {
                .init(label: $0 == .copies ? "By copies" : "By revenue", url: base + "&by=\($0.rawValue)", current: $0 == ranking)
            },
            ranking: ranking.rawValue, formURL: site.mostBoughtProductsURL, csvURL: base + "&by=\(ranking.rawValue)&format=csv"
        )
        return views.render("admin_report", page: page, title: "Most bought products | \(site.header)", request: request, context: context)
    }
}
