import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct OrderWorkflowTests {
    /// An order of three titles (3, 1 and 2 copies) for `user`, straight through `placeOrder`.
    static func order(_ db: AppDatabase, user: User) async throws -> (order: Order, lines: [OrderLine]) {
        var basketID: Int64? = nil
        for (index, quantity) in [3, 1, 2].enumerated() {
            let book = try await ShopFixtures.product(db, "Siddhartha \(user.id!) volume \(index + 1)", price: 1000 + index * 100)
            basketID = try await db.baskets.addToBasket(basketID: basketID, userID: user.id, productID: book.id!, quantity: quantity).basketID
        }
        let address = try await ShopFixtures.address(db, userID: user.id!)
        let order = try await db.orders.placeOrder(
            basketID: basketID!, userID: user.id!, billingAddressID: address.id!, shippingAddressID: address.id!, email: StockTests.email
        )
        let lines = try await db.reader.read { try OrderLine.filter(Column("orderId") == order.id).order(Column("id")).fetchAll($0) }
        return (order, lines)
    }

    @Test func orderIsDoneWhenEveryLineIsSentOrCancelled() async throws {
        let test = try TestDatabase()
        let db = test.db
        let customer = try await ShopFixtures.customer(db, "customer@domain.com")
        let dispatcher = try await ShopFixtures.customer(db, "dispatch@domain.com")
        let (order, lines) = try await Self.order(db, user: customer)
        let status = { try await db.reader.read { try Order.fetchOne($0, key: order.id)?.status } }

        try await db.orders.setOrderStatus(orderID: order.id!, to: .paid, by: dispatcher.id)
        try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .processing, by: dispatcher.id)
        try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: dispatcher.id)
        try await db.orders.setOrderLineStatus(lineID: lines[1].id!, to: .cancelled, by: dispatcher.id)
        #expect(try await status() == .paid)
        try await db.orders.setOrderLineStatus(lineID: lines[2].id!, to: .sent, by: dispatcher.id)
        #expect(try await status() == .done)

        let history = try await db.reader.read { try OrderHistoryEntry.order(Column("id")).fetchAll($0) }
        let described = history.map { "\($0.orderLineId == nil ? "order" : "line") \($0.fromStatus ?? 0)→\($0.toStatus) by \($0.userId ?? 0)" }
        let (c, d) = (customer.id!, dispatcher.id!)
        #expect(described == [
            "order 0→10 by \(c)", "order 10→20 by \(d)", "line 10→20 by \(d)", "line 20→30 by \(d)", "line 10→40 by \(d)",
            "line 10→30 by \(d)", "order 20→30 by 0",
        ])
    }

    /// One row per title with its quantity and the price paid for each copy.
    @Test func aLineCarriesItsQuantity() async throws {
        let test = try TestDatabase()
        let customer = try await ShopFixtures.customer(test.db, "customer@domain.com")
        let (order, lines) = try await Self.order(test.db, user: customer)
        #expect(lines.map(\.quantity) == [3, 1, 2])
        #expect(lines.map(\.unitPrice) == [1000, 1100, 1200])
        let detail = try #require(try await test.db.orders.order(id: order.id!, userID: customer.id))
        #expect(detail.total == 3 * 1000 + 1100 + 2 * 1200)
    }

    /// Marked paid, the customer is told; once every line is sent, they are told it is on its way.
    @Test func paidAndDispatchedOrdersAreEmailed() async throws {
        let test = try TestDatabase()
        let db = test.db
        let customer = try await ShopFixtures.customer(db, "customer@domain.com")
        let (order, lines) = try await Self.order(db, user: customer)
        let notify = StockTests.email
        try await db.orders.setOrderStatus(orderID: order.id!, to: .paid, by: nil, notify: notify)
        var outbox = try await db.outbox.outbox()
        let paid = try #require(outbox.first { $0.subject == "Payment received for your BookTime order \(order.number)" })
        #expect(paid.toAddress == "customer@domain.com")
        #expect(paid.body.contains("3 x Siddhartha \(customer.id!) volume 1, £10.00 each: £30.00"))
        #expect(paid.htmlBody?.contains("<td align=\"right\" style=\"padding:6px 0;border-bottom:1px solid #eee\">3</td>") == true)

        try await db.orders.setOrderLineStatus(lineID: lines[1].id!, to: .cancelled, by: nil, notify: notify)
        try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: nil, notify: notify)
        #expect(try await db.outbox.outbox().count == outbox.count, "nothing until every line is finished")
        try await db.orders.setOrderLineStatus(lineID: lines[2].id!, to: .sent, by: nil, notify: notify)
        outbox = try await db.outbox.outbox()
        let sent = try #require(outbox.first { $0.subject == "Your BookTime order \(order.number) is on its way" })
        #expect(sent.body.contains("volume 1") && sent.body.contains("volume 3"))
        #expect(!sent.body.contains("volume 2"), "the cancelled line was not sent")
        #expect(sent.body.contains("Order total: £54.00"))
    }

    @Test func finishedThingsDoNotChange() async throws {
        let test = try TestDatabase()
        let db = test.db
        let customer = try await ShopFixtures.customer(db, "customer@domain.com")
        let (order, lines) = try await Self.order(db, user: customer)
        try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: nil)
        await #expect(throws: OrderWorkflow.Failure.finished("This line")) {
            try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .processing, by: nil)
        }
        for line in lines.dropFirst() { try await db.orders.setOrderLineStatus(lineID: line.id!, to: .cancelled, by: nil) }
        await #expect(throws: OrderWorkflow.Failure.finished("Order \(order.number)")) {
            try await db.orders.setOrderStatus(orderID: order.id!, to: .paid, by: nil)
        }
        await #expect(throws: OrderWorkflow.Failure.notFound) {
            try await db.orders.setOrderLineStatus(lineID: 9999, to: .sent, by: nil)
        }
    }
}
