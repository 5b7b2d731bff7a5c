import Foundation

/// Every URL the shop links to, built in one place (Django's `reverse()` by url name). Controllers
/// register these same values (`RouterPath(Routes.basket)`, `Routes.Pattern.product.routerPath`),
/// and templates read them as `{{routes.*}}` (`TemplateRoutes`).
public enum Routes {
    /// The paths with parameters, as the router matches them.
    public enum Pattern {
        public static let products: RoutePattern = "/products/{tag}/"
        public static let product: RoutePattern = "/product/{slug}/"
        public static let image: RoutePattern = "/images/{file}"
        public static let cover: RoutePattern = "/covers/{file}"
        public static let staticFile: RoutePattern = "/static/{file}"
        public static let order: RoutePattern = "/orders/{id}/"
        public static let addressUpdate: RoutePattern = "/address/{id}/"
        public static let addressDelete: RoutePattern = "/address/{id}/delete/"
        public static let passwordResetConfirm: RoutePattern = "/password-reset/{token}/"
        /// The API's own routes are registered from `Resources/api/openapi.yaml`; these build its
        /// links (`RouteDocumentTests` checks they are the document's paths).
        public static let apiOrder: RoutePattern = "/api/orders/{id}/"
        public static let apiOrderLine: RoutePattern = "/api/orderlines/{id}/"
        public static let myOrderTracker: RoutePattern = "/mobile-api/my-orders/{id}/tracker/"
        public static let revokeAPIToken: RoutePattern = "/account/tokens/{id}/revoke/"
        /// The customer-service chat: its WebSocket (on the WebSocket router), its page, and an
        /// order page's live status stream.
        public static let chatSocket: RoutePattern = "/ws/customer-service/{id}/"
        public static let chatRoom: RoutePattern = "/customer-service/{id}/"
        public static let orderEvents: RoutePattern = "/orders/{id}/events/"
    }

    /// Paths below this are WebSocket upgrades.
    public static let webSocketPrefix = "/ws/"
    public static func chatSocket(orderID: Int64) -> String { Pattern.chatSocket.path(["id": String(orderID)]) }
    public static func chatRoom(orderID: Int64) -> String { Pattern.chatRoom.path(["id": String(orderID)]) }
    public static func orderEvents(id: Int64) -> String { Pattern.orderEvents.path(["id": String(id)]) }
    /// Employees' chat dashboard and its presence stream (Server-Sent Events).
    public static let customerService = "/customer-service/"
    public static let customerServiceNotify = "/customer-service/notify/"
    /// The installable mobile web app (the book's React Native app).
    public static let mobileApp = "/app/"
    public static let mobileAppManifest = "/app/manifest.webmanifest"
    public static let mobileAppServiceWorker = "/app/sw.js"

    public static let api = "/api/"
    public static let apiOrderLines = "/api/orderlines/"
    public static let apiOrders = "/api/orders/"
    public static let apiDocumentJSON = "/api/openapi.json"
    public static let apiDocumentYAML = "/api/openapi.yaml"
    public static func apiOrder(id: Int64) -> String { Pattern.apiOrder.path(["id": String(id)]) }
    public static let mobileAuth = "/mobile-api/auth/"
    public static let apiToken = "/api/token/"
    public static let apiTokenRefresh = "/api/token/refresh/"
    public static let apiLogout = "/api/logout/"
    public static let myOrders = "/mobile-api/my-orders/"
    public static func myOrderTracker(id: Int64) -> String { Pattern.myOrderTracker.path(["id": String(id)]) }
    public static func revokeAPIToken(id: Int64) -> String { Pattern.revokeAPIToken.path(["id": String(id)]) }

    public static let home = "/"
    public static let aboutUs = "/about-us/"
    public static let contactUs = "/contact-us/"
    public static let healthz = "/healthz"
    public static let readyz = "/readyz"
    public static let metrics = "/metrics"
    public static let favicon = "/favicon.ico"
    /// For search engines: every book and subject, and what not to crawl.
    public static let sitemap = "/sitemap.xml"
    public static let robots = "/robots.txt"
    /// What crawlers are asked to leave alone: the back offices, people's own pages, forms,
    /// searches and the APIs.
    static let notForCrawlers = [
        ownersAdmin, officeAdmin, dispatchAdmin, orderDashboard, customerService, basket, addToBasket, "/order/", orders, account,
        addressList, loginPath, signupPath, logout, passwordReset, search, api, "/mobile-api/", mobileApp, webSocketPrefix,
    ]

    public static let signupPath = "/signup/"
    public static let loginPath = "/login/"
    public static let logout = "/logout/"
    public static let account = "/account/"
    public static let passwordReset = "/password-reset/"
    public static let passwordResetDone = "/password-reset/done/"
    public static func passwordResetConfirm(token: String) -> String { Pattern.passwordResetConfirm.path(["token": token]) }

    /// Django's `reverse("login") + "?next=" + target`.
    public static func login(next: String? = nil) -> String { withNext(loginPath, next) }
    public static func signup(next: String? = nil) -> String { withNext(signupPath, next) }

    public static let addressList = "/address/"
    public static let addressCreate = "/address/create/"
    public static func addressUpdate(id: Int64) -> String { Pattern.addressUpdate.path(["id": String(id)]) }
    public static func addressDelete(id: Int64) -> String { Pattern.addressDelete.path(["id": String(id)]) }

    /// The three back-office sites (built by the back-office feature).
    public static let ownersAdmin = "/admin/"
    public static let officeAdmin = "/office-admin/"
    public static let dispatchAdmin = "/dispatch-admin/"
    /// The staff's order dashboard.
    public static let orderDashboard = "/order-dashboard/"

    public static let addToBasket = "/add_to_basket/"
    public static let basket = "/basket/"
    public static let addressSelect = "/order/address_select/"
    public static let orderDone = "/order/done/"
    public static let orders = "/orders/"
    public static func order(id: Int64) -> String { Pattern.order.path(["id": String(id)]) }

    public static let allProducts = products(tag: "all")
    public static let search = "/search/"

    /// Django's `reverse("products", args=(tag,))`; `"all"` lists every product.
    public static func products(tag: String, page: Int = 1) -> String {
        products(tag: tag, page: page, options: ListOptions())
    }

    /// A list page sorted and filtered (`?sort=`, `?in_stock=1`), defaults left out.
    static func products(tag: String, page: Int = 1, options: ListOptions) -> String {
        Pattern.products.path(["tag": tag]) + queryString(options.queryItems(forSearch: false) + (page > 1 ? [("page", "\(page)")] : []))
    }

    /// Django's `reverse("product", args=(slug,))`.
    public static func product(slug: String) -> String { Pattern.product.path(["slug": slug]) }

    public static func search(query: String, page: Int = 1) -> String {
        search(query: query, page: page, options: ListOptions(sort: ListOptions.defaultSort(forSearch: true)))
    }

    /// Search results narrowed by subject and stock, sorted, defaults left out.
    static func search(query: String, page: Int = 1, options: ListOptions) -> String {
        search + queryString([("q", query)] + options.queryItems(forSearch: true) + (page > 1 ? [("page", "\(page)")] : []))
    }

    /// `?a=1&b=2`, each value percent-encoded; empty for no items.
    private static func queryString(_ items: [(String, String)]) -> String {
        items.isEmpty ? "" : "?" + items.map { "\($0.0)=\(queryEncoded($0.1))" }.joined(separator: "&")
    }

    private static func withNext(_ path: String, _ next: String?) -> String {
        guard let next, !next.isEmpty, next != home else { return path }
        return path + "?next=" + queryEncoded(next)
    }

    private static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func queryEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// An image or thumbnail by content hash: the URL changes whenever the bytes do.
    public static func image(hash: String) -> String { Pattern.image.path(["file": hash]) }

    /// The generated cover of a product without pictures.
    public static func cover(slug: String) -> String { Pattern.cover.path(["file": slug + ".svg"]) }

    /// A static file's content-hashed URL (`StaticAssets.url(for:)` names the file).
    public static func staticFile(_ name: String) -> String { Pattern.staticFile.path(["file": name]) }
}
