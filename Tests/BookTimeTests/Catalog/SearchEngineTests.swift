import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

/// What search engines and link previews read: titles, descriptions, canonical URLs, Open Graph,
/// schema.org data, the sitemap and robots.txt.
@Suite struct SearchEngineTests {
    static func head(_ html: String, _ pattern: Regex<(Substring, Substring)>) -> String? {
        html.firstMatch(of: pattern).map { String($0.1) }
    }

    static func title(_ html: String) -> String? { head(html, /<title>([^<]*)<\/title>/) }
    static func description(_ html: String) -> String? { head(html, /<meta name="description" content="([^"]*)">/) }
    static func canonical(_ html: String) -> String? { head(html, /<link rel="canonical" href="([^"]*)">/) }

    static func structuredData(_ html: String) throws -> [String: Any] {
        let json = try #require(head(html, /<script type="application\/ld\+json">([^<]*)<\/script>/))
        return try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test func everyPageHasItsOwnTitleAndDescription() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://books.example" }) { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Walden", description: "Life in the woods.", price: 500, tags: ["Nature"]))
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 700, tags: ["Fiction"]))
            var titles: [String] = []
            var descriptions: [String] = []
            for path in ["/", "/products/all/", "/products/nature/", "/products/fiction/", "/product/walden/", "/product/emma/", "/about-us/", "/contact-us/"] {
                let html = try await browser.get(path).text
                titles.append(try #require(Self.title(html), "\(path)"))
                descriptions.append(try #require(Self.description(html), "\(path)"))
                #expect(Self.canonical(html) == "https://books.example\(path)")
                #expect(html.contains(#"<meta property="og:url" content="https://books.example\#(path)">"#))
            }
            #expect(Set(titles).count == titles.count, "\(titles)")
            #expect(Set(descriptions).count == descriptions.count, "\(descriptions)")
            #expect(descriptions[4] == "Life in the woods.")
        }
    }

    @Test func sortedAndLaterPagesOfAListNameTheirCanonicalPage() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://books.example" }) { browser, db in
            for index in 0..<(CatalogController.pageSize + 1) {
                try await db.catalog.createProduct(ProductInput(name: "Book \(index)", price: 100))
            }
            let sorted = try await browser.get("/products/all/?sort=-price&in_stock=1").text
            #expect(Self.canonical(sorted) == "https://books.example/products/all/")
            let second = try await browser.get("/products/all/?page=2&sort=price").text
            #expect(Self.canonical(second) == "https://books.example/products/all/?page=2")
            #expect(Self.title(second) == "All books (page 2) · BookTime")
        }
    }

    @Test func productPagesCarryAProductWithAnOffer() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://books.example" }) { browser, db in
            let product = try await ShopFixtures.product(db, "Sold </script><script>alert(1)</script> Out", price: 1250, stock: 0)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET author = 'Ann Author' WHERE id = ?", arguments: [product.id]) }
            let html = try await browser.get(Routes.product(slug: product.slug)).text
            #expect(!html.contains("<script>alert(1)"))
            let data = try Self.structuredData(html)
            #expect(data["@context"] as? String == "https://schema.org")
            #expect(data["@type"] as? String == "Product")
            #expect(data["name"] as? String == product.name)
            #expect(data["url"] as? String == "https://books.example\(Routes.product(slug: product.slug))")
            #expect((data["brand"] as? [String: Any])?["name"] as? String == "Ann Author")
            let offer = try #require(data["offers"] as? [String: Any])
            #expect(offer["@type"] as? String == "Offer")
            #expect(offer["price"] as? String == "12.50")
            #expect(offer["priceCurrency"] as? String == "GBP")
            #expect(offer["availability"] as? String == "https://schema.org/OutOfStock")
            #expect(html.contains(#"<meta property="og:type" content="product">"#))
        }
    }

    @Test func searchResultsAskNotToBeIndexed() async throws {
        try await withTestApp { browser, _ in
            let search = try await browser.get("/search/?q=walden").text
            let list = try await browser.get("/products/all/").text
            #expect(search.contains(#"<meta name="robots" content="noindex">"#))
            #expect(!list.contains(#"content="noindex""#))
        }
    }

    @Test func sitemapListsWhatIsOnSale() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://books.example/" }) { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Walden", price: 500, tags: ["Nature"]))
            try await db.catalog.createProduct(ProductInput(name: "Hidden", price: 500, tags: ["Secrets"], active: false))
            let response = try await browser.get(Routes.sitemap)
            #expect(response.headers[.contentType] == "application/xml; charset=utf-8")
            let locations = response.text.matches(of: /<loc>([^<]*)<\/loc>/).map { String($0.1) }
            #expect(locations.contains("https://books.example/product/walden/"))
            #expect(locations.contains("https://books.example/products/nature/"))
            #expect(locations.contains("https://books.example/"))
            #expect(!locations.contains { $0.contains("hidden") || $0.contains("secrets") })
            #expect(response.text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?>"#))
            // A new book shows in the next sitemap (kept per catalogue version).
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 500))
            #expect(try await PageCacheTests.eventually { try await browser.get(Routes.sitemap).text.contains("https://books.example/product/emma/") })
        }
    }

    @Test func robotsKeepCrawlersOutOfPrivatePages() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://books.example" }) { browser, _ in
            let robots = try await browser.get(Routes.robots).text
            for path in [Routes.ownersAdmin, Routes.officeAdmin, Routes.dispatchAdmin, Routes.basket, Routes.account, Routes.loginPath, Routes.api] {
                #expect(robots.contains("Disallow: \(path)\n"), "\(path)")
            }
            #expect(!robots.contains("Disallow: /products/"))
            #expect(robots.contains("Sitemap: https://books.example/sitemap.xml"))
        }
    }
}
