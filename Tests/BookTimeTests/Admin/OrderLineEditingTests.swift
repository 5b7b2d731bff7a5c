import Foundation
import GRDB
import Testing

@testable import BookTime

/// Employees add and remove books of an unpaid order by checkout's rules: stock, today's price,
/// the delivery charge worked out again; paid orders are fixed.
@Suite struct OrderLineEditingTests {
    static let rate = DeliveryRate(charge: 350, freeFrom: 5000)

    /// An order of 2 × "Cathedral" (£10.00, 5 copies) placed with `rate`, and a second book.
    static func order(_ db: AppDatabase) async throws -> (order: Order, cathedral: Product, bazaar: Product) {
        let cathedral = try await ShopFixtures.product(db, "The Cathedral", price: 1000, stock: 5)
        let bazaar = try await ShopFixtures.product(db, "The Bazaar", price: 700, stock: 1)
        let customer = try await ShopFixtures.customer(db, "reader@booktime.domain")
        let address = try await ShopFixtures.address(db, userID: customer.id ?? 0)
        let basketID = try await db.baskets.addToBasket(basketID: nil, userID: customer.id ?? 0, productID: cathedral.id ?? 0, quantity: 2).basketID
        let order = try await db.orders.placeOrder(
            basketID: basketID, userID: customer.id ?? 0, billingAddressID: address.id ?? 0, shippingAddressID: address.id ?? 0,
            email: OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp), delivery: rate
        )
        return (order, cathedral, bazaar)
    }

    static func state(_ db: AppDatabase, _ orderID: Int64) async throws -> (lines: [String], delivery: Int, stock: [String: Int?]) {
        try await db.reader.read { db in
            let lines = try Row.fetchAll(
                db, sql: "SELECT p.name, l.quantity, l.unitPrice FROM orderLine l JOIN product p ON p.id = l.productId WHERE l.orderId = ? ORDER BY l.id",
                arguments: [orderID]
            ).map { "\($0["quantity"] as Int) × \($0["name"] as String) @ \($0["unitPrice"] as Int)" }
            let delivery = try Int.fetchOne(db, sql: "SELECT deliveryCharge FROM shopOrder WHERE id = ?", arguments: [orderID]) ?? -1
            var stock: [String: Int?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, stockCount FROM product") { stock[row["name"]] = row["stockCount"] as Int? }
            return (lines, delivery, stock)
        }
    }

    @Test func anUnpaidOrdersBooksChangeByCheckoutsRules() async throws {
        let test = try TestDatabase()
        let db = test.db
        let (order, cathedral, bazaar) = try await Self.order(db)
        let orderID = try #require(order.id)
        #expect(try await Self.state(db, orderID).delivery == 350)

        // The last copy of the Bazaar: it comes out of stock; the delivery still applies.
        try await db.dbWriter.write { try OrderLineEditing.add($0, orderID: orderID, productID: bazaar.id!, quantity: 1, delivery: Self.rate) }
        var state = try await Self.state(db, orderID)
        #expect(state.lines == ["2 × The Cathedral @ 1000", "1 × The Bazaar @ 700"])
        #expect(state.stock["The Bazaar"] == .some(0))
        #expect(state.delivery == 350)
        await #expect(throws: OrderLineEditing.Failure.unavailable("The Bazaar", left: nil)) {
            try await db.dbWriter.write { try OrderLineEditing.add($0, orderID: orderID, productID: bazaar.id!, quantity: 1, delivery: Self.rate) }
        }

        // Today's price is not the price paid: a line of its own. The subtotal passes the free threshold.
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 1200 WHERE id = ?", arguments: [cathedral.id]) }
        await #expect(throws: OrderLineEditing.Failure.unavailable("The Cathedral", left: 3)) {
            try await db.dbWriter.write { try OrderLineEditing.add($0, orderID: orderID, productID: cathedral.id!, quantity: 4, delivery: Self.rate) }
        }
        let added = try await db.dbWriter.write {
            try OrderLineEditing.add($0, orderID: orderID, productID: cathedral.id!, quantity: 3, delivery: Self.rate)
        }
        state = try await Self.state(db, orderID)
        #expect(state.lines == ["2 × The Cathedral @ 1000", "1 × The Bazaar @ 700", "3 × The Cathedral @ 1200"])
        #expect(state.stock["The Cathedral"] == .some(0))
        #expect(state.delivery == 0, "£63.00 of books travel free")

        // Removing puts the copies back, and the charge comes back with the smaller subtotal.
        try await db.dbWriter.write { try OrderLineEditing.remove($0, orderID: orderID, lineID: added.id!, delivery: Self.rate) }
        state = try await Self.state(db, orderID)
        #expect(state.lines == ["2 × The Cathedral @ 1000", "1 × The Bazaar @ 700"])
        #expect(state.stock["The Cathedral"] == .some(3))
        #expect(state.delivery == 350)

        await #expect(throws: OrderLineEditing.Failure.quantity) {
            try await db.dbWriter.write { try OrderLineEditing.add($0, orderID: orderID, productID: cathedral.id!, quantity: 0, delivery: Self.rate) }
        }
        // One book always stays: removing the last is refused.
        let lineIDs = try await db.reader.read { try Int64.fetchAll($0, sql: "SELECT id FROM orderLine WHERE orderId = ? ORDER BY id", arguments: [orderID]) }
        try await db.dbWriter.write { try OrderLineEditing.remove($0, orderID: orderID, lineID: lineIDs[1], delivery: Self.rate) }
        await #expect(throws: OrderLineEditing.Failure.lastLine) {
            try await db.dbWriter.write { try OrderLineEditing.remove($0, orderID: orderID, lineID: lineIDs[0], delivery: Self.rate) }
        }
        #expect(try await Self.state(db, orderID).stock["The Bazaar"] == .some(1))

        // Paid: fixed.
        try await db.orders.setOrderStatus(orderID: orderID, to: .paid, by: nil)
        await #expect(throws: OrderLineEditing.Failure.paid(order.number)) {
            try await db.dbWriter.write { try OrderLineEditing.add($0, orderID: orderID, productID: bazaar.id!, quantity: 1, delivery: Self.rate) }
        }
        await #expect(throws: OrderLineEditing.Failure.paid(order.number)) {
            try await db.dbWriter.write { try OrderLineEditing.remove($0, orderID: orderID, lineID: lineIDs[0], delivery: Self.rate) }
        }
    }

    @Test func aBookIsFoundByNumberISBNTitleOrAUniquePartOfIt() async throws {
        let test = try TestDatabase()
        let db = test.db
        let (_, cathedral, bazaar) = try await Self.order(db)
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET isbn = '9780306406157' WHERE id = ?", arguments: [bazaar.id]) }
        func find(_ query: String) async throws -> String {
            try await db.reader.read { try OrderLineEditing.findBook($0, query).name }
        }
        #expect(try await find("#\(cathedral.id!)") == "The Cathedral")
        #expect(try await find("978-0-306-40615-7") == "The Bazaar")
        #expect(try await find("the bazaar") == "The Bazaar")
        #expect(try await find("cathed") == "The Cathedral")
        await #expect(throws: OrderLineEditing.Failure.severalBooks("The", ["The Bazaar", "The Cathedral"])) { try await find("The") }
        await #expect(throws: OrderLineEditing.Failure.noSuchBook("Dune")) { try await find("Dune") }
        await #expect(throws: OrderLineEditing.Failure.noSuchBook("100%")) { try await find("100%") }
    }

    /// The back office's section: shown for unpaid orders on the owners' and office sites, each
    /// change audited and said; refusals said, nothing changed; dispatchers have none.
    @Test func employeesChangeAnUnpaidOrdersBooksOnItsPage() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, orderStatus: .new)
            let orderID = try #require(shop.order.id)
            let second = try await ShopFixtures.product(db, "The Art of Unix Programming", price: 2500, stock: 4)
            let page = try await shop.employee.get("/office-admin/order/\(orderID)/").text
            #expect(page.contains("<legend>Change the books</legend>"))
            #expect(page.contains("2 × The cathedral and the bazaar at £10.00 each"))
            #expect(page.contains(#"action="/office-admin/order/\#(orderID)/lines/""#))

            let added = try await shop.employee.post("/office-admin/order/\(orderID)/lines/", form: [("book", "art of unix"), ("quantity", "2")])
            #expect(added.status == .seeOther)
            #expect(added.headers[.location] == "/office-admin/order/\(orderID)/")
            let after = try await shop.employee.get("/office-admin/order/\(orderID)/").text
            #expect(after.contains("Added 2 × “The Art of Unix Programming” at £25.00 each."))
            #expect(after.contains("<dt>Total</dt><dd>£70.00</dd>"))
            #expect(try await db.reader.read { try Int.fetchOne($0, sql: "SELECT stockCount FROM product WHERE id = ?", arguments: [second.id]) } == 2)
            let audit = try await db.reader.read { try String.fetchOne($0, sql: "SELECT changes FROM adminLogEntry WHERE model = 'order' ORDER BY id DESC LIMIT 1") }
            #expect(audit?.contains("Added 2") == true)
            // The customer is told, with the order as it now stands and what they will pay.
            let changedSubject = "Your BookTime order \(shop.order.number) has changed"
            let told = try #require(try await db.reader.read { try OutboxEmail.filter(sql: "subject = ?", arguments: [changedSubject]).fetchAll($0) }.first)
            #expect(told.toAddress == "buyer@booktime.domain")
            #expect(told.body.contains("Added 2 × “The Art of Unix Programming” at £25.00 each."))
            #expect(told.body.contains("2 x The Art of Unix Programming, £25.00 each: £50.00") && told.body.contains("Order total: £70.00"))
            #expect(told.htmlBody?.contains("£70.00") == true)

            // Refused: too many copies; a made-up line; no token.
            _ = try await shop.employee.post("/office-admin/order/\(orderID)/lines/", form: [("book", "art of unix"), ("quantity", "3")])
            #expect(try await shop.employee.get("/office-admin/order/\(orderID)/").text.contains("Only 2 left of The Art of Unix Programming."))
            _ = try await shop.owner.post("/admin/order/\(orderID)/lines/", form: [("remove", "999")])
            #expect(try await shop.owner.get("/admin/order/\(orderID)/").text.contains("No such order or order line."))
            let forged = try await shop.owner.post("/admin/order/\(orderID)/lines/", form: [("remove", "1")], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM orderLine WHERE orderId = ?", arguments: [orderID]) } == 2)
            // Refusals tell no one.
            #expect(try await db.reader.read { try OutboxEmail.filter(sql: "subject = ?", arguments: [changedSubject]).fetchCount($0) } == 1)

            // Dispatchers cannot; paid orders show no section and refuse.
            #expect(try await shop.dispatcher.post("/dispatch-admin/order/\(orderID)/lines/", form: [("remove", "1")]).status == .notFound)
            try await db.orders.setOrderStatus(orderID: orderID, to: .paid, by: nil)
            #expect(!(try await shop.owner.get("/admin/order/\(orderID)/").text.contains("Change the books")))
            _ = try await shop.owner.post("/admin/order/\(orderID)/lines/", form: [("book", "art of unix"), ("quantity", "1")])
            #expect(try await shop.owner.get("/admin/order/\(orderID)/").text.contains("Order \(shop.order.number) is no longer unpaid"))
        }
    }
}
