import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct OrderPagesTests {
    @Test func customersSeeTheirOwnOrdersOnly() async throws {
        try await withTestApp { browser, db in
            #expect(try await browser.get("/orders/").headers[.location] == "/login/?next=/orders/")
            let siddhartha = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let backgammon = try await ShopFixtures.product(db, "Backgammon for dummies", price: 1250)
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(siddhartha, 2)])
            try await CheckoutTests.checkout(browser, billing: address)
            try await ShopFixtures.addToBasket(browser, backgammon)
            try await CheckoutTests.checkout(browser, billing: address)

            let list = try await browser.get("/orders/").text
            let orders = try await db.reader.read { try Order.order(Column("id")).fetchAll($0) }
            let (first, second) = (orders[0], orders[1])
            // Newest first.
            let firstAt = try #require(list.range(of: ">BT\(first.id!)<"))
            let secondAt = try #require(list.range(of: ">BT\(second.id!)<"))
            #expect(secondAt.lowerBound < firstAt.lowerBound)
            #expect(list.contains("2 x Siddhartha"))
            #expect(list.contains("1 x Backgammon for dummies"))
            #expect(list.contains("£20.00"))
            #expect(list.contains("New"))

            let detail = try await browser.get("/orders/\(first.id!)/").text
            #expect(detail.contains("Order BT\(first.id!)"))
            #expect(detail.contains("1 the road"))
            #expect(detail.contains("Order placed"))

            let stranger = TestBrowser(client: browser.client)
            try await stranger.signUp("stranger@domain.com", testPassword)
            #expect(try await stranger.get("/orders/\(first.id!)/").status == .notFound)
            #expect(!(try await stranger.get("/orders/").text.contains("BT\(first.id!)")))
            #expect(try await browser.get("/orders/abc/").status == .notFound)
        }
    }

    @Test func historyShowsLineChanges() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 1)])
            try await CheckoutTests.checkout(browser, billing: address)
            let order = try #require(try await db.reader.read { try Order.fetchOne($0) })
            let line = try #require(try await db.reader.read { try OrderLine.fetchOne($0) })
            try await db.orders.setOrderLineStatus(lineID: line.id!, to: .sent, by: nil)
            let detail = try await browser.get("/orders/\(order.id!)/").text
            #expect(detail.contains("Siddhartha: New → Sent"))
            #expect(detail.contains("Order: New → Done"))
        }
    }
}
