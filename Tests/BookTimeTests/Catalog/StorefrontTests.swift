import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

/// Finding and buying from lists: header search and "Books", the home page's books, breadcrumbs,
/// sorting and filtering, adding from a card, stock wording, related titles.
@Suite struct StorefrontTests {
    static func names(_ html: String) -> [String] { CatalogPageTests.names(in: html) }

    /// Four books, created in this order (so "newest" is the reverse).
    static func shelf(_ db: AppDatabase) async throws -> [Product] {
        var books: [Product] = []
        for (name, author, price, tags) in [
            ("Emma", "Jane Austen", 700, ["Fiction"]), ("Walden", "Henry David Thoreau", 500, ["Nature"]),
            ("Dracula", "Bram Stoker", 900, ["Fiction", "Horror"]), ("Anonymous Tales", "", 300, ["Fiction"]),
        ] {
            books.append(try await db.catalog.createProduct(ProductInput(name: name, author: author, price: price, tags: tags)))
        }
        return books
    }

    @Test(arguments: [
        ("", ["Anonymous Tales", "Dracula", "Emma", "Walden"]),
        ("?sort=title", ["Anonymous Tales", "Dracula", "Emma", "Walden"]),
        ("?sort=author", ["Dracula", "Walden", "Emma", "Anonymous Tales"]),
        ("?sort=price", ["Anonymous Tales", "Walden", "Emma", "Dracula"]),
        ("?sort=-price", ["Dracula", "Emma", "Walden", "Anonymous Tales"]),
        ("?sort=newest", ["Anonymous Tales", "Dracula", "Walden", "Emma"]),
        ("?sort=relevance", ["Anonymous Tales", "Dracula", "Emma", "Walden"]),
        ("?sort=%3Cscript%3E", ["Anonymous Tales", "Dracula", "Emma", "Walden"]),
    ])
    func listsSortEachWayAndCacheEachWayApart(query: String, expected: [String]) async throws {
        try await withTestApp { browser, db in
            _ = try await Self.shelf(db)
            // The default order first, so a cache keyed without the sort would answer wrongly.
            _ = try await browser.get("/products/all/")
            let html = try await browser.get("/products/all/\(query)").text
            #expect(Self.names(html) == expected)
            #expect(html.contains(#"<p class="result-count" role="status">4 books</p>"#))
        }
    }

    @Test func inStockOnlyLeavesOutWhatCannotBeBought() async throws {
        try await withTestApp { browser, db in
            let books = try await Self.shelf(db)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET stockCount = 0 WHERE id = ?", arguments: [books[0].id]) }
            let html = try await browser.get("/products/fiction/?in_stock=1&sort=price").text
            #expect(Self.names(html) == ["Anonymous Tales", "Dracula"])
            #expect(html.contains("2 books"))
            #expect(html.contains(#"name="in_stock" value="1" checked"#))
            #expect(html.contains(#"<option value="price" selected>"#))
            #expect(Self.names(try await browser.get("/products/fiction/").text).contains("Emma"))
            // Page links keep the sort and the filter.
            #expect(Routes.products(tag: "fiction", page: 2, options: ListOptions(sort: .priceAscending, inStockOnly: true))
                == "/products/fiction/?sort=price&in_stock=1&page=2")
        }
    }

    @Test func headerHasBooksAndSearchOnEveryPage() async throws {
        try await withTestApp { browser, _ in
            for path in ["/", "/about-us/", "/contact-us/", "/login/", "/basket/"] {
                let html = try await browser.get(path).text
                #expect(html.contains(#"<a href="/products/all/""#), "\(path)")
                #expect(html.contains(#"<form class="header-search" action="/search/" method="get" role="search">"#), "\(path)")
            }
            #expect(try await browser.get("/products/all/").text.contains(#"<a href="/products/all/" class="active" aria-current="page">Books</a>"#))
        }
    }

    @Test func homeShowsNewArrivalsAndSubjectShelvesWithEachBookOnce() async throws {
        try await withTestApp { browser, db in
            let books = try await Self.shelf(db)
            for index in 0..<8 {
                _ = try await db.catalog.createProduct(ProductInput(name: "Later \(index)", price: 100, tags: ["Fiction"]))
            }
            let html = try await browser.get("/").text
            let shown = Self.names(html)
            #expect(Array(shown.prefix(CompanyController.newArrivalCount)) == (2...7).reversed().map { "Later \($0)" })
            #expect(html.contains("New arrivals"))
            #expect(html.contains(#"<h2>Fiction</h2>"#))
            #expect(Set(shown).count == shown.count, "no book twice: \(shown)")
            #expect(shown.contains(books[2].name), "a Fiction shelf shows Dracula")
            #expect(html.contains(#"id="card-basket""#))
        }
    }

    @Test func breadcrumbsLeadBackUp() async throws {
        try await withTestApp { browser, db in
            _ = try await Self.shelf(db)
            let product = try await browser.get("/product/dracula/").text
            #expect(product.contains(#"<li><a href="/">Home</a></li><li><a href="/products/all/">Books</a></li><li><a href="/products/fiction/">Fiction</a></li><li><span aria-current="page">Dracula</span></li>"#))
            let list = try await browser.get("/products/fiction/").text
            #expect(list.contains(#"<li><a href="/products/all/">Books</a></li><li><span aria-current="page">Fiction</span></li>"#))
        }
    }

    @Test func stockIsSaidInWords() async throws {
        try await withTestApp { browser, db in
            _ = try await ShopFixtures.product(db, "Few Left", price: 100, stock: 2)
            _ = try await ShopFixtures.product(db, "Plenty", price: 100, stock: 40)
            _ = try await ShopFixtures.product(db, "Uncounted", price: 100)
            #expect(try await browser.get("/product/few-left/").text.contains(#"<span class="stock-status">Only 2 left</span>"#))
            #expect(try await browser.get("/product/plenty/").text.contains(#"<span class="stock-status">In stock</span>"#))
            #expect(try await browser.get("/product/uncounted/").text.contains(#"<span class="stock-status">In stock</span>"#))
            let list = try await browser.get("/products/all/").text
            #expect(list.components(separatedBy: #"<span class="stock-low">Only 2 left</span>"#).count == 2)
        }
    }

    @Test func productPageShowsMoreOfItsSubject() async throws {
        try await withTestApp { browser, db in
            _ = try await Self.shelf(db)
            let html = try await browser.get("/product/emma/").text
            let related = try #require(html.components(separatedBy: "More in Fiction").last)
            #expect(Set(Self.names(related)) == ["Dracula", "Anonymous Tales"])
        }
    }

    // MARK: - Adding from a card

    @Test func cardAddComesBackToTheListWithoutJavaScript() async throws {
        try await withTestApp { browser, db in
            let books = try await Self.shelf(db)
            let list = try await browser.get("/products/all/?sort=price").text
            #expect(list.contains(#"<input type="hidden" name="next" value="/products/all/?sort=price">"#))
            #expect(list.contains(#"<button type="submit" form="card-basket" name="product_id" value="\#(books[1].id!)""#))
            let response = try await browser.post("/add_to_basket/", form: [("product_id", String(books[1].id!)), ("next", "/products/all/?sort=price")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/products/all/?sort=price")
            #expect(try await ShopFixtures.basketCount(browser) == 1)
            // Another site is never a destination: back to the product instead.
            let away = try await browser.post("/add_to_basket/", form: [("product_id", String(books[1].id!)), ("next", "//evil.example/")])
            #expect(away.headers[.location] == "/product/walden/")
        }
    }

    @Test func cardAddAnswersAScriptWithTheNewCount() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Two Left", price: 100, stock: 2)
            let json: HTTPFields = [.accept: "application/json"]
            let added = try await browser.post("/add_to_basket/", form: [("product_id", String(book.id!)), ("quantity", "2")], headers: json)
            #expect(added.status == .ok)
            let answer = try JSONSerialization.jsonObject(with: Data(added.body.readableBytesView)) as? [String: Any]
            #expect(answer?["ok"] as? Bool == true)
            #expect(answer?["basketCount"] as? String == "2 items")
            #expect((answer?["message"] as? String)?.contains("Two Left is in your basket") == true)
            let refused = try await browser.post("/add_to_basket/", form: [("product_id", String(book.id!))], headers: json)
            #expect(refused.status == .conflict)
            let reason = try JSONSerialization.jsonObject(with: Data(refused.body.readableBytesView)) as? [String: Any]
            #expect(reason?["ok"] as? Bool == false)
            #expect((reason?["message"] as? String)?.contains("Only 2 left") == true)
            // No flash message is left behind for the next page.
            #expect(!(try await browser.get("/about-us/").text.contains("in your basket")))
            #expect(try await ShopFixtures.basketCount(browser) == 2)
        }
    }

    @Test func cardAddStillChecksTheCSRFToken() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Guarded", price: 100)
            let response = try await browser.post("/add_to_basket/", form: [("product_id", String(book.id!))], csrf: false, headers: [.accept: "application/json"])
            #expect(response.status == .forbidden)
            #expect(try await ShopFixtures.basketCount(browser) == 0)
        }
    }

    // MARK: - Search

    @Test func searchNarrowsBySubjectAndStockAndSorts() async throws {
        try await withTestApp { browser, db in
            for (name, price, tags) in [("Night Garden", 900, ["Nature"]), ("Night Ghosts", 300, ["Horror"]), ("Night Walks", 500, ["Nature"])] {
                _ = try await db.catalog.createProduct(ProductInput(name: name, price: price, tags: tags))
            }
            let all = try await browser.get("/search/?q=night").text
            #expect(all.contains("3 results"))
            #expect(all.contains(#"<span class="chip chip-current" aria-current="true">All subjects</span>"#))
            #expect(all.contains(#"<a class="chip" href="/search/?q=night&amp;subject=nature">Nature (2)</a>"#))
            let nature = try await browser.get("/search/?q=night&subject=nature&sort=-price").text
            #expect(Self.names(nature).isEmpty)
            #expect(nature.matches(of: /<h2><a href="\/product\/([a-z-]+)\/">/).map { String($0.1) } == ["night-garden", "night-walks"])
            #expect(nature.contains(#"<input type="hidden" name="subject" value="nature">"#))
            #expect(nature.contains("2 results"))
            let cheap = try await browser.get("/search/?q=night&sort=price").text
            #expect(cheap.matches(of: /<h2><a href="\/product\/([a-z-]+)\/">/).map { String($0.1) } == ["night-ghosts", "night-walks", "night-garden"])
            let nothing = try await browser.get("/search/?q=night&subject=nature&in_stock=1&sort=nonsense").text
            #expect(nothing.contains("2 results"))
        }
    }

    @Test func noResultsAdviceFitsTheCase() {
        #expect(CatalogController.advice(query: "wuthring", options: ListOptions(sort: .relevance)).contains("spelling"))
        #expect(CatalogController.advice(query: "red fox tales", options: ListOptions(sort: .relevance)).contains("fewer words"))
        #expect(CatalogController.advice(query: "fox", options: ListOptions(sort: .relevance, subject: "nature")).contains("all subjects"))
    }
}
