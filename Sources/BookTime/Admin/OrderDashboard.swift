import Foundation
import GRDB
import Hummingbird

/// The book's order dashboard (django-tables2 + django-filter) for every staff role: the orders
/// filtered by customer email, status and date ranges, sortable, paged, and as CSV. It is one
/// more declaration for the admin engine's list machinery, scoped per role as the role's own admin
/// site is: dispatchers see paid orders only, with the shipping name and no customer email.
struct OrderDashboard {
    static let path = Routes.orderDashboard

    /// Owners and the office: every order.
    static let model: AdminModel = {
        let customer: SQL = "(SELECT u.email FROM user u WHERE u.id = t.userId)"
        return AdminModel(
            name: "order", label: "Order", plural: "Orders", table: "shopOrder", titleSQL: "'BT' || t.id",
            columns: [
                AdminColumn(name: "id", label: "Order", sql: "'BT' || t.id"),
                AdminColumn(name: "user", label: "Customer", sql: customer),
                AdminColumn(name: "status", label: "Status", sql: "t.status", format: .choice(OrderAdmin.orderStatuses)),
                AdminColumn(name: "lines", label: "Books", sql: "(SELECT COALESCE(SUM(l.quantity), 0) FROM orderLine l WHERE l.orderId = t.id)"),
                AdminColumn(name: "total", label: "Total", sql: SQL(sql: AdminDashboard.orderTotalSQL(alias: "t")), format: .money),
                AdminColumn(name: "date_added", label: "Date added", sql: "t.dateAdded", format: .dateTime),
                AdminColumn(name: "date_updated", label: "Date updated", sql: "t.dateUpdated", format: .dateTime),
            ],
            filters: [
                .choice(name: "status", label: "Status", sql: "t.status", choices: OrderAdmin.orderStatuses),
                .dateRange(name: "date_added", label: "Date added", sql: "t.dateAdded"),
                .dateRange(name: "date_updated", label: "Date updated", sql: "t.dateUpdated"),
            ],
            search: [customer],
            defaultOrder: "t.id DESC"
        )
    }()

    /// Dispatchers: paid orders, shipping name instead of the customer's email, no money.
    static let dispatchModel: AdminModel = {
        var model = Self.model
        model.scope = OrderAdmin.dispatchScope
        model.columns = model.columns.filter { $0.name != "user" && $0.name != "total" }
        model.columns.insert(AdminColumn(name: "shipping_name", label: "Shipping name", sql: "t.shippingName"), at: 1)
        model.search = ["t.shippingName", "'BT' || t.id"]
        return model
    }()

    static let models = [model, dispatchModel]

    /// The dashboard `user` may see; a dispatcher who is also owner or office sees theirs.
    static func model(for user: CurrentUser?) -> AdminModel {
        guard let user, !user.has(.owner), !user.has(.employee) else { return model }
        return dispatchModel
    }

    let store: AdminStore
    let views: Views
    let currency: Currency
    /// The back-office sites, for the layout's header: the first whose role the user has.
    var sites: [AdminSite] = AdminSite.all

    func addRoutes(to router: Router<AppRequestContext>) {
        router.group(RouterPath(Self.path)).add(middleware: RequireRoleMiddleware(anyOf: [.owner, .employee, .dispatcher]))
            .get(use: dashboard)
    }

    struct Page {
        let site: AdminSiteView?

        struct DateInput {
            let label: String
            let name: String
            let value: String
        }

        let email: String
        let searchLabel: String
        let statuses: [AdminFieldView.Option]
        let dates: [DateInput]
        let headers: [AdminListPage.Header]
        let rows: [[String]]
        let countText: String
        let csvURL: String
        let previousURL: String?
        let nextURL: String?
        let pageText: String
    }

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let parameters = request.queryForm
        let model = Self.model(for: context.currentUser)
        let query = AdminListPage.query(parameters, model: model)
        switch parameters.value("format") {
        case "csv":
            let (rows, _) = try await store.list(model, query: query, everything: true)
            return CSV.download(name: "orders", header: model.columns.map(\.label), rows: rows.map { cells(of: $0, model: model, plain: true) })
        case nil, "html":
            break
        default:
            throw HTTPError(.badRequest, message: "The dashboard comes as format=html or format=csv.")
        }
        let (rows, total) = try await store.list(model, query: query)
        func url(_ changed: AdminListQuery) -> String { Self.path + AdminListPage.queryString(changed) }
        let pager = AdminListPage.pager(total: total, query: query, url: url)
        let csvQuery = AdminListPage.queryString(query.with(page: 1))
        let site = context.currentUser.flatMap { user in sites.first { user.has($0.role) }.map { AdminSiteView($0, actor: AdminActor(user)) } }
        let page = Page(
            site: site,
            email: query.search, searchLabel: model.scope == nil ? "Customer email contains" : "Shipping name or order number contains",
            statuses: [AdminFieldView.Option(value: "", label: "Any", selected: query.filters["status"] == nil)]
                + OrderAdmin.orderStatuses.map { AdminFieldView.Option(value: $0.value, label: $0.label, selected: query.filters["status"] == $0.value) },
            dates: ["date_added", "date_updated"].flatMap { name in
                [("from", "__from"), ("to", "__to")].map { word, suffix in
                    Page.DateInput(label: "\(name == "date_added" ? "Added" : "Updated") \(word)", name: name + suffix, value: query.filters[name + suffix] ?? "")
                }
            },
            headers: AdminListPage.headers(model, query: query, url: url), rows: rows.map { cells(of: $0, model: model, plain: false) },
            countText: model.counted(total),
            csvURL: Self.path + (csvQuery.isEmpty ? "?format=csv" : csvQuery + "&format=csv"),
            previousURL: pager.previous, nextURL: pager.next, pageText: pager.text
        )
        return views.render("order_dashboard", page: page, title: "Order dashboard", request: request, context: context)
    }

    func cells(of row: AdminListRow, model: AdminModel, plain: Bool) -> [String] {
        zip(model.columns, row.values).map { column, value in
            if plain, case .dateTime = column.format, let date = Date.fromDatabaseValue(value) {
                return date.formatted(.iso8601)
            }
            if plain, case .money = column.format {
                return AdminValues.formText(value, kind: .money)
            }
            return AdminValues.display(value, format: column.format, currency: currency)
        }
    }
}

extension AdminListQuery {
    func with(page: Int) -> AdminListQuery {
        var copy = self
        copy.page = page
        return copy
    }
}

/// RFC 4180 CSV, safe to open in a spreadsheet: fields are quoted when needed, and a field that
/// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`) is prefixed with `'`.
enum CSV {
    /// `header` and `rows` as a file the browser downloads as `<name>.csv`.
    static func download(name: String, header: [String], rows: [[String]]) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\(name).csv"],
            body: .init(byteBuffer: ByteBuffer(string: document(header: header, rows: rows)))
        )
    }

    static func document(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func field(_ value: String) -> String {
        var text = value
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
