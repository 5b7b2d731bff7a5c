import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The product and tag admins through HTTP: forms, per-role read-only fields, optimistic
/// concurrency, list search, filters, sorting, list-editable cells, bulk actions and deletes.
@Suite struct AdminProductTests {
    static func productForm(_ fingerprint: String, name: String = "The cathedral and the bazaar", slug: String = "", price: String = "12.50") -> [(String, String)] {
        [
            ("_fingerprint", fingerprint), ("name", name), ("slug", slug), ("author", "Eric S. Raymond"), ("description", "Essays."),
            ("price", price), ("active", "1"), ("in_stock", "1"), ("stock_count", "3"),
        ]
    }

    static func product(_ db: AppDatabase, _ id: Int64?) async throws -> Product? {
        try await db.reader.read { try Product.fetchOne($0, key: id) }
    }

    @Test func ownerChangesAProductAndTheAuditLogSaysWhat() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee, .owner])
            let url = "/admin/product/\(shop.product.id!)/"
            let form = try await shop.owner.get(url)
            #expect(form.text.contains("Change product: The cathedral and the bazaar"))
            let saved = try await shop.owner.post(url, form: Self.productForm(form.fingerprint, name: "The Cathedral & the Bazaar", slug: "cathedral"))
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/admin/product/")
            let product = try #require(try await Self.product(db, shop.product.id))
            #expect(product.name == "The Cathedral & the Bazaar")
            #expect(product.slug == "cathedral")
            #expect(product.price == 1250)
            #expect(product.stockCount == 3)
            #expect(product.dateUpdated > shop.product.dateUpdated)
            let entry = try #require(try await db.adminLog().last)
            #expect(entry.action == .change && entry.model == "product" && entry.userEmail == "owner@booktime.domain")
            #expect(entry.decodedChanges.contains(AdminLogEntry.Change(field: "price", old: "10.00", new: "12.50")))
            #expect(entry.decodedChanges.contains(AdminLogEntry.Change(field: "stock_count", old: "(empty)", new: "3")))
            #expect(entry.decodedChanges.contains { $0.field == "tags" }, "the tag was unticked")
            let log = try await shop.owner.get("/admin/log/")
            #expect(log.text.contains("Product “The Cathedral &amp; the Bazaar”"))
            #expect(log.text.contains("<td>Changed</td>"))
            #expect(log.text.contains("<strong>Price</strong>: 10.00 → 12.50"), "fields by their labels")
            #expect(try await shop.employee.get("/admin/log/").status == .forbidden)
        }
    }

    @Test func employeesCannotRenameButCanAdd() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee])
            let url = "/office-admin/product/\(shop.product.id!)/"
            let form = try await shop.employee.get(url)
            #expect(!form.text.contains("name=\"name\""), "the name is shown, not editable")
            #expect(form.text.contains("id=\"id_name\">The cathedral and the bazaar</span>"))
            let saved = try await shop.employee.post(url, form: Self.productForm(form.fingerprint, name: "Renamed", slug: "renamed", price: "9.00"))
            #expect(saved.status == .seeOther)
            let product = try #require(try await Self.product(db, shop.product.id))
            #expect(product.name == "The cathedral and the bazaar")
            #expect(product.slug == shop.product.slug)
            #expect(product.price == 900)

            let added = try await shop.employee.post(
                "/office-admin/product/add/", form: Self.productForm("", name: "Free as in Freedom", slug: "", price: "8")
            )
            #expect(added.status == .seeOther)
            let slug = try await db.reader.read { try String.fetchOne($0, sql: "SELECT slug FROM product WHERE name = 'Free as in Freedom'") }
            #expect(slug == "free-as-in-freedom", "an empty slug is made from the name")
            #expect(try await db.adminLog().last?.action == .add)
        }
    }

    /// The add form starts from the schema's defaults, as the book's model does: Active and In stock.
    @Test func addProductStartsActiveAndInStock() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let form = try await shop.owner.get("/admin/product/add/").text
            #expect(form.contains(#"<input id="id_active" name="active" type="checkbox" value="1" checked>"#))
            #expect(form.contains(#"<input id="id_in_stock" name="in_stock" type="checkbox" value="1" checked>"#))
        }
    }

    /// A product saved so that nobody can buy it says so, with a link to the field that fixes it.
    @Test func aSavedProductNobodyCanBuySaysSo() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let url = "/admin/product/\(shop.product.id!)/"
            let form = try await shop.owner.get(url)
            #expect(!form.text.contains("Customers cannot buy it"))
            let fields = Self.productForm(form.fingerprint).filter { $0.0 != "active" && $0.0 != "stock_count" } + [("stock_count", "0")]
            let saved = try await shop.owner.post(url, form: fields)
            #expect(saved.headers[.location] == "/admin/product/")
            let list = try await shop.owner.get("/admin/product/").text
            #expect(list.contains("Customers cannot buy it: “Active” is not ticked, it has no copies in stock. <a href=\"/admin/product/\(shop.product.id!)/#id_active\">Fix it</a>"))
            let page = try await shop.owner.get(url).text
            #expect(page.contains(##"Customers cannot buy it: “Active” is not ticked, it has no copies in stock. <a href="#id_active">Fix it</a>"##), "and the change page keeps saying it")
            #expect(page.components(separatedBy: "Customers cannot buy it").count == 2, "once")
        }
    }

    @Test func dispatchersChangeOnlyWhetherItIsInStock() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher])
            let url = "/dispatch-admin/product/\(shop.product.id!)/"
            let form = try await shop.dispatcher.get(url)
            #expect(form.text.contains("name=\"in_stock\""))
            #expect(!form.text.contains("name=\"price\""))
            #expect(!form.text.contains("name=\"stock_count\""))
            let saved = try await shop.dispatcher.post(url, form: [("_fingerprint", form.fingerprint), ("price", "0.01"), ("active", ""), ("stock_count", "0")])
            #expect(saved.status == .seeOther)
            let product = try #require(try await Self.product(db, shop.product.id))
            #expect(product.price == 1000)
            #expect(product.active)
            #expect(product.stockCount == nil)
            #expect(!product.inStock, "the unticked box was the one change allowed")
        }
    }

    @Test func aStaleFormIsRefusedNotSaved() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee, .owner])
            let url = "/admin/product/\(shop.product.id!)/"
            let mine = try await shop.owner.get(url)
            let theirs = try await shop.employee.get("/office-admin/product/\(shop.product.id!)/")
            #expect(mine.fingerprint == theirs.fingerprint)
            #expect(try await shop.employee.post("/office-admin/product/\(shop.product.id!)/", form: Self.productForm(theirs.fingerprint, price: "11.00")).status == .seeOther)

            let late = try await shop.owner.post(url, form: Self.productForm(mine.fingerprint, price: "99.00"))
            #expect(late.status == .conflict)
            #expect(late.text.contains("Someone else changed this product since you opened it"))
            #expect(late.text.contains("value=\"11.00\""), "the form shows the current price")
            #expect(try await Self.product(db, shop.product.id)?.price == 1100)
            let retried = try await shop.owner.post(url, form: Self.productForm(late.fingerprint, price: "99.00"))
            #expect(retried.status == .seeOther)
            #expect(try await Self.product(db, shop.product.id)?.price == 9900)
        }
    }

    @Test func badInputShowsErrorsNextToFieldsAndChangesNothing() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            try await ShopFixtures.product(db, "Just for fun", price: 500)
            let url = "/admin/product/\(shop.product.id!)/"
            let before = try await Self.product(db, shop.product.id)
            let form = try await shop.owner.get(url)
            let bad = try await shop.owner.post(
                url, form: [("_fingerprint", form.fingerprint), ("name", ""), ("slug", "Not A Slug"), ("price", "ten"), ("stock_count", "-2")]
            )
            #expect(bad.status == .unprocessableContent)
            #expect(bad.fieldErrors.count == 4)
            #expect(bad.fieldErrors.contains("This field is required."))
            #expect(bad.fieldErrors.contains("Enter a price such as 12.50."))
            let duplicate = try await shop.owner.post(url, form: Self.productForm(form.fingerprint, slug: "just-for-fun"))
            #expect(duplicate.status == .unprocessableContent)
            #expect(duplicate.fieldErrors == ["Product with this Slug already exists."])
            #expect(try await Self.product(db, shop.product.id) == before)
            #expect(try await db.adminLog().isEmpty)
        }
    }

    @Test func listSearchesFiltersSortsAndPages() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            try await ShopFixtures.product(db, "Zen and the art", price: 200, active: false)
            try await ShopFixtures.product(db, "Art of computer programming", price: 9000)
            let search = try await shop.owner.get("/admin/product/?q=art")
            #expect(search.text.contains("2 products"))
            let typed = try await shop.owner.get("/admin/product/?q=art+of")
            #expect(typed.text.contains("1 product<"), "a search form sends spaces as +")
            #expect(typed.text.contains("value=\"art of\""))
            #expect(!search.text.contains("The cathedral"))
            let inactive = try await shop.owner.get("/admin/product/?active=0")
            #expect(inactive.text.contains("1 product<"))
            #expect(inactive.text.contains("Zen and the art"))
            let byPrice = try await shop.owner.get("/admin/product/?o=-price").text
            let order = ["Art of computer programming", "The cathedral and the bazaar", "Zen and the art"].map { byPrice.range(of: $0)!.lowerBound }
            #expect(order == order.sorted())
            let odd = try await shop.owner.get("/admin/product/?q=%25&o=nosuch&p=99&date_updated__from=nonsense")
            #expect(odd.status == .ok, "a LIKE wildcard, an unknown sort and a page past the end are harmless")
            #expect(odd.text.contains("0 products"))
            let images = try await shop.owner.get("/admin/productimage/?q=bazaar")
            #expect(images.text.contains("1 product image"), "search through the join to the product's name")
            #expect(images.text.contains("src=\"/images/abc\""))
        }
    }

    @Test func listEditableCellsAndBulkActionsWithConfirmation() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let other = try await ShopFixtures.product(db, "Hackers", price: 700)
            let id = shop.product.id!
            let edited = try await shop.owner.post(
                "/admin/product/", form: [("_save", "1"), ("_rows", "\(id)"), ("_rows", "\(other.id!)"), ("row-\(other.id!)-in_stock", "1")]
            )
            #expect(edited.status == .seeOther)
            #expect(try await Self.product(db, id)?.inStock == false)
            #expect(try await Self.product(db, other.id)?.inStock == true)

            let ask = try await shop.owner.post("/admin/product/", form: [("action", "make_inactive"), ("_selected", "\(id)"), ("_selected", "\(other.id!)")])
            #expect(ask.status == .ok)
            #expect(ask.text.contains("Mark selected items as inactive (2 products)?"))
            #expect(try await Self.product(db, id)?.active == true, "nothing happens before the confirmation")
            let done = try await shop.owner.post(
                "/admin/product/", form: [("action", "make_inactive"), ("_selected", "\(id)"), ("_selected", "\(other.id!)"), ("confirm", "yes")]
            )
            #expect(done.status == .seeOther)
            #expect(try await shop.owner.get("/admin/log/").text.contains("<td>Mark selected items as inactive</td>"))
            #expect(try await Self.product(db, id)?.active == false)
            #expect(try await Self.product(db, other.id)?.active == false)
            #expect(try await db.adminLog().filter { $0.action == .bulk("make_inactive") }.count == 2)
            let nothing = try await shop.owner.post("/admin/product/", form: [("action", "make_active")])
            #expect(nothing.status == .seeOther)
            #expect(try await Self.product(db, id)?.active == false)
        }
    }

    @Test func anActionCanTakeEveryMatchingRowAcrossPages() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            try await db.dbWriter.write { db in
                for index in 0..<150 {
                    try db.execute(
                        sql: "INSERT INTO product (name, slug, price, dateUpdated) VALUES (?, ?, 100, ?)",
                        arguments: ["Pamphlet \(index)", "pamphlet-\(index)", Date.now]
                    )
                }
            }
            let list = try await shop.owner.get("/admin/product/?q=pamphlet")
            #expect(list.text.contains("all 150 products, not only this page"))
            let ask = try await shop.owner.post(
                "/admin/product/", form: [("action", "make_inactive"), ("select_across", "1"), ("_query", "q=pamphlet")]
            )
            #expect(ask.text.contains("(150 products)?"))
            let ids = ask.text.matches(of: /name="_selected" value="(\d+)"/).map { ("_selected", String($0.1)) }
            #expect(ids.count == 150)
            let done = try await shop.owner.post("/admin/product/", form: [("action", "make_inactive"), ("confirm", "yes"), ("_query", "q=pamphlet")] + ids)
            #expect(done.headers[.location] == "/admin/product/?q=pamphlet")
            let active = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM product WHERE active") }
            #expect(active == 1, "only the book outside the search stays active")
        }
    }

    @Test func anOrderedProductCannotBeDeletedATagCan() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let url = "/admin/product/\(shop.product.id!)/delete/"
            let page = try await shop.owner.get(url)
            #expect(page.status == .conflict)
            #expect(page.text.contains("1 order line"))
            #expect(!page.text.contains("Yes, delete it"))
            let forced = try await shop.owner.post(url, form: [("confirm", "yes")])
            #expect(forced.status == .conflict)
            #expect(try await Self.product(db, shop.product.id) != nil)
            let bulk = try await shop.owner.post(
                "/admin/product/", form: [("action", "delete_selected"), ("_selected", "\(shop.product.id!)"), ("confirm", "yes")]
            )
            #expect(bulk.status == .seeOther)
            #expect(try await Self.product(db, shop.product.id) != nil)

            let tag = try await shop.owner.get("/admin/producttag/\(shop.tagID)/delete/")
            #expect(tag.text.contains("1 product tag link"))
            let deleted = try await shop.owner.post("/admin/producttag/\(shop.tagID)/delete/", form: [])
            #expect(deleted.status == .seeOther)
            let links = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM productTagLink") }
            #expect(links == 0)
            #expect(try await db.adminLog().last?.action == .delete)
        }
    }
}

/// Tags are ticked in a checklist, and new ones typed in beside it.
@Suite struct AdminTagChecklistTests {
    @Test func tagsAreTickedAndNewOnesCreatedInline() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let url = "/admin/product/\(shop.product.id!)/"
            let form = try await shop.owner.get(url)
            #expect(form.text.contains(#"<input type="checkbox" name="tags" value="\#(shop.tagID)" checked> Open source"#))
            #expect(form.text.contains(#"name="tags__new""#))
            #expect(!form.text.contains("multiple size"))
            // In the list, the picture comes first and the name still links to the product.
            let list = try await shop.owner.get("/admin/product/").text
            #expect(list.contains(#"<a href="\#(url)">The cathedral and the bazaar</a>"#))
            #expect(list.contains(#"<a href="\#(url)"><img src="/images/abc" alt="Thumbnail" class="admin-thumb"></a>"#))
            let saved = try await shop.owner.post(
                url, form: AdminProductTests.productForm(form.fingerprint) + [("tags", String(shop.tagID)), ("tags__new", "Essays,  Open Source , History")]
            )
            #expect(saved.status == .seeOther)
            let tags = try await db.catalog.productDetail(slug: shop.product.slug)?.tags.map(\.name)
            #expect(tags == ["Essays", "History", "Open source"], "existing names (any case) are reused, not duplicated")
            let entry = try #require(try await db.adminLog().last)
            #expect(entry.decodedChanges.contains { $0.field == "tags" })
            let tooLong = try await shop.owner.post(url, form: AdminProductTests.productForm(try await shop.owner.get(url).fingerprint) + [("tags__new", String(repeating: "x", count: 41))])
            #expect(tooLong.status == .unprocessableContent)
        }
    }
}
