import Foundation

/// Every URL the shop links to, built in one place (Django's `reverse()` by url name).
public enum Routes {
    public static let home = "/"
    public static let aboutUs = "/about-us/"
    public static let contactUs = "/contact-us/"
    public static let healthz = "/healthz"

    public static let allProducts = "/products/all/"
    public static let search = "/search/"

    /// Django's `reverse("products", args=(tag,))`; `"all"` lists every product.
    public static func products(tag: String, page: Int = 1) -> String {
        "/products/\(tag)/" + (page > 1 ? "?page=\(page)" : "")
    }

    /// Django's `reverse("product", args=(slug,))`.
    public static func product(slug: String) -> String { "/product/\(slug)/" }

    public static func search(query: String, page: Int = 1) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let q = query.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
        return "/search/?q=\(q)" + (page > 1 ? "&page=\(page)" : "")
    }

    /// An image or thumbnail by content hash: the URL changes whenever the bytes do.
    public static func image(hash: String) -> String { "/images/\(hash)" }

    /// The generated cover of a product without pictures.
    public static func cover(slug: String) -> String { "/covers/\(slug).svg" }

    /// A static file's content-hashed URL is built by `StaticAssets.url(for:)`.
    public static let staticPrefix = "/static/"
}
