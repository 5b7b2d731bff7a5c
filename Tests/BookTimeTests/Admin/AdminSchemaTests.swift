import Foundation
import GRDB
import Testing

@testable import BookTime

/// The admin engine stands on the schema: declarations are checked against it, and what a delete
/// takes with it comes from the foreign keys. A new model takes only its declaration.
@Suite struct AdminSchemaTests {
    @Test func everyDeclarationMatchesTheSchema() async throws {
        let test = try TestDatabase()
        let models = AdminSite.all.flatMap(\.models) + OrderDashboard.models
        #expect(models.count >= 18)
        let problems = try await test.db.reader.read { db in try models.flatMap { try AdminSchema.problems(in: $0, db) } }
        #expect(problems == [])
    }

    @Test func aRenamedColumnOrBrokenExpressionIsNamed() async throws {
        let test = try TestDatabase()
        var product = CatalogAdmin.product(for: .owners)
        product.fields[0] = AdminField(name: "name", column: "title", label: "Name", kind: .text(maxLength: 200))
        product.columns.append(AdminColumn(name: "barcode", label: "Barcode", sql: "t.barcode"))
        product.touch = ["updatedOn"]
        var order = OrderAdmin.order(for: .dispatch)
        order.scope = "t.state = 20"
        let (brokenProduct, brokenOrder) = (product, order)
        let problems = try await test.db.reader.read { db in
            try AdminSchema.problems(in: brokenProduct, db) + AdminSchema.problems(in: brokenOrder, db)
        }
        #expect(problems.contains("product (product): field name names product.title, which does not exist"))
        #expect(problems.contains { $0.hasPrefix("product (product): column barcode does not prepare: no such column: t.barcode") })
        #expect(problems.contains("product (product): a date column names product.updatedOn, which does not exist"))
        #expect(problems.contains { $0.hasPrefix("order (shopOrder): the scope does not prepare") })
        #expect(problems.count == 4)
        await #expect(throws: AdminSchema.Mismatch.self) {
            try await test.db.reader.read { db in try AdminSchema.check([brokenProduct], db) }
        }
    }

    @Test func aMismatchStopsTheServerStarting() async throws {
        var product = CatalogAdmin.product(for: .owners)
        product.fields.append(AdminField(name: "barcode", column: "barcode", label: "Barcode", kind: .text(maxLength: 13)))
        var sites = AdminSite.all
        sites[0] = sites[0].with(models: sites[0].models + [product])
        let started = await #expect(throws: AdminSchema.Mismatch.self) {
            try await withTestApp(configure: { $0.adminSites = sites }) { _, _ in }
        }
        #expect(started?.description.contains("field barcode names product.barcode") == true)
    }

    @Test func deleteRulesComeFromTheForeignKeys() async throws {
        let test = try TestDatabase()
        let (product, user, basket) = try await test.db.reader.read { db in
            (try AdminSchema.references(to: "product", db), try AdminSchema.references(to: "user", db), try AdminSchema.references(to: "basket", db))
        }
        func effect(_ references: [AdminSchema.Reference], _ table: String) -> AdminSchema.Reference.Effect? {
            references.first { $0.table == table }?.effect
        }
        #expect(effect(product, "orderLine") == .blocks)
        #expect(effect(product, "basketLine") == .cascades)
        #expect(effect(product, "productImage") == .cascades)
        #expect(effect(product, "productTagLink") == .cascades)
        #expect(effect(user, "shopOrder") == .blocks)
        #expect(effect(user, "address") == .cascades)
        #expect(effect(user, "orderHistory") == .unlinks)
        #expect(effect(user, "adminLogEntry") == .unlinks)
        #expect(effect(basket, "shopOrder") == .unlinks)
        #expect(AdminSchema.noun("basketLine") == ("basket line", "basket lines"))
        #expect(AdminSchema.noun("shopOrder").plural == "orders")
    }

    @Test func aUserWithOrdersIsProtectedAndTheirAddressesWouldGo() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let page = try await shop.owner.get("/admin/user/\(shop.customerID)/delete/")
            #expect(page.status == .conflict)
            #expect(page.text.contains("<li>1 order</li>"))
            let basket = try await shop.owner.get("/admin/basket/\(shop.basketID)/delete/")
            #expect(basket.status == .ok)
            #expect(basket.text.contains("<li>1 basket line</li>"))
            #expect(!basket.text.contains("<li>1 order</li>"), "the order keeps its row and forgets the basket: not listed")
        }
    }

    /// A model the shop does not have, on a table made for the test: its declaration is all it
    /// takes to list, add, change and delete it, with audit entries, and to see it on a product's
    /// delete page.
    @Test func aNewModelTakesOnlyItsDeclaration() async throws {
        let review = AdminModel(
            name: "review", label: "Review", plural: "Reviews", table: "review", titleSQL: "'Review ' || t.id",
            columns: [
                AdminColumn(name: "product", label: "Product", sql: "(SELECT p.name FROM product p WHERE p.id = t.productId)"),
                AdminColumn(name: "stars", label: "Stars", sql: "t.stars"),
            ],
            search: ["t.body"],
            fields: [
                AdminField(name: "product", column: "productId", label: "Product", kind: .foreignKey(table: "product", label: "name")),
                AdminField(name: "stars", column: "stars", label: "Stars", kind: .integer(1...5)),
                AdminField(name: "body", column: "body", label: "Review", kind: .multiline),
            ],
            permissions: [.view, .add, .change, .delete]
        )
        var sites = AdminSite.all
        sites[0] = sites[0].with(models: sites[0].models + [review])
        try await withTestApp(
            configure: { $0.adminSites = sites },
            prepare: { db in
                try await db.dbWriter.write { db in
                    try db.create(table: "review") { t in
                        t.autoIncrementedPrimaryKey("id")
                        t.belongsTo("product", onDelete: .cascade).notNull()
                        t.column("stars", .integer).notNull().defaults(to: 5)
                        t.column("body", .text).notNull().defaults(to: "")
                    }
                }
            }
        ) { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let productID = try #require(shop.product.id)
            let addForm = try await shop.owner.get("/admin/review/add/")
            #expect(addForm.status == .ok)
            #expect(addForm.text.contains("value=\"5\""), "the schema's default")
            let added = try await shop.owner.post("/admin/review/add/", form: [("product", "\(productID)"), ("stars", "4"), ("body", "Loved it.")])
            #expect(added.status == .seeOther)
            let id = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT id FROM review WHERE body = 'Loved it.'") })
            let list = try await shop.owner.get("/admin/review/?q=loved")
            #expect(list.text.contains("The cathedral and the bazaar"))
            let form = try await shop.owner.get("/admin/review/\(id)/")
            let changed = try await shop.owner.post(
                "/admin/review/\(id)/", form: [("_fingerprint", form.fingerprint), ("product", "\(productID)"), ("stars", "9"), ("body", "Loved it.")]
            )
            #expect(changed.status == .unprocessableContent, "the field's range")
            let productDelete = try await shop.owner.get("/admin/product/\(productID)/delete/")
            #expect(productDelete.status == .conflict, "it was ordered")
            let unordered = try await ShopFixtures.product(db, "Unordered", price: 500)
            let second = try await shop.owner.post("/admin/review/add/", form: [("product", "\(unordered.id!)"), ("stars", "2"), ("body", "Meh.")])
            #expect(second.status == .seeOther)
            let cascade = try await shop.owner.get("/admin/product/\(unordered.id!)/delete/")
            #expect(cascade.text.contains("<li>1 review</li>"))
            #expect(try await shop.owner.post("/admin/product/\(unordered.id!)/delete/", form: []).status == .seeOther)
            #expect(try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM review") } == 1)
            let deleted = try await shop.owner.post("/admin/review/\(id)/delete/", form: [])
            #expect(deleted.status == .seeOther)
            let log = try await db.adminLog().filter { $0.model == "review" }.map(\.action)
            #expect(log == [.add, .add, .delete])
        }
    }
}
