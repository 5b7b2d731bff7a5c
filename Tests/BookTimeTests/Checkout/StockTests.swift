import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct StockTests {
    static let email = OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp)

    /// 20 customers race for the last copy: exactly one order, stock 0, no oversell.
    @Test func concurrentCheckoutsOfTheLastCopy() async throws {
        let test = try TestDatabase()
        let db = test.db
        let book = try await ShopFixtures.product(db, "The last copy", price: 1500, stock: 1)
        var carts: [(userID: Int64, basketID: Int64, addressID: Int64)] = []
        for index in 0..<20 {
            let user = try await ShopFixtures.customer(db, "racer\(index)@domain.com")
            let basketID = try await db.baskets.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 1).basketID
            let address = try await ShopFixtures.address(db, userID: user.id!)
            carts.append((user.id!, basketID, address.id!))
        }
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for cart in carts {
                group.addTask {
                    do {
                        _ = try await db.orders.placeOrder(
                            basketID: cart.basketID, userID: cart.userID, billingAddressID: cart.addressID, shippingAddressID: cart.addressID,
                            email: Self.email
                        )
                        return true
                    } catch CheckoutError.unavailable {
                        return false
                    } catch {
                        Issue.record("unexpected \(error)")
                        return false
                    }
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        #expect(try await ShopFixtures.orderCount(db) == 1)
        let stock = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT stockCount FROM product WHERE id = ?", arguments: [book.id]) }
        #expect(stock == 0)
        let openBaskets = try await db.reader.read { try Basket.filter(Column("status") == BasketStatus.open).fetchCount($0) }
        #expect(openBaskets == 19)
    }

    /// Adding or raising a quantity beyond the copies left is refused at once, with the number left.
    @Test func addingMoreThanIsLeftIsRefusedAtOnce() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Walden", price: 900, stock: 3)
            let tooMany = try await ShopFixtures.addToBasket(browser, book, quantity: 4)
            #expect(tooMany.status == .seeOther)
            #expect(try await browser.get("/product/walden/").text.contains("Only 3 left of Walden."))
            #expect(try await ShopFixtures.basketCount(browser) == 0)

            try await ShopFixtures.addToBasket(browser, book, quantity: 2)
            try await ShopFixtures.addToBasket(browser, book, quantity: 2)
            #expect(try await browser.get("/product/walden/").text.contains("Only 3 left of Walden, and your basket has 2 already."))
            #expect(try await ShopFixtures.basketCount(browser) == 2)

            let line = try #require(try await db.reader.read { try BasketLine.fetchOne($0) })
            let raised = try await browser.post("/basket/", form: [("quantity_\(line.id!)", "5")])
            #expect(raised.status == .unprocessableContent)
            #expect(raised.text.contains("Only 3 left of Walden."))
            #expect(try await ShopFixtures.basketCount(browser) == 2, "nothing changed")
            #expect(try await browser.post("/basket/", form: [("quantity_\(line.id!)", "3")]).status == .seeOther)
            #expect(try await ShopFixtures.basketCount(browser) == 3)
        }
    }

    @Test func soldOutShowsOutOfStockAndCannotBeAdded() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000, stock: 2)
            #expect(!(try await browser.get("/product/siddhartha/").text.contains("Out of stock")))
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 2)])
            try await CheckoutTests.checkout(browser, billing: address)
            let page = try await browser.get("/product/siddhartha/").text
            #expect(page.contains("Out of stock"))
            #expect(try await browser.get("/products/all/").text.contains("Out of stock"))
            try await ShopFixtures.addToBasket(browser, book)
            #expect(try await ShopFixtures.basketCount(browser) == 0)
        }
    }

    /// More copies in the basket than in stock (others bought some since): refused, nothing taken.
    @Test func cannotOrderMoreThanTheStock() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000, stock: 3)
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 3)])
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET stockCount = 2") }
            let response = try await CheckoutTests.checkout(browser, billing: address)
            #expect(response.status == .conflict)
            #expect(try await ShopFixtures.orderCount(db) == 0)
            let stock = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT stockCount FROM product") }
            #expect(stock == 2)
        }
    }

    /// Untracked stock (null) orders freely; a stock change that keeps a product available does not
    /// throw away every cached page, but selling out does.
    @Test func stockChangesInvalidateCachedPagesOnlyWhenAvailabilityChanges() async throws {
        let test = try TestDatabase()
        let db = test.db
        let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000, stock: 5)
        let version = { try await db.reader.read { try Int.fetchOne($0, sql: "SELECT version FROM catalogVersion") ?? 0 } }
        let before = try await version()
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET stockCount = 4 WHERE id = ?", arguments: [book.id]) }
        #expect(try await version() == before)
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET stockCount = 0 WHERE id = ?", arguments: [book.id]) }
        #expect(try await version() == before + 1)
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 1200 WHERE id = ?", arguments: [book.id]) }
        #expect(try await version() == before + 2)
    }
}
