/// One of the three back-office sites (owners, central office, dispatch): who may enter, how it looks, which models
/// it registers with which rules, and whether it has reports and invoices.
struct AdminSite: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        case owners, office, dispatch
    }

    let kind: Kind
    /// `/admin`, `/office-admin`, `/dispatch-admin` (no trailing slash).
    let prefix: String
    let header: String
    let headerColor: String
    let captionColor: String
    let role: Role
    let models: [AdminModel]
    let hasReports: Bool
    let hasInvoices: Bool

    func model(named name: String) -> AdminModel? { models.first { $0.name == name } }

    /// The same site registering `models` instead.
    func with(models: [AdminModel]) -> AdminSite {
        AdminSite(
            kind: kind, prefix: prefix, header: header, headerColor: headerColor, captionColor: captionColor, role: role, models: models,
            hasReports: hasReports, hasInvoices: hasInvoices
        )
    }

    /// A site's pages, below its prefix: registered by `AdminController` and filled in below.
    enum Pattern {
        static let index: RoutePattern = "/"
        static let login: RoutePattern = "/login/"
        static let log: RoutePattern = "/log/"
        static let backups: RoutePattern = "/backups/"
        static let backup: RoutePattern = "/backups/{file}"
        static let settings: RoutePattern = "/settings/"
        static let invoice: RoutePattern = "/invoice/{order}/"
        static let ordersPerDay: RoutePattern = "/orders_per_day/"
        static let mostBoughtProducts: RoutePattern = "/most_bought_products/"
        static let list: RoutePattern = "/{model}/"
        static let add: RoutePattern = "/{model}/add/"
        static let change: RoutePattern = "/{model}/{id}/"
        static let images: RoutePattern = "/{model}/{id}/images/"
        static let lines: RoutePattern = "/{model}/{id}/lines/"
        static let delete: RoutePattern = "/{model}/{id}/delete/"
    }

    var indexURL: String { prefix + Pattern.index.pattern }
    var loginURL: String { prefix + Pattern.login.pattern }
    var logURL: String { prefix + Pattern.log.pattern }
    var backupsURL: String { prefix + Pattern.backups.pattern }
    var settingsURL: String { prefix + Pattern.settings.pattern }
    func backupURL(name: String) -> String { prefix + Pattern.backup.path(["file": name]) }
    var ordersPerDayURL: String { prefix + Pattern.ordersPerDay.pattern }
    var mostBoughtProductsURL: String { prefix + Pattern.mostBoughtProducts.pattern }
    func listURL(_ model: AdminModel) -> String { prefix + Pattern.list.path(["model": model.name]) }
    func addURL(_ model: AdminModel) -> String { prefix + Pattern.add.path(["model": model.name]) }
    func changeURL(_ model: AdminModel, id: Int64) -> String { prefix + Pattern.change.path(["model": model.name, "id": String(id)]) }
    func imagesURL(_ model: AdminModel, id: Int64) -> String { prefix + Pattern.images.path(["model": model.name, "id": String(id)]) }
    func linesURL(_ model: AdminModel, id: Int64) -> String { prefix + Pattern.lines.path(["model": model.name, "id": String(id)]) }
    func deleteURL(_ model: AdminModel, id: Int64) -> String { prefix + Pattern.delete.path(["model": model.name, "id": String(id)]) }
    /// An order's page in the central office's back office (where the chat's staff work).
    static func officeOrderURL(id: Int64) -> String {
        office.model(named: "order").map { office.changeURL($0, id: id) } ?? Routes.order(id: id)
    }
    func invoiceURL(orderID: Int64) -> String { prefix + Pattern.invoice.path(["order": String(orderID)]) }

    /// Buttons on a record's page: the book's "View Invoice" and "Download Invoice as PDF", and
    /// the order's customer-service chat where the site's staff may chat (owners and employees).
    func links(_ model: AdminModel, id: Int64) -> [AdminFormPage.Link] {
        guard model.table == "shopOrder" else { return [] }
        var links: [AdminFormPage.Link] = []
        if hasInvoices {
            links.append(AdminFormPage.Link(label: "View Invoice", url: invoiceURL(orderID: id)))
            links.append(AdminFormPage.Link(label: "Download Invoice as PDF", url: invoiceURL(orderID: id) + "?format=pdf"))
        }
        if role == .owner || role == .employee {
            links.append(AdminFormPage.Link(label: "Chat with the customer", url: Routes.chatRoom(orderID: id)))
        }
        return links
    }

    static let owners = AdminSite(
        kind: .owners, prefix: "/admin", header: "BookTime owners administration", headerColor: "black", captionColor: "grey",
        role: .owner,
        models: [
            CatalogAdmin.product(for: .owners), CatalogAdmin.tag(for: .owners), CatalogAdmin.image(for: .owners),
            AccountsAdmin.user, AccountsAdmin.address(for: .owners), BasketAdmin.basket, OrderAdmin.order(for: .owners),
            OutboxAdmin.outbox, AccountsAdmin.apiToken,
        ],
        hasReports: true, hasInvoices: true
    )

    static let office = AdminSite(
        kind: .office, prefix: "/office-admin", header: "BookTime central office administration", headerColor: "purple",
        captionColor: "pink", role: .employee,
        models: [
            CatalogAdmin.product(for: .office), CatalogAdmin.tag(for: .office), CatalogAdmin.image(for: .office),
            AccountsAdmin.address(for: .office), OrderAdmin.order(for: .office),
        ],
        hasReports: true, hasInvoices: true
    )

    static let dispatch = AdminSite(
        kind: .dispatch, prefix: "/dispatch-admin", header: "BookTime central dispatch administration", headerColor: "green",
        captionColor: "lightgreen", role: .dispatcher,
        models: [CatalogAdmin.product(for: .dispatch), CatalogAdmin.tag(for: .dispatch), OrderAdmin.order(for: .dispatch)],
        hasReports: false, hasInvoices: false
    )

    static let all = [owners, office, dispatch]
}
