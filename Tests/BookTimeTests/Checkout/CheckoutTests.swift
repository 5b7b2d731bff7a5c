import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

@Suite struct CheckoutTests {
    /// Signs up through the site, adds books and an address; returns the user and the address.
    static func readyToOrder(_ browser: TestBrowser, _ db: AppDatabase, email: String = "user1@domain.com", books: [(Product, Int)]) async throws
        -> (user: User, address: Address)
    {
        try await browser.signUp(email, testPassword)
        let user = try #require(try await db.users.user(email: email))
        for (book, quantity) in books { try await ShopFixtures.addToBasket(browser, book, quantity: quantity) }
        let address = try await ShopFixtures.address(db, userID: user.id!)
        return (user, address)
    }

    static func checkout(_ browser: TestBrowser, billing: Address, shipping: Address? = nil, basketID: Int64? = nil) async throws -> TestResponse {
        try await browser.post(
            "/order/address_select/",
            form: [("billing_address", "\(billing.id!)"), ("shipping_address", "\((shipping ?? billing).id!)")]
                + (basketID.map { [(AddressSelectionForm.basketField, "\($0)")] } ?? [])
        )
    }

    @Test func checkoutNeedsSignInAndABasket() async throws {
        try await withTestApp { browser, db in
            let response = try await browser.get("/order/address_select/")
            #expect(response.headers[.location] == "/login/?next=/order/address_select/")
            try await browser.signUp("user1@domain.com", testPassword)
            let empty = try await browser.get("/order/address_select/")
            #expect(empty.status == .seeOther)
            #expect(empty.headers[.location] == "/basket/")
            #expect(try await browser.get("/basket/").text.contains("Your basket is empty"))
            #expect(try await ShopFixtures.orderCount(db) == 0)
        }
    }

    /// The book's `test_create_order_works` through the pages: one line per unit at the price paid,
    /// address snapshots, basket submitted, confirmation email, thank-you page.
    @Test func placingAnOrder() async throws {
        try await withTestApp { browser, db in
            let p1 = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let p2 = try await ShopFixtures.product(db, "Backgammon for dummies", price: 1250)
            let (user, address) = try await Self.readyToOrder(browser, db, books: [(p1, 2), (p2, 1)])
            let shipping = try await ShopFixtures.address(db, userID: user.id!, name: "Jane Smith", address1: "123 Deacon road")

            let form = try await browser.get("/order/address_select/")
            #expect(form.status == .ok)
            #expect(form.text.contains("Select the billing and shipping addresses."))
            #expect(form.text.contains("123 Deacon road"))
            // The review before "Place order": what, how many, line totals, the order total.
            #expect(form.text.contains("Your order: 3 items"))
            #expect(form.text.contains(#"<td data-label="Book">Siddhartha</td><td data-label="Quantity" class="numeric">2</td><td data-label="Price" class="numeric">£10.00</td><td data-label="Line total" class="numeric">£20.00</td>"#))
            #expect(form.text.contains("<strong>£32.50</strong>"))
            // Addresses read as postal addresses: no empty parts, the country by name.
            #expect(form.text.contains(">Jane Smith, 123 Deacon road, Smithland LC11RA, United Kingdom<"))
            #expect(!form.text.contains(", uk<") && !form.text.contains(", ,"))

            let response = try await Self.checkout(browser, billing: address, shipping: shipping)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/order/done/")

            let order = try #require(try await db.reader.read { try Order.fetchOne($0) })
            #expect(order.userId == user.id)
            #expect(order.status == .new)
            #expect(order.billingAddress1 == "1 the road")
            #expect(order.shippingAddress1 == "123 Deacon road")
            let lines = try await db.reader.read { try OrderLine.order(Column("id")).fetchAll($0) }
            // One line per title, with its quantity.
            #expect(lines.map(\.productId) == [p1.id!, p2.id!])
            #expect(lines.map(\.quantity) == [2, 1])
            #expect(lines.map(\.unitPrice) == [1000, 1250])
            #expect(lines.allSatisfy { $0.status == .new })
            let basket = try await db.reader.read { try Basket.fetchOne($0) }
            #expect(basket?.status == .submitted)
            #expect(try await ShopFixtures.basketCount(browser) == 0)

            let done = try await browser.get("/order/done/").text
            #expect(done.contains("Thanks for your order."))
            #expect(done.contains("BT\(order.id!)"))
            #expect(done.contains("£32.50"))

            let email = try #require(try await db.outbox.outbox().first { $0.subject.hasPrefix("Your BookTime order") })
            #expect(email.subject == "Your BookTime order BT\(order.id!)")
            #expect(email.toAddress == "user1@domain.com")
            #expect(email.body.contains("2 x Siddhartha, £10.00 each: £20.00"))
            #expect(email.body.contains("Order total: £32.50"))
            #expect(email.body.contains("Shipping to:\nJane Smith\n123 Deacon road\n"))
            #expect(email.body.contains("Billing address:\n"))
            #expect(!email.body.contains("\n\n\n"), "the template's sections leave no blank runs")
            #expect(email.body.contains("/orders/\(order.id!)/"))
            let html = try #require(email.htmlBody)
            #expect(html.contains("Backgammon for dummies"))
            #expect(html.contains("href=\"http://"))

            let history = try await db.reader.read { try OrderHistoryEntry.fetchAll($0) }
            #expect(history.count == 1)
            #expect(history.first?.toStatus == OrderStatus.new.rawValue && history.first?.userId == user.id)

            // The next book starts a new basket; the order's basket is left as it was.
            #expect(try await browser.get("/basket/").text.contains("You have no items in the basket."))
            try await ShopFixtures.addToBasket(browser, p2)
            #expect(try await ShopFixtures.basketCount(browser) == 1)
            let baskets = try await db.reader.read { try Basket.order(Column("id")).fetchAll($0) }
            #expect(baskets.map(\.status) == [.submitted, .open])
            #expect(try await db.reader.read { try BasketLine.filter(Column("basketId") == baskets[0].id!).fetchCount($0) } == 2)
        }
    }

    /// After an order the session still names the ordered basket and the next basket is found by
    /// user: neither the order nor the next "add to basket" writes a session, and another device
    /// signed in as the same user shares that basket.
    @Test func theBasketAfterAnOrderIsFoundByUser() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let other = try await ShopFixtures.product(db, "Backgammon for dummies", price: 1250)
            let (_, address) = try await Self.readyToOrder(browser, db, books: [(book, 1)])
            let phone = TestBrowser(client: browser.client)
            try await phone.logIn("user1@domain.com", testPassword)
            #expect(try await ShopFixtures.basketCount(phone) == 1)

            let sessions = { try await db.reader.read { try Row.fetchAll($0, sql: "SELECT key, value, expiresAt FROM persist ORDER BY key") } }
            let before = try await sessions()
            try await Self.checkout(browser, billing: address)
            #expect(try await ShopFixtures.basketCount(phone) == 0)
            try await ShopFixtures.addToBasket(browser, other, quantity: 2)
            #expect(try await sessions() == before, "no session was written")
            #expect(try await ShopFixtures.basketCount(browser) == 2)
            #expect(try await ShopFixtures.basketCount(phone) == 2)

            try await ShopFixtures.addToBasket(phone, book)
            #expect(try await ShopFixtures.basketCount(browser) == 3)
            let open = try await db.reader.read { try Basket.filter(Basket.Columns.status == BasketStatus.open).fetchAll($0) }
            #expect(open.count == 1)
            #expect(try await browser.get("/basket/").text.contains("Backgammon for dummies"))
            try await Self.checkout(phone, billing: address)
            #expect(try await ShopFixtures.orderCount(db) == 2)
            #expect(try await ShopFixtures.basketCount(browser) == 0)
        }
    }

    @Test func thePricePaidSurvivesAPriceChange() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (_, address) = try await Self.readyToOrder(browser, db, books: [(book, 1)])
            try await Self.checkout(browser, billing: address)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 2500") }
            let order = try #require(try await db.reader.read { try Order.fetchOne($0) })
            let page = try await browser.get("/orders/\(order.id!)/").text
            #expect(page.contains("£10.00"))
            #expect(!page.contains("£25.00"))
        }
    }

    /// The book's `AddressSelectionForm` limits the choices to the user's own addresses.
    @Test func anotherUsersAddressIsNotAChoice() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (_, mine) = try await Self.readyToOrder(browser, db, books: [(book, 1)])
            let stranger = try await ShopFixtures.customer(db, "stranger@domain.com")
            let theirs = try await ShopFixtures.address(db, userID: stranger.id!, name: "Stranger", address1: "9 Secret street")

            #expect(!(try await browser.get("/order/address_select/").text.contains("9 Secret street")))
            let response = try await Self.checkout(browser, billing: mine, shipping: theirs)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Select a valid choice."))
            #expect(try await ShopFixtures.orderCount(db) == 0)
            let missing = try await browser.post("/order/address_select/", form: [("billing_address", "\(mine.id!)")])
            #expect(missing.status == .unprocessableContent)
            #expect(missing.text.contains("This field is required."))
        }
    }

    /// Two tabs, a double click, a retried request: one order.
    @Test func doubleSubmitMakesOneOrder() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000, stock: 5)
            let (_, address) = try await Self.readyToOrder(browser, db, books: [(book, 2)])
            let cookie = try #require(browser.cookie("booktime_session"))
            let form = try await browser.get("/order/address_select/").text
            let basketID = try #require(form.firstMatch(of: /name="basket" value="(\d+)"/).flatMap { Int64($0.1) })
            // Both requests carry the same session and form, as a double click does.
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<2 {
                    let tab = TestBrowser(client: browser.client)
                    tab.setCookie("booktime_session", cookie)
                    tab.setCookie("csrftoken", browser.cookie("csrftoken"))
                    group.addTask { Int(try await Self.checkout(tab, billing: address, basketID: basketID).status.code) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [303, 303])
            // And once more, after the first completed: the same form shows the order it made.
            #expect(try await Self.checkout(browser, billing: address, basketID: basketID).headers[.location] == "/order/done/")
            // A checkout with nothing in the basket is sent to the basket, not to that old order.
            let empty = try await Self.checkout(browser, billing: address)
            #expect(empty.headers[.location] == "/basket/")
            #expect(try await ShopFixtures.orderCount(db) == 1)
            let lines = try await db.reader.read { try OrderLine.fetchAll($0) }
            #expect(lines.map(\.quantity) == [2])
            let stock = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT stockCount FROM product") }
            #expect(stock == 3)
        }
    }

    @Test func aBookThatBecameUnavailableStopsTheOrder() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (_, address) = try await Self.readyToOrder(browser, db, books: [(book, 1)])
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET active = 0") }
            #expect(try await browser.get("/basket/").text.contains("no longer available"))
            let response = try await Self.checkout(browser, billing: address)
            #expect(response.status == .conflict)
            #expect(response.text.contains("Sorry, not enough copies are left of Siddhartha."))
            #expect(try await ShopFixtures.orderCount(db) == 0)
            let basket = try await db.reader.read { try Basket.fetchOne($0) }
            #expect(basket?.status == .open)
        }
    }
}
