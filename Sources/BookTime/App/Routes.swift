import Foundation

/// Every URL the shop links to, built in one place (Django's `reverse()` by url name).
public enum Routes {
    public static let home = "/"
    public static let aboutUs = "/about-us/"
    public static let contactUs = "/contact-us/"
    public static let healthz = "/healthz"
    public static let favicon = "/favicon.ico"

    public static let signupPath = "/signup/"
    public static let loginPath = "/login/"
    public static let logout = "/logout/"
    public static let account = "/account/"
    public static let passwordReset = "/password-reset/"
    public static let passwordResetDone = "/password-reset/done/"
    public static func passwordResetConfirm(token: String) -> String { "/password-reset/\(token)/" }

    /// Django's `reverse("login") + "?next=" + target`.
    public static func login(next: String? = nil) -> String { withNext(loginPath, next) }
    public static func signup(next: String? = nil) -> String { withNext(signupPath, next) }

    public static let addressList = "/address/"
    public static let addressCreate = "/address/create/"
    public static func addressUpdate(id: Int64) -> String { "/address/\(id)/" }
    public static func addressDelete(id: Int64) -> String { "/address/\(id)/delete/" }

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
    public static func order(id: Int64) -> String { "/orders/\(id)/" }

    public static let allProducts = "/products/all/"
    public static let search = "/search/"

    /// Django's `reverse("products", args=(tag,))`; `"all"` lists every product.
    public static func products(tag: String, page: Int = 1) -> String {
        "/products/\(tag)/" + (page > 1 ? "?page=\(page)" : "")
    }

    /// Django's `reverse("product", args=(slug,))`.
    public static func product(slug: String) -> String { "/product/\(slug)/" }

    public static func search(query: String, page: Int = 1) -> String {
        "/search/?q=\(queryEncoded(query))" + (page > 1 ? "&page=\(page)" : "")
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
    public static func image(hash: String) -> String { "/images/\(hash)" }

    /// The generated cover of a product without pictures.
    public static func cover(slug: String) -> String { "/covers/\(slug).svg" }

    /// A static file's content-hashed URL is built by `StaticAssets.url(for:)`.
    public static let staticPrefix = "/static/"
}
