import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct BasketTests {
    /// The book's `test_add_to_basket_loggedin_works`, for a visitor: the basket lives in the session.
    @Test func addToBasketAsAVisitor() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "The cathedral and the bazaar", price: 1000)
            #expect(try await ShopFixtures.basketCount(browser) == 0)

            let response = try await ShopFixtures.addToBasket(browser, book)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/product/the-cathedral-and-the-bazaar/")
            #expect(browser.cookie("booktime_session") != nil)
            let page = try await browser.get("/product/the-cathedral-and-the-bazaar/").text
            #expect(page.contains("The cathedral and the bazaar is in your basket: 1 in all."))
            #expect(page.contains("data-basket-count>1 item<"))

            try await ShopFixtures.addToBasket(browser, book, quantity: 3)
            #expect(try await ShopFixtures.basketCount(browser) == 4)
            try await ShopFixtures.addToBasket(browser, book, quantity: 9)
            #expect(try await ShopFixtures.basketCount(browser) == 10)  // capped

            let baskets = try await db.reader.read { try Basket.fetchAll($0) }
            #expect(baskets.count == 1)
            #expect(baskets.first?.userId == nil)
        }
    }

    /// A signed-in user with no basket in this session adds to their open basket, if they have
    /// one: two tabs adding at once do not leave two baskets.
    @Test func aSignedInUserHasOneOpenBasket() async throws {
        let test = try TestDatabase()
        let book = try await ShopFixtures.product(test.db, "Siddhartha", price: 800)
        let user = try await ShopFixtures.customer(test.db, "user1@domain.com")
        let first = try await test.db.baskets.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 1)
        let second = try await test.db.baskets.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 2)
        #expect(second.basketID == first.basketID)
        #expect(second.quantity == 3)
        let visitor = try await test.db.baskets.addToBasket(basketID: nil, userID: nil, productID: book.id!, quantity: 1)
        #expect(visitor.basketID != first.basketID, "visitors' baskets are found through their session only")
    }

    @Test func addToBasketSignedInBelongsToTheUser() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 800)
            let user = try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            try await ShopFixtures.addToBasket(browser, book, quantity: 2)
            let basket = try await db.reader.read { try Basket.fetchOne($0) }
            #expect(basket?.userId == user.id)
            #expect(try await ShopFixtures.basketCount(browser) == 2)
        }
    }

    struct Refusal: Sendable, CustomStringConvertible {
        let name: String
        let active: Bool
        let inStock: Bool
        let stock: Int?
        let quantity: String?
        let message: String
        var description: String { name }
    }

    static let refusals: [Refusal] = [
        Refusal(name: "Inactive", active: false, inStock: true, stock: nil, quantity: nil, message: "is not available at the moment"),
        Refusal(name: "Not in stock", active: true, inStock: false, stock: nil, quantity: nil, message: "is not available at the moment"),
        Refusal(name: "Sold out", active: true, inStock: true, stock: 0, quantity: nil, message: "is not available at the moment"),
        Refusal(name: "Zero", active: true, inStock: true, stock: nil, quantity: "0", message: "Choose a quantity from 1 to 10."),
        Refusal(name: "Eleven", active: true, inStock: true, stock: nil, quantity: "11", message: "Choose a quantity from 1 to 10."),
        Refusal(name: "Words", active: true, inStock: true, stock: nil, quantity: "two", message: "Choose a quantity from 1 to 10."),
    ]

    @Test(arguments: refusals)
    func unavailableProductsAndBadQuantitiesAreRefused(refusal: Refusal) async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, refusal.name, price: 500, stock: refusal.stock, active: refusal.active, inStock: refusal.inStock)
            var form = [("product_id", String(book.id ?? 0))]
            if let quantity = refusal.quantity { form.append(("quantity", quantity)) }
            let response = try await browser.post("/add_to_basket/", form: form)
            #expect(response.status == .seeOther)
            let page = try await browser.get("/about-us/").text
            #expect(page.contains(refusal.message))
            #expect(page.contains("data-basket-count>0 items<"))
            let lines = try await db.reader.read { try BasketLine.fetchCount($0) }
            #expect(lines == 0)
        }
    }

    @Test func unknownProductIsABadRequest() async throws {
        try await withTestApp { browser, db in
            let unknown = try await browser.post("/add_to_basket/", form: [("product_id", "999")])
            let garbage = try await browser.post("/add_to_basket/", form: [("product_id", "abc")])
            let get = try await browser.get("/add_to_basket/")
            #expect(unknown.status == .badRequest)
            #expect(garbage.status == .badRequest)
            #expect(get.status == .notFound)  // only POST adds
            let baskets = try await db.reader.read { try Basket.fetchCount($0) }
            #expect(baskets == 0)
        }
    }

    @Test func basketPageShowsLinesAndTheNextStep() async throws {
        try await withTestApp { browser, db in
            #expect(try await browser.get("/basket/").text.contains("You have no items in the basket."))
            let a = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let b = try await ShopFixtures.product(db, "Backgammon for dummies", price: 1250)
            try await ShopFixtures.addToBasket(browser, a, quantity: 2)
            try await ShopFixtures.addToBasket(browser, b)
            let html = try await browser.get("/basket/").text
            #expect(html.contains("Siddhartha"))
            #expect(html.contains("£10.00"))
            #expect(html.contains("£20.00"))
            #expect(html.contains("£32.50"))
            #expect(html.contains(#"href="/signup/?next=/order/address_select/""#))
            #expect(html.contains(#"href="/login/?next=/order/address_select/""#))
            #expect(!html.contains("Place order"))

            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            #expect(try await browser.get("/basket/").text.contains("Place order"))
        }
    }

    /// The basket page is served from memory between changes: every change shows at once.
    @Test func basketPageFollowsEveryChange() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            try await ShopFixtures.addToBasket(browser, book, quantity: 2)
            #expect(try await browser.get("/basket/").text.contains("£20.00"))
            #expect(try await browser.get("/basket/").text.contains("£20.00"))

            let line = try #require(try await db.reader.read { try BasketLine.fetchOne($0) })
            try await browser.post("/basket/", form: [("quantity_\(line.id!)", "3")])
            #expect(try await browser.get("/basket/").text.contains("£30.00"))

            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 1100, name = 'Siddhartha (new edition)'") }
            let repriced = try await browser.get("/basket/").text
            #expect(repriced.contains("£33.00") && repriced.contains("Siddhartha (new edition)"))

            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET active = 0") }
            #expect(try await browser.get("/basket/").text.contains("Not available"))
        }
    }

    @Test func basketCacheKeysDifferWhenAnythingShownDiffers() {
        let item = BasketItem(lineId: 1, productId: 2, quantity: 3, name: "A|1", slug: "a", price: 100, available: true, thumbnailHash: nil)
        var variants = [item]
        for change in [\BasketItem.quantity, \BasketItem.price] as [WritableKeyPath<BasketItem, Int>] {
            var other = item
            other[keyPath: change] += 1
            variants.append(other)
        }
        var renamed = item
        renamed.name = "A"
        renamed.slug = "a/1"
        variants.append(renamed)
        var unavailable = item
        unavailable.available = false
        variants.append(unavailable)
        var pictured = item
        pictured.thumbnailHash = "abc"
        variants.append(pictured)
        let keys = variants.map { BasketPage.cacheKey(items: [$0], signedIn: true) } + [BasketPage.cacheKey(items: [item], signedIn: false)]
        #expect(Set(keys).count == keys.count)
    }

    /// The book's basket formset: quantities and removals in one POST.
    @Test func updateQuantitiesAndRemoveInOnePost() async throws {
        try await withTestApp { browser, db in
            let a = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let b = try await ShopFixtures.product(db, "Backgammon for dummies", price: 1250)
            try await ShopFixtures.addToBasket(browser, a)
            try await ShopFixtures.addToBasket(browser, b)
            let lines = try await db.reader.read { try BasketLine.order(Column("id")).fetchAll($0) }
            let (lineA, lineB) = (lines[0].id!, lines[1].id!)

            let response = try await browser.post("/basket/", form: [("quantity_\(lineA)", "4"), ("quantity_\(lineB)", "1"), ("remove", "\(lineB)")])
            #expect(response.status == .seeOther)
            let after = try await db.reader.read { try BasketLine.fetchAll($0) }
            #expect(after.count == 1)
            #expect(after.first?.quantity == 4)
            #expect(try await ShopFixtures.basketCount(browser) == 4)
        }
    }

    struct BadUpdate: Sendable, CustomStringConvertible {
        let name: String
        let quantity: String
        let foreign: Bool
        let message: String
        var description: String { name }
    }

    static let badUpdates: [BadUpdate] = [
        BadUpdate(name: "zero", quantity: "0", foreign: false, message: "Each quantity must be a whole number from 1 to 10."),
        BadUpdate(name: "eleven", quantity: "11", foreign: false, message: "Each quantity must be a whole number from 1 to 10."),
        BadUpdate(name: "text", quantity: "lots", foreign: false, message: "Each quantity must be a whole number from 1 to 10."),
        BadUpdate(name: "someone else's line", quantity: "2", foreign: true, message: "That line is not in your basket."),
    ]

    /// Anything wrong and nothing changes, not even the valid parts of the form.
    @Test(arguments: badUpdates)
    func badUpdatesChangeNothing(update: BadUpdate) async throws {
        try await withTestApp { browser, db in
            let a = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            try await ShopFixtures.addToBasket(browser, a, quantity: 2)
            let stranger = TestBrowser(client: browser.client)
            try await ShopFixtures.addToBasket(stranger, a, quantity: 5)
            let lines = try await db.reader.read { try BasketLine.order(Column("id")).fetchAll($0) }
            let (mine, theirs) = (lines[0].id!, lines[1].id!)

            var form = [("quantity_\(mine)", "3")]
            form.append(update.foreign ? ("quantity_\(theirs)", update.quantity) : ("quantity_\(mine)", update.quantity))
            if !update.foreign { form.removeFirst() }
            let response = try await browser.post("/basket/", form: form)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(update.message))
            let after = try await db.reader.read { try BasketLine.order(Column("id")).fetchAll($0) }
            #expect(after.map(\.quantity) == [2, 5])
        }
    }

    /// A script that posts without ever reading a page does not grow the flash cookie forever.
    @Test func flashMessagesAreBounded() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let form = try await browser.get("/contact-us/").text
            let token = String(try #require(form.firstMatch(of: /name="csrf_token" value="([^"]*)"/)).1)
            for _ in 0..<12 {
                let response = try await browser.post("/add_to_basket/", form: [("product_id", "\(book.id!)"), ("csrf_token", token)], csrf: false)
                #expect(response.status == .seeOther)
            }
            let cookie = try #require(browser.cookie("flash"))
            #expect(cookie.count < 2000)
            let page = try await browser.get("/about-us/").text
            #expect(page.components(separatedBy: "is in your basket").count - 1 == FlashMessages.carriedLimit)
            #expect(page.contains("10 in all (10 is the most per order)"))
        }
    }

    @Test func basketUpdateNeedsTheCSRFToken() async throws {
        try await withTestApp { browser, db in
            let a = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            try await ShopFixtures.addToBasket(browser, a)
            let line = try await db.reader.read { try BasketLine.fetchOne($0) }
            #expect(try await browser.post("/basket/", form: [("remove", "\(line!.id!)")], csrf: false).status == .forbidden)
            #expect(try await browser.post("/add_to_basket/", form: [("product_id", "\(a.id!)")], csrf: false).status == .forbidden)
            #expect(try await ShopFixtures.basketCount(browser) == 1)
        }
    }
}
