import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's catalogue view tests (`test_products_page_*`), plus paging, detail, search and covers.
@Suite struct CatalogPageTests {
    /// Card names in page order.
    static func names(in html: String) -> [String] {
        html.matches(of: /<span class="product-name">([^<]*)<\/span>/).map { String($0.1) }
    }

    @Test func productsPageReturnsActiveByName() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "The cathedral and the bazaar", price: 1000))
            try await db.catalog.createProduct(ProductInput(name: "A Tale of Two Cities", price: 200, active: false))
            try await db.catalog.createProduct(ProductInput(name: "Microsoft Windows guide", price: 1200))
            let response = try await browser.get("/products/all/")
            #expect(response.status == .ok)
            #expect(response.text.contains("BookTime"))
            #expect(Self.names(in: response.text) == ["Microsoft Windows guide", "The cathedral and the bazaar"])
            #expect(response.text.contains("£10.00"))
        }
    }

    @Test func productsPageFiltersByTagAndActive() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "The cathedral and the bazaar", price: 1000, tags: ["Open source"]))
            try await db.catalog.createProduct(ProductInput(name: "Hidden open book", price: 1000, tags: ["Open source"], active: false))
            try await db.catalog.createProduct(ProductInput(name: "Microsoft Windows guide", price: 1200))
            let html = try await browser.get("/products/open-source/").text
            #expect(Self.names(in: html) == ["The cathedral and the bazaar"])
            #expect(html.contains("<h1>Open source</h1>"))
        }
    }

    @Test(arguments: ["/products/no-such-tag/", "/product/no-such-book/"])
    func unknownTagOrProductIs404(path: String) async throws {
        let status = try await withTestApp { browser, _ in try await browser.get(path).status }
        #expect(status == .notFound)
    }

    @Test func inactiveTagAndProductAre404() async throws {
        let (tagStatus, productStatus) = try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Retired", price: 100, tags: ["Old"], active: false))
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE productTag SET active = 0") }
            return (try await browser.get("/products/old/").status, try await browser.get("/product/retired/").status)
        }
        #expect(tagStatus == .notFound)
        #expect(productStatus == .notFound)
    }

    @Test func paginationClampsAndLinks() async throws {
        try await withTestApp { browser, db in
            for index in 1...30 {
                try await db.catalog.createProduct(ProductInput(name: String(format: "Book %02d", index), price: 100 * index))
            }
            let first = try await browser.get("/products/all/").text
            #expect(Self.names(in: first) == (1...12).map { String(format: "Book %02d", $0) })
            #expect(first.contains(#"href="/products/all/?page=2" rel="next""#))
            #expect(first.contains("30 books · page 1 of 3"))
            let last = try await browser.get("/products/all/?page=3").text
            #expect(Self.names(in: last) == (25...30).map { String(format: "Book %02d", $0) })
            #expect(last.contains(#"rel="prev""#))
            // Out of range → the last page; nonsense → the first. Never a 500.
            let beyond = try await browser.get("/products/all/?page=99")
            #expect(beyond.status == .ok)
            #expect(Self.names(in: beyond.text) == Self.names(in: last))
            for bad in ["abc", "-1", "0", "99999999999999999999", "%00"] {
                let response = try await browser.get("/products/all/?page=\(bad)")
                #expect(response.status == .ok, "page=\(bad)")
                #expect(Self.names(in: response.text) == Self.names(in: first), "page=\(bad)")
            }
        }
    }

    @Test func paginationWindowHasGaps() {
        let view = PaginationView(page: 10, pageCount: 20, totalCount: 240, noun: "book") { "/p/\($0)" }
        let shown = view.pages.map { $0.gap ? "…" : String($0.number) }
        #expect(shown == ["1", "…", "8", "9", "10", "11", "12", "…", "20"])
        #expect(view.pages.first { $0.current }?.number == 10)
    }

    @Test func productDetailShowsEverything() async throws {
        try await withTestApp { browser, db in
            let product = try await db.catalog.createProduct(
                ProductInput(
                    name: "Siddhartha", author: "Hermann Hesse", description: "A novel.\n\nA second <b>paragraph</b>.",
                    price: 600, tags: ["Religion", "Narrative"]
                )
            )
            let html = try await browser.get("/product/siddhartha/").text
            #expect(html.contains("<h1>Siddhartha</h1>"))
            #expect(html.contains("by Hermann Hesse"))
            #expect(html.contains("£6.00"))
            #expect(html.contains("<p>A novel.</p>"))
            #expect(html.contains("<p>A second &lt;b&gt;paragraph&lt;/b&gt;.</p>"))
            #expect(html.contains(#"<a class="tag" href="/products/narrative/">Narrative</a>"#))
            #expect(html.contains(#"<span class="stock-status">In stock</span>"#))
            #expect(!html.contains(monthAndYear(product.dateUpdated)), "customers are not shown when a product was last edited")
            #expect(html.contains(#"action="/add_to_basket/""#))
            #expect(html.contains(#"name="product_id" value="\#(product.id!)""#))
            #expect(!html.contains("disabled>Add to basket"))
            #expect(html.contains(#"src="/covers/siddhartha.svg""#))
        }
    }

    @Test func outOfStockProductCannotBeAdded() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Rare", price: 100, inStock: false))
            let html = try await browser.get("/product/rare/").text
            #expect(html.contains(#"<span class="stock-status stock-out">Out of stock</span>"#))
            #expect(html.contains(" disabled>Add to basket"))
            #expect(html.contains("No tags available"))
        }
    }

    @Test func slugsAreUniqueAndReadable() async throws {
        let test = try TestDatabase()
        let a = try await test.db.catalog.createProduct(ProductInput(name: "Les Misérables", price: 100))
        let b = try await test.db.catalog.createProduct(ProductInput(name: "Les misérables!", price: 100))
        #expect(a.slug == "les-miserables")
        #expect(b.slug == "les-miserables-2")
        let c = try await test.db.catalog.createProduct(ProductInput(name: "Anything", price: 100, tags: ["All", "Children's Books"]))
        let slugs = try await test.db.reader.read { db in try String.fetchAll(db, sql: "SELECT slug FROM productTag ORDER BY slug") }
        #expect(slugs == ["all-2", "childrens-books"])
        #expect(c.slug == "anything")
        #expect(Slug.make("   ") == "item")
        #expect(Slug.make(String(repeating: "a", count: 300)).count == 200)
    }

    /// The ASCII fast path makes the slugs the ICU transform and `CharacterSet` made.
    @Test func asciiSlugsMatchTheFoldingPath() {
        func reference(_ text: String) -> String {
            let folded = text.applyingTransform(.stripDiacritics, reverse: false) ?? text
            var slug = ""
            var pendingHyphen = false
            for scalar in folded.lowercased().unicodeScalars {
                if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                    if pendingHyphen, !slug.isEmpty { slug.append("-") }
                    pendingHyphen = false
                    slug.unicodeScalars.append(scalar)
                } else if scalar != "'" && scalar != "’" {
                    pendingHyphen = true
                }
            }
            return slug.isEmpty ? "item" : slug
        }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\t")
        for _ in 0..<3_000 {
            let text = String((0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(Slug.make(text) == reference(text), "\(text.debugDescription)")
        }
        #expect(Slug.make("Les Misérables") == "les-miserables", "non-ASCII still folds")
    }

    @Test func homeListsTagsWithActiveProducts() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 100, tags: ["Fiction"]))
            try await db.catalog.createProduct(ProductInput(name: "Gone", price: 100, tags: ["Hidden"], active: false))
            let html = try await browser.get("/").text
            #expect(html.contains(#"<a href="/products/fiction/">Fiction <span class="count">1</span></a>"#))
            #expect(!html.contains("/products/hidden/"))
        }
    }

    @Test func coverIsAnEscapedSVG() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Tom & Jerry <script>", author: "Anon \"Q\"", price: 100))
            let response = try await browser.get("/covers/tom-jerry-script.svg")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/svg+xml")
            #expect(response.text.hasPrefix("<svg"))
            #expect(response.text.contains("Tom &amp; Jerry &lt;script&gt;"))
            #expect(!response.text.contains("<script>"))
            #expect(try await browser.get("/covers/nope.svg").status == .notFound)
        }
    }

    @Test func colourFollowsTheSlug() {
        #expect(CoverArt.svg(title: "A", author: "", seed: "a") == CoverArt.svg(title: "A", author: "", seed: "a"))
        let fills = Set(["a", "b", "c", "d", "e", "f", "g", "h"].map { CoverArt.svg(title: "T", author: "", seed: $0).firstMatch(of: /fill="(#[0-9a-f]{6})"/)!.1 })
        #expect(fills.count > 1)
    }
}

@Suite struct SearchTests {
    @Test func ranksNameAboveDescriptionAndMatchesPrefixes() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "A Voyage Round the World", description: "Whales and the sea.", price: 100))
            try await db.catalog.createProduct(ProductInput(name: "Moby-Dick", author: "Herman Melville", description: "The whale.", price: 100))
            try await db.catalog.createProduct(ProductInput(name: "Emma", description: "Nothing about the sea.", price: 100, active: false))
            let html = try await browser.get("/search/?q=mob").text
            #expect(CatalogPageTests.searchNames(in: html) == ["Moby-Dick"])
            let whale = try await browser.get("/search/?q=whale").text
            #expect(CatalogPageTests.searchNames(in: whale) == ["Moby-Dick", "A Voyage Round the World"])
            #expect(whale.contains("<mark>"))
            // Author and tag names are searched too; inactive products never show.
            #expect(CatalogPageTests.searchNames(in: try await browser.get("/search/?q=melville").text) == ["Moby-Dick"])
            let typed = try await browser.get("/search/?q=herman+melville").text
            #expect(CatalogPageTests.searchNames(in: typed) == ["Moby-Dick"])
            #expect(!typed.contains("herman+melville"), "the search form's + is shown as the space it was")
            #expect(CatalogPageTests.searchNames(in: try await browser.get("/search/?q=sea").text) == ["A Voyage Round the World"])
        }
    }

    @Test func tagChangesReachTheIndex() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Walden", price: 100, tags: ["Philosophy"]))
            #expect(CatalogPageTests.searchNames(in: try await browser.get("/search/?q=philosophy").text) == ["Walden"])
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE productTag SET name = 'Nature writing'") }
            #expect(CatalogPageTests.searchNames(in: try await browser.get("/search/?q=philosophy").text).isEmpty)
            #expect(CatalogPageTests.searchNames(in: try await browser.get("/search/?q=nature").text) == ["Walden"])
        }
    }

    @Test(arguments: [
        "\"", "*", "AND", "OR NOT", "a OR", "(", ")", "NEAR(", "name:x", "^x", "'; DROP TABLE product; --", "\u{0}", "-", "🙂",
        String(repeating: "x ", count: 5000),
    ])
    func pathologicalQueriesNeverFail(query: String) async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Dracula", price: 100))
            let response = try await browser.get(Routes.search(query: query))
            #expect(response.status == .ok)
            #expect(response.text.contains("BookTime"))
            #expect(try await db.reader.read { try Product.fetchCount($0) } == 1)
        }
    }

    @Test func highlightsAreEscaped() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Evil <img src=x onerror=alert(1)>", description: "<script>alert(1)</script> evil", price: 100))
            let html = try await browser.get("/search/?q=evil").text
            #expect(!html.contains("<img src=x"))
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("<mark>Evil</mark> &lt;img"))
        }
    }

    /// Plans, not timings: the FTS table must drive every search query, whatever the options.
    @Test(arguments: [
        ListOptions(sort: .relevance), ListOptions(sort: .priceDescending, inStockOnly: true),
        ListOptions(sort: .newest, subject: "fiction"), ListOptions(sort: .author, inStockOnly: true, subject: "fiction"),
    ])
    func searchQueriesScanTheIndexFirst(options: ListOptions) async throws {
        let test = try TestDatabase()
        let arguments: StatementArguments = ["pattern": "\"x\"*", "subject": "fiction", "limit": 12, "offset": 0]
        let plans = try await test.db.reader.read { db in
            try [CatalogStore.SearchSQL.count(options), CatalogStore.SearchSQL.page(options), CatalogStore.SearchSQL.subjects(options)].map { sql in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }
            }
        }
        for plan in plans {
            #expect(plan.first?.hasPrefix("SCAN s VIRTUAL TABLE") == true, "\(plan)")
            #expect(plan.contains { $0.contains("SEARCH p USING INTEGER PRIMARY KEY") }, "\(plan)")
        }
    }

    @Test func monthAndYearIsUTC() {
        #expect(monthAndYear(Date(timeIntervalSince1970: 0)) == "January 1970")
        #expect(monthAndYear(Date(timeIntervalSince1970: 1_795_000_000)) == "November 2026")
    }

    @Test func emptyQueryShowsTheForm() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/search/")
            #expect(response.status == .ok)
            #expect(response.text.contains(#"name="q""#))
            #expect(!response.text.contains("No books match"))
        }
    }
}

extension CatalogPageTests {
    static func searchNames(in html: String) -> [String] {
        html.matches(of: /<h2><a href="\/product\/[^"]*\/">(.*?)<\/a><\/h2>/).map {
            String($0.1).replacingOccurrences(of: "<mark>", with: "").replacingOccurrences(of: "</mark>", with: "")
        }
    }
}
