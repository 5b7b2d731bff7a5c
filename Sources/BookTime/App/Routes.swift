/// Every URL the shop links to, built in one place (Django's `reverse()` by url name).
public enum Routes {
    public static let home = "/"
    public static let aboutUs = "/about-us/"
    public static let contactUs = "/contact-us/"
    public static let healthz = "/healthz"

    /// A static file's content-hashed URL is built by `StaticAssets.url(for:)`.
    public static let staticPrefix = "/static/"
}
