import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct BasketMergeTests {
    /// The book's `test_add_to_basket_login_merge_works`, with the session kept on the merged basket.
    @Test func visitorBasketMergesAtLogin() async throws {
        try await withTestApp { browser, db in
            let cb = try await ShopFixtures.product(db, "The cathedral and the bazaar", price: 1000)
            let w = try await ShopFixtures.product(db, "Microsoft Windows guide", price: 1200)
            let user = try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            try await ShopFixtures.addToBasket(browser, cb, quantity: 2)
            try await browser.logOut()
            #expect(try await ShopFixtures.basketCount(browser) == 0)

            try await ShopFixtures.addToBasket(browser, w)
            try await ShopFixtures.addToBasket(browser, cb, quantity: 9)
            try await browser.logIn("user1@domain.com", testPassword)

            #expect(try await ShopFixtures.basketCount(browser) == 11)  // cb capped at 10, plus w
            let baskets = try await db.reader.read { try Basket.fetchAll($0) }
            #expect(baskets.count == 1)
            #expect(baskets.first?.userId == user.id)
            let lines = try await db.reader.read { try BasketLine.order(Column("productId")).fetchAll($0) }
            #expect(lines.map(\.quantity) == [10, 1])
            // The session points at the merged basket: adding more works (the book's bug 3).
            try await ShopFixtures.addToBasket(browser, w)
            #expect(try await ShopFixtures.basketCount(browser) == 12)
        }
    }

    @Test func returningCustomerGetsTheirBasketBack() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            try await ShopFixtures.addToBasket(browser, book, quantity: 3)
            try await browser.logOut()

            let laptop = TestBrowser(client: browser.client)
            #expect(try await ShopFixtures.basketCount(laptop) == 0)
            try await laptop.logIn("user1@domain.com", testPassword)
            #expect(try await ShopFixtures.basketCount(laptop) == 3)
        }
    }

    @Test func signupAdoptsTheVisitorBasket() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            try await ShopFixtures.addToBasket(browser, book, quantity: 2)
            try await browser.signUp("new@domain.com", testPassword, next: "/order/address_select/")
            let user = try #require(try await db.users.user(email: "new@domain.com"))
            let basket = try await db.reader.read { try Basket.fetchOne($0) }
            #expect(basket?.userId == user.id)
            #expect(try await ShopFixtures.basketCount(browser) == 2)
        }
    }

    /// A signed-out user's basket is not shown to the next visitor of the same browser session id.
    @Test func someoneElsesBasketIsNotUsed() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let owner = try await ShopFixtures.customer(db, "owner@domain.com")
            let basketID = try await db.baskets.addToBasket(basketID: nil, userID: owner.id, productID: book.id!, quantity: 1).basketID
            let store = SQLitePersistDriver(db: db)
            try await store.create(key: "hbs.forged", value: AppSession(basketID: basketID), expires: .seconds(600))
            browser.setCookie("booktime_session", "forged")
            #expect(try await ShopFixtures.basketCount(browser) == 0)
            #expect(try await browser.get("/basket/").text.contains("You have no items in the basket."))
        }
    }
}
