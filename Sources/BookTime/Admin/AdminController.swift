import Foundation
import GRDB
import Hummingbird

/// The back-office engine's pages for one site: index, login, every model's list, add, change and
/// delete pages, and (owners) the audit log. Nothing here knows a particular model. This file
/// holds the routes, the index, sign-in and the shared checks; each kind of page has its own
/// file (`AdminListHandlers`, `AdminFormHandlers`, `AdminDeleteHandler`, `AdminLogHandler`,
/// `AdminInvoiceHandler`, `AdminReports`).
struct AdminController {
    let site: AdminSite
    let store: AdminStore
    let views: Views
    let currency: Currency
    var seller = SellerSettings()
    let signIn: SignIn
    /// Scheduled backups (owners' site): where they go and how the last one went.
    var backupSettings: BackupSettings? = nil
    var backupStatus: BackupStatus? = nil
    /// Delivery rate and low-stock level (owners change them on the settings page).
    var shopSettings: ShopSettings? = nil

    func addRoutes(to router: Router<AppRequestContext>) {
        typealias Pattern = AdminSite.Pattern
        router.get(RouterPath(site.loginURL), use: login)
        router.post(RouterPath(site.loginURL), use: submitLogin)
        let group = router.group(RouterPath(site.prefix)).add(middleware: AdminSiteMiddleware(site: site))
        group.get(Pattern.index.routerPath, use: index)
        if site.kind == .owners {
            group.get(Pattern.log.routerPath, use: log)
            group.get(Pattern.backups.routerPath, use: backups)
            group.get(Pattern.backup.routerPath, use: downloadBackup)
            group.get(Pattern.settings.routerPath, use: settings)
            group.post(Pattern.settings.routerPath, use: settings)
        }
        if site.hasInvoices { group.get(Pattern.invoice.routerPath, use: invoice) }
        if site.hasReports {
            group.get(Pattern.ordersPerDay.routerPath, use: ordersPerDay)
            group.get(Pattern.mostBoughtProducts.routerPath, use: mostBoughtProducts)
            group.post(Pattern.mostBoughtProducts.routerPath, use: mostBoughtProducts)
        }
        group.get(Pattern.list.routerPath, use: list)
        group.post(Pattern.list.routerPath, use: listPost)
        group.get(Pattern.add.routerPath, use: add)
        group.post(Pattern.add.routerPath, use: add)
        group.get(Pattern.change.routerPath, use: change)
        group.post(Pattern.change.routerPath, use: change)
        group.post(Pattern.images.routerPath, use: uploadImage)
        group.post(Pattern.lines.routerPath, use: editLines)
        group.get(Pattern.delete.routerPath, use: delete)
        group.post(Pattern.delete.routerPath, use: delete)
    }

    // MARK: Index and login

    struct IndexPage {
        struct Entry {
            let label: String
            let url: String
            let addURL: String?
        }

        let site: AdminSiteView
        let models: [Entry]
        let reports: [Entry]
        /// Today's figures and what waits, on the sites with reports (owners, office).
        let dashboard: AdminDashboardView?
    }

    @Sendable func index(_ request: Request, context: AppRequestContext) async throws -> Response {
        let actor = try actor(context)
        let entries = site.models.filter { $0.can(.view) }.map {
            IndexPage.Entry(label: $0.plural, url: site.listURL($0), addURL: $0.can(.add) ? site.addURL($0) : nil)
        }
        var reports =
            site.hasReports
            ? [
                IndexPage.Entry(label: "Orders per day", url: site.ordersPerDayURL, addURL: nil),
                IndexPage.Entry(label: "Most bought products", url: site.mostBoughtProductsURL, addURL: nil),
            ] : []
        if site.kind == .owners {
            reports.append(IndexPage.Entry(label: "Backups", url: site.backupsURL, addURL: nil))
            reports.append(IndexPage.Entry(label: "Shop settings", url: site.settingsURL, addURL: nil))
        }
        var dashboard: AdminDashboardView?
        if site.hasReports {
            let threshold = shopSettings?.current.lowStockThreshold ?? ShopSettings.defaultLowStockThreshold
            dashboard = AdminDashboardView(
                try await store.dashboard(lowStockThreshold: threshold), site: site, currency: currency, lowStockThreshold: threshold
            )
        }
        let page = IndexPage(site: AdminSiteView(site, actor: actor), models: entries, reports: reports, dashboard: dashboard)
        return views.render("admin_index", page: page, title: "Site administration | \(site.header)", request: request, context: context)
    }

    struct LoginPage {
        let site: AdminSiteView
        let actionURL: String
        let signedInAs: String?
        let email: String
        let errors: [String]
    }

    static let staffOnly = "Please enter the correct email address and password for a staff account. Both fields may be case-sensitive."

    /// Django's admin login: only users of this site's role are signed in; anyone else reads the
    /// same error as for a wrong password.
    @Sendable func submitLogin(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        let next = LocalRedirect.target(request.uri.queryParameters["next"].map(String.init), default: site.indexURL)
        let role = site.role
        switch try await signIn.attempt(form, request: request, context: context, refusal: Self.staffOnly, admits: { $0.contains(role) }) {
        case .signedIn:
            return .redirect(to: next, type: .normal)
        case .refused(let validator):
            let page = LoginPage(
                site: AdminSiteView(site, actor: nil), actionURL: site.loginURL + "?next=" + Routes.queryEncoded(next),
                signedInAs: nil, email: form.value("email") ?? "", errors: validator.formErrors + validator.errors.values.sorted()
            )
            return views.render(
                "admin_login", page: page, title: "Log in | \(site.header)", request: request, context: context, status: .unprocessableContent
            )
        }
    }

    /// The site's own sign-in page; the form posts to the shop's login (same checks and limits).
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let next = LocalRedirect.target(request.uri.queryParameters["next"].map(String.init), default: site.indexURL)
        if let user = context.currentUser, user.has(site.role) { return .redirect(to: next, type: .normal) }
        let page = LoginPage(
            site: AdminSiteView(site, actor: nil), actionURL: site.loginURL + "?next=" + Routes.queryEncoded(next),
            signedInAs: context.currentUser?.email, email: "", errors: []
        )
        return views.render("admin_login", page: page, title: "Log in | \(site.header)", request: request, context: context)
    }

    // MARK: Helpers

    func actor(_ context: AppRequestContext) throws -> AdminActor {
        guard let user = context.currentUser, user.has(site.role) else { throw HTTPError(.forbidden) }
        return AdminActor(user)
    }

    /// The model named in the URL, if this site registers it and the user may `permission` it.
    func resolve(_ context: AppRequestContext, _ permission: AdminPermission) throws -> (AdminModel, AdminActor) {
        let actor = try actor(context)
        guard let name = context.parameters.get("model"), let model = site.model(named: name), model.can(.view) else {
            throw HTTPError(.notFound)
        }
        guard model.can(permission) else { throw HTTPError(.forbidden, message: "You cannot \(permission.rawValue) \(model.plural.lowercased()) on this site.") }
        return (model, actor)
    }

}

