import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// ISBN, format and page count: checked, imported, edited in the back office, shown to customers.
@Suite struct BookDetailsTests {
    @Test(arguments: [
        ("978-0-14-143951-8", "9780141439518"), ("9780141439518", "9780141439518"), ("0-306-40615-2", "0306406152"),
        ("0 8044 2957 x", "080442957X"),
    ])
    func validISBNsAreKeptAsDigits(typed: String, kept: String) {
        #expect(ISBN.normalized(typed) == kept)
    }

    @Test(arguments: ["978-0-14-143951-9", "0-306-40615-3", "12345", "97801414395X8", "", "X306406152", "９７８０１４１４３９５１８"])
    func invalidISBNsAreRefused(typed: String) {
        #expect(ISBN.normalized(typed) == nil)
    }

    @Test func importReadsOptionalDetailsAndKeepsThemWhenACellIsEmpty() async throws {
        let test = try TestDatabase()
        let first = URL(fileURLWithPath: test.directory.file("first.csv"))
        try """
            name,description,tags,image_filename,price,isbn,format,pages
            Persuasion,A novel.,Fiction,,7.99,978-0-14-143951-8,Paperback,272
            Emma,A novel.,Fiction,,6.99,978-0-14-143951-9,Paperback,400
            Walden,Woods.,Nature,,5.99,,,lots

            """.write(to: first, atomically: true, encoding: .utf8)
        let report = try await ProductImport(db: test.db, imagesDirectory: nil).run(file: first)
        #expect(report.created == 1)
        #expect(report.problems.contains { $0.contains("line 3") && $0.contains("ISBN") })
        #expect(report.problems.contains { $0.contains("line 4") && $0.contains("page count") })
        var persuasion = try #require(try await test.db.catalog.productDetail(slug: "persuasion")?.product)
        #expect((persuasion.isbn, persuasion.format, persuasion.pageCount) == ("9780141439518", "Paperback", 272))

        let second = URL(fileURLWithPath: test.directory.file("second.csv"))
        try """
            name,description,tags,image_filename,price,isbn,format,pages
            Persuasion,,,,7.99,,Hardback,

            """.write(to: second, atomically: true, encoding: .utf8)
        let again = try await ProductImport(db: test.db, imagesDirectory: nil).run(file: second)
        #expect(again.changes == ["line 2: Persuasion: format"])
        persuasion = try #require(try await test.db.catalog.productDetail(slug: "persuasion")?.product)
        #expect((persuasion.isbn, persuasion.format, persuasion.pageCount) == ("9780141439518", "Hardback", 272))
    }

    @Test func theBackOfficeChecksTheISBN() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let url = "/admin/product/\(shop.product.id!)/"
            let form = try await shop.owner.get(url)
            #expect(form.text.contains(#"name="isbn""#) && form.text.contains(#"name="format""#) && form.text.contains(#"name="page_count""#))
            let fields = AdminProductTests.productForm(form.fingerprint)
            let refused = try await shop.owner.post(url, form: fields + [("isbn", "978-0-14-143951-9"), ("format", "Paperback"), ("page_count", "272")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(ISBN.problem))
            let saved = try await shop.owner.post(url, form: fields + [("isbn", "978-0-14-143951-8"), ("format", "Paperback"), ("page_count", "272")])
            #expect(saved.status == .seeOther)
            let product = try #require(try await AdminProductTests.product(db, shop.product.id))
            #expect((product.isbn, product.format, product.pageCount) == ("9780141439518", "Paperback", 272))

            let page = try await browser.get(Routes.product(slug: product.slug)).text
            #expect(page.contains("<dt>ISBN</dt><dd>9780141439518</dd><dt>Format</dt><dd>Paperback</dd><dt>Pages</dt><dd>272</dd>"))
            #expect(try SearchEngineTests.structuredData(page)["gtin13"] as? String == "9780141439518")
        }
    }

    @Test func aBookWithoutDetailsShowsNone() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Plain", price: 100))
            let page = try await browser.get("/product/plain/").text
            #expect(!page.contains("<dt>ISBN</dt>") && !page.contains("<dt>Pages</dt>"))
        }
    }
}
