import Foundation
import Hummingbird
import Logging
import Mustache
import Synchronization

/// Renders pages: Mustache templates parsed once (and again only when the theme changes) inside the
/// site layout, plus the static assets whose hashed URLs the layout links to.
public final class Views: Sendable {
    struct Snapshot: Sendable {
        let library: MustacheLibrary
        let assets: StaticAssets
        let fingerprint: String
        /// Changes on every theme reload, so cached pages of the old theme are not served.
        let generation: Int
    }

    /// A template that does not parse, named, for a clear start-up or reload error.
    public struct TemplateError: Error, CustomStringConvertible {
        public let name: String
        public let reason: String
        public var description: String { "Template \(name) does not parse: \(reason)" }
    }

    let files: ResourceFiles
    let logger: Logger
    let cache: PageCache
    /// The shop's address, for canonical URLs and link previews.
    let publicURL: PublicURL
    private let snapshot: Mutex<Snapshot>

    public init(
        themeDirectory: String? = nil, cache: PageCache = PageCache(), publicURL: PublicURL = PublicURL("http://localhost:8000"),
        logger: Logger = Logger(label: "booktime.views")
    ) throws {
        self.files = ResourceFiles(themeDirectory: themeDirectory)
        self.publicURL = publicURL
        self.logger = logger
        self.cache = cache
        self.snapshot = Mutex(try Self.load(files, generation: 0))
    }

    public var assets: StaticAssets { snapshot.withLock { $0.assets } }
    var library: MustacheLibrary { snapshot.withLock { $0.library } }

    /// Re-reads the theme if a file in it changed. A broken template keeps the last good set.
    @discardableResult
    public func reloadIfThemeChanged() -> Bool {
        guard files.themeDirectory != nil else { return false }
        let fingerprint = files.themeFingerprint()
        guard fingerprint != snapshot.withLock({ $0.fingerprint }) else { return false }
        do {
            let fresh = try Self.load(files, generation: snapshot.withLock { $0.generation } + 1)
            snapshot.withLock { $0 = fresh }
            cache.removeAll()
            logger.info("Theme reloaded from \(files.themeDirectory ?? "")")
            return true
        } catch {
            logger.error("Theme not reloaded: \(error)")
            return false
        }
    }

    private static func load(_ files: ResourceFiles, generation: Int) throws -> Snapshot {
        let fingerprint = files.themeFingerprint()
        var library = MustacheLibrary()
        for (name, bytes) in files.files(in: "templates") where name.hasSuffix(".mustache") {
            let templateName = String(name.dropLast(".mustache".count))
            do {
                library.register(try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self)), named: templateName)
            } catch {
                throw TemplateError(name: name, reason: "\(error)")
            }
        }
        return Snapshot(library: library, assets: StaticAssets(files: files.files(in: "static")), fingerprint: fingerprint, generation: generation)
    }

    /// Renders `template` with `page` as its data inside the layout. `page` is a small view model
    /// with values already formatted; the template sees it as `page`, the layout as `layout`.
    public func render(
        _ template: String, page: Any = [String: String](), title: String? = nil,
        request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        let layout = LayoutContext(title: title, path: request.uri.path, assets: assets, meta: (page as? PageMetaProviding)?.meta, publicURL: publicURL.current)
        let html = renderHTML(template, data: RenderData(layout: layout, page: page))
        return htmlResponse(CachedPage(html: html), request: request, context: context, status: status)
    }

    /// Like `render`, for GET pages that depend only on `key` (and the path, theme and template):
    /// rendered once with placeholders, then per request only the CSRF token, flash messages and
    /// basket count are filled in. `page` runs (and queries the database) on a miss only.
    /// Pages that are not catalogue pages bring their own `cache`, so they cannot evict those.
    public func renderCached(
        _ template: String, key: String, title: String? = nil, request: Request, context: AppRequestContext,
        cache: PageCache? = nil, page: () async throws -> Any
    ) async throws -> Response {
        let cache = cache ?? self.cache
        // A hit needs only the theme's generation, not a copy of the whole snapshot.
        let generation = snapshot.withLock { $0.generation }
        if let cached = cache.value(for: "\(generation)|\(template)|\(request.uri.path)|\(key)") {
            return htmlResponse(cached, request: request, context: context, status: .ok)
        }
        let snapshot = snapshot.withLock { $0 }
        let fullKey = "\(snapshot.generation)|\(template)|\(request.uri.path)|\(key)"
        let data = try await page()
        let layout = LayoutContext(
            title: title, path: request.uri.path, assets: snapshot.assets, meta: (data as? PageMetaProviding)?.meta, publicURL: publicURL.current
        )
        var rendered = CachedPage(html: renderHTML(template, data: RenderData(layout: layout, page: data)))
        rendered.anonymousAccountHTML = accountHTML(user: nil, request: request, context: context)
        rendered.prepareGzip()
        cache.store(rendered, for: fullKey)
        return htmlResponse(rendered, request: request, context: context, status: .ok)
    }

    /// Every page's headers, built (and their values checked) once.
    private static let pageHeaders: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .vary: "Accept-Encoding"]
    /// The same, compressed; each response sets its own length.
    private static let gzipPageHeaders: HTTPFields = {
        var headers = pageHeaders
        headers.markGzip(length: 0)
        return headers
    }()

    /// The page with this request's slot values, gzip-compressed when the client takes it
    /// (a cached page's text was compressed when it was cached).
    private func htmlResponse(_ page: CachedPage, request: Request, context: AppRequestContext, status: HTTPResponse.Status) -> Response {
        let value = { (slot: CachedPage.Slot) -> String in
            switch slot {
            case .csrfToken: context.csrfToken
            case .messages: LayoutContext.messagesHTML(context.flash.consume())
            case .basketCount: LayoutContext.itemCount(context.basket?.itemCount ?? 0)
            case .account:
                if context.currentUser == nil, let html = page.anonymousAccountHTML {
                    html
                } else {
                    self.accountHTML(user: context.currentUser, request: request, context: context)
                }
            }
        }
        guard AcceptEncoding.allowsGzip(request.headers) else {
            return Response(status: status, headers: Self.pageHeaders, body: .init(byteBuffer: page.assemble(value)))
        }
        let body = page.assembleGzip(value)
        var headers = Self.gzipPageHeaders
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    /// The header's account area (`layout_account`): per request for a signed-in user.
    private func accountHTML(user: CurrentUser?, request: Request, context: AppRequestContext) -> String {
        renderHTML("layout_account", data: AccountNav(user: user, path: request.uri.path, csrfToken: context.csrfToken))
    }

    /// The HTML of a template for already-assembled data (also used for emails and tests).
    func renderHTML(_ template: String, data: Any) -> String {
        guard let html = library.render(data, withTemplate: template) else {
            logger.error("Missing template \(template)")
            return "<!doctype html><title>BookTime</title><p>BookTime: page template \(template) is missing.</p>"
        }
        return html
    }
}

/// The object every template renders against.
///
/// The layout types answer Mustache's lookups directly (`MustacheParent`) rather than through
/// `Mirror`, which is the costliest part of rendering a page.
struct RenderData: MustacheParent {
    let layout: LayoutContext
    let page: Any

    func child(named name: String) -> Any? {
        switch name {
        case "layout": layout
        case "page": page
        case "routes": TemplateRoutes()
        default: nil
        }
    }
}

extension LayoutContext: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "siteName": siteName
        case "title": title
        case "navigation": navigation
        case "messagesHTML": messagesHTML
        case "csrfToken": csrfToken
        case "stylesheetURL": stylesheetURL
        case "scriptURL": scriptURL
        case "realtimeScriptURL": realtimeScriptURL
        case "appScriptURL": appScriptURL
        case "faviconURL": faviconURL
        case "basketCount": basketCount
        case "accountHTML": accountHTML
        case "year": year
        case "description": meta.description
        case "noIndex": meta.noIndex
        case "openGraphType": meta.openGraphType
        case "canonicalURL": canonicalURL
        case "imageURL": imageURL
        case "structuredDataJSON": meta.structuredDataJSON
        default: nil
        }
    }
}

extension LayoutContext.NavItem: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "url": url
        case "current": current
        default: nil
        }
    }
}

extension LayoutContext {
    /// The flash messages block, escaped here since it bypasses the template.
    static func messagesHTML(_ messages: [FlashMessage]) -> String {
        guard !messages.isEmpty else { return "" }
        let items = messages.map { message in
            let link = message.link.map { #" <a href="\#(HTML.escape($0.url))">\#(HTML.escape($0.label))</a>"# } ?? ""
            return #"<p class="alert alert-\#(message.level.rawValue)">\#(HTML.escape(message.text))\#(link)</p>"#
        }
        return #"<div class="messages" role="status">"# + items.joined() + "</div>"
    }
}

/// "1 book", "166 books", "1 copy", "2 copies": a number and its noun, the one plural rule of
/// the shop's pages (`plural` for the nouns an "s" does not make).
func counted(_ count: Int, _ singular: String, plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}

/// What the layout needs: title, navigation, flash messages, the CSRF token, asset URLs.
struct LayoutContext {
    /// "1 item", "2 items": the basket indicator.
    static func itemCount(_ count: Int) -> String { counted(count, "item") }

    struct NavItem {
        let label: String
        let url: String
        let current: Bool
    }

    let siteName = "BookTime"
    let title: String
    let navigation: [NavItem]
    /// Per-request values are placeholders, filled in by `CachedPage.assemble`.
    let messagesHTML = CachedPage.Slot.messages.marker
    let csrfToken = CachedPage.Slot.csrfToken.marker
    let basketCount = CachedPage.Slot.basketCount.marker
    /// Sign-in links or the signed-in user's menu (the `layout_account` template, per request).
    let accountHTML = CachedPage.Slot.account.marker
    let stylesheetURL: String
    let scriptURL: String
    /// The chat, dashboard and live order page's script (only pages that stream load it).
    let realtimeScriptURL: String
    /// The mobile web app's script.
    let appScriptURL: String
    let faviconURL: String
    let year: Int
    let meta: PageMeta
    /// Absolute: the public URL and the page's canonical path.
    let canonicalURL: String
    let imageURL: String?

    /// The UTC year, from the epoch seconds (no Calendar per request).
    static func currentYear(_ date: Date = Date()) -> Int {
        utcYearMonth(date).year
    }

    init(title: String?, path: String, assets: StaticAssets, meta: PageMeta? = nil, publicURL: String = "") {
        self.title = title.map { "\($0) · BookTime" } ?? "BookTime"
        let meta = meta ?? PageMeta()
        self.meta = meta
        self.canonicalURL = publicURL + (meta.canonicalPath ?? path)
        self.imageURL = meta.imagePath.map { publicURL + $0 }
        self.navigation = [
            NavItem(label: "Home", url: Routes.home, current: path == Routes.home),
            NavItem(label: "Books", url: Routes.allProducts, current: [Routes.Pattern.products, Routes.Pattern.product].contains { path.hasPrefix($0.prefix) }),
            NavItem(label: "About us", url: Routes.aboutUs, current: path == Routes.aboutUs),
            NavItem(label: "Contact us", url: Routes.contactUs, current: path == Routes.contactUs),
        ]
        self.stylesheetURL = assets.url(for: "site.css")
        self.scriptURL = assets.url(for: "site.js")
        self.realtimeScriptURL = assets.url(for: "realtime.js")
        self.appScriptURL = assets.url(for: "app.js")
        self.faviconURL = assets.url(for: "favicon.svg")
        self.year = Self.currentYear()
    }
}
