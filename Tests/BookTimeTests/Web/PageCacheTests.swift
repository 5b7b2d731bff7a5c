import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct PageCacheTests {
    @Test func writesFromAnotherConnectionInvalidateCachedPages() async throws {
        try await withTestApp(configure: { $0.catalogPollInterval = .milliseconds(20) }) { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 100))
            #expect(CatalogPageTests.names(in: try await browser.get("/products/all/").text) == ["Emma"])
            // Another process (say, `booktime import-products` while serving) writes to the same file.
            // It shows within the poll interval (configured to 20 ms here).
            let other = try AppDatabase.open(path: db.path)
            try await other.catalog.createProduct(ProductInput(name: "Dracula", price: 100))
            #expect(try await Self.eventually { CatalogPageTests.names(in: try await browser.get("/products/all/").text) == ["Dracula", "Emma"] })
            try await other.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 999 WHERE name = 'Emma'") }
            #expect(try await Self.eventually { try await browser.get("/product/emma/").text.contains("£9.99") })
        }
    }

    @Test func writesThroughTheShopsOwnPoolShowAtOnce() async throws {
        // A poll interval so long that only the commit observation can explain a fresh page.
        try await withTestApp(configure: { $0.catalogPollInterval = .seconds(3600) }) { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 100))
            #expect(CatalogPageTests.names(in: try await browser.get("/products/all/").text) == ["Emma"])
            try await db.catalog.createProduct(ProductInput(name: "Dracula", price: 100))
            #expect(CatalogPageTests.names(in: try await browser.get("/products/all/").text) == ["Dracula", "Emma"])
        }
    }

    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<100 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test func cachedPagesCarryEachVisitorsOwnToken() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Emma", price: 100))
            let other = TestBrowser(client: browser.client)
            let mine = try await browser.get("/product/emma/").text
            let theirs = try await other.get("/product/emma/").text
            let myToken = try #require(browser.cookie("csrftoken"))
            let theirToken = try #require(other.cookie("csrftoken"))
            #expect(myToken != theirToken)
            #expect(mine.contains(#"name="csrf_token" value="\#(myToken)""#))
            #expect(theirs.contains(#"name="csrf_token" value="\#(theirToken)""#))
            #expect(!theirs.contains(myToken))
        }
    }

    @Test func dataCannotForgeAPlaceholder() async throws {
        try await withTestApp { browser, db in
            let forged = CachedPage.Slot.csrfToken.marker + CachedPage.Slot.messages.marker
            try await db.catalog.createProduct(ProductInput(name: "Forgery", description: "Look: \(forged)", price: 100))
            let html = try await browser.get("/product/forgery/").text
            let token = try #require(browser.cookie("csrftoken"))
            #expect(html.components(separatedBy: token).count - 1 == 1, "the token appears only in the form")
            #expect(html.contains("Look: &lt;"))
        }
    }

    @Test func pageTitlesNameTheContent() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Walden", price: 100, tags: ["Nature"]))
            #expect(try await browser.get("/product/walden/").text.contains("<title>Walden · BookTime</title>"))
            #expect(try await browser.get("/products/nature/").text.contains("<title>Nature · BookTime</title>"))
            #expect(try await browser.get("/search/?q=walden").text.contains("<title>Search: walden · BookTime</title>"))
        }
    }

    @Test func cacheIsBounded() {
        let cache = PageCache(capacity: 3)
        for index in 0..<10 { cache.store(CachedPage(html: "page \(index)"), for: "k\(index)") }
        #expect(cache.count <= 3)
        #expect(cache.value(for: "k9") != nil)
    }

    @Test func imageCacheIsBoundedBySize() {
        let cache = ImageCache(maxEntryBytes: 100, maxTotalBytes: 250)
        func blob(_ hash: String, _ size: Int) -> ImageBlob {
            ImageBlob(hash: hash, contentType: "image/jpeg", width: 1, height: 1, size: size, data: Data(count: size))
        }
        cache.store(blob("big", 101))
        #expect(cache.entry("big") == nil, "large originals are never held")
        for index in 0..<10 { cache.store(blob("h\(index)", 100)) }
        #expect(cache.totalBytes <= 250)
        #expect(cache.entry("h9")?.body.readableBytes == 100)
    }

    @Test func placeholdersSplitAndAssemble() {
        let page = CachedPage(html: "a\(CachedPage.Slot.csrfToken.marker)b\(CachedPage.Slot.basketCount.marker)c<\u{E000}bogus\u{E000}>d")
        #expect(page.slots == [.csrfToken, .basketCount])
        let out = page.assemble { $0 == .csrfToken ? "T" : "0" }
        #expect(String(buffer: out) == "aTb0c<\u{E000}bogus\u{E000}>d")
    }

    @Test func placeholdersSplitAroundMultibyteTextAtTheEdges() {
        let (token, count, messages) = (CachedPage.Slot.csrfToken.marker, CachedPage.Slot.basketCount.marker, CachedPage.Slot.messages.marker)
        let page = CachedPage(html: "\(token)£9.99 — 📚 \u{E000}<\(count)\(messages)é")
        #expect(page.slots == [.csrfToken, .basketCount, .messages])
        #expect(page.parts.map { String(buffer: $0) } == ["", "£9.99 — 📚 \u{E000}<", "", "é"])
        #expect(String(buffer: page.assemble { $0.rawValue }) == "csrfToken£9.99 — 📚 \u{E000}<basketCountmessagesé")
        #expect(CachedPage(html: "no markers <\u{E000}csrfToken").slots.isEmpty)
        #expect(CachedPage(html: "").parts.map { String(buffer: $0) } == [""])
    }
}
