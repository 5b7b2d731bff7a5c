import Foundation
import GRDB
import Hummingbird
import Synchronization

/// `/sitemap.xml` (the shop's pages, every subject and every book on sale, built once per
/// catalogue version) and `/robots.txt` (what crawlers should leave alone, and where the sitemap is).
struct SitemapController {
    let db: AppDatabase
    let catalogVersion: CatalogVersionTracker
    let publicURL: PublicURL
    let built = Built()

    /// The sitemap protocol's limit for one file.
    static let maxURLs = 50_000

    final class Built: Sendable {
        let value = Mutex<(version: Int64, body: ByteBuffer)?>(nil)
    }

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.sitemap), use: sitemap)
        router.get(RouterPath(Routes.robots), use: robots)
    }

    @Sendable func sitemap(_ request: Request, context: AppRequestContext) async throws -> Response {
        let version = catalogVersion.current
        let body: ByteBuffer
        if let kept = built.value.withLock({ $0 }), kept.version == version {
            body = kept.body
        } else {
            body = ByteBuffer(string: try await Self.xml(db: db, base: publicURL.current))
            built.value.withLock { $0 = (version, body) }
        }
        return Response(
            status: .ok, headers: [.contentType: "application/xml; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: body)
        )
    }

    @Sendable func robots(_ request: Request, context: AppRequestContext) async throws -> Response {
        let text = (["User-agent: *"] + Routes.notForCrawlers.map { "Disallow: \($0)" } + ["", "Sitemap: \(publicURL.current)\(Routes.sitemap)", ""])
            .joined(separator: "\n")
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "public, max-age=86400"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// The sitemap's XML for the shop at `base` (no trailing slash).
    static func xml(db: AppDatabase, base: String) async throws -> String {
        // The subjects the home page lists: active, with a book on sale.
        let tags = try await db.catalog.tagSummaries().map(\.slug)
        let products = try await db.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, dateUpdated FROM product WHERE active = 1 ORDER BY id LIMIT ?", arguments: [maxURLs])
                .map { (slug: $0["slug"] as String, updated: $0["dateUpdated"] as Date) }
        }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"# + "\n"
        func add(_ path: String, lastModified: Date? = nil) {
            xml += "<url><loc>\(HTML.escape(base + path))</loc>"
            if let lastModified { xml += "<lastmod>\(utcISODay(lastModified))</lastmod>" }
            xml += "</url>\n"
        }
        for path in [Routes.home, Routes.allProducts, Routes.aboutUs, Routes.contactUs] { add(path) }
        for slug in tags.prefix(maxURLs - 4) { add(Routes.products(tag: slug)) }
        for product in products.prefix(max(0, maxURLs - 4 - tags.count)) { add(Routes.product(slug: product.slug), lastModified: product.updated) }
        return xml + "</urlset>\n"
    }
}
