import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct OrderWorkflowTests {
    /// An order of three units for `user`, straight through `placeOrder`.
    static func order(_ db: AppDatabase, user: User) async throws -> (order: Order, lines: [OrderLine]) {
        let book = try await ShopFixtures.product(db, "Siddhartha \(user.id!)", price: 1000)
        let basketID = try await db.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 3).basketID
        let address = try await ShopFixtures.address(db, userID: user.id!)
        let order = try await db.placeOrder(
            basketID: basketID, userID: user.id!, billingAddressID: address.id!, shippingAddressID: address.id!, email: StockTests.email
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

        try await db.setOrderStatus(orderID: order.id!, to: .paid, by: dispatcher.id)
        try await db.setOrderLineStatus(lineID: lines[0].id!, to: .processing, by: dispatcher.id)
        try await db.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: dispatcher.id)
        try await db.setOrderLineStatus(lineID: lines[1].id!, to: .cancelled, by: dispatcher.id)
        #expect(try await status() == .paid)
        try await db.setOrderLineStatus(lineID: lines[2].id!, to: .sent, by: dispatcher.id)
        #expect(try await status() == .done)

        let history = try await db.reader.read { try OrderHistoryEntry.order(Column("id")).fetchAll($0) }
        let described = history.map { "\($0.orderLineId == nil ? "order" : "line") \($0.fromStatus ?? 0)→\($0.toStatus) by \($0.userId ?? 0)" }
        let (c, d) = (customer.id!, dispatcher.id!)
        #expect(described == [
            "order 0→10 by \(c)", "order 10→20 by \(d)", "line 10→20 by \(d)", "line 20→30 by \(d)", "line 10→40 by \(d)",
            "line 10→30 by \(d)", "order 20→30 by 0",
        ])
    }

    @Test func finishedThingsDoNotChange() async throws {
        let test = try TestDatabase()
        let db = test.db
        let customer = try await ShopFixtures.customer(db, "customer@domain.com")
        let (order, lines) = try await Self.order(db, user: customer)
        try await db.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: nil)
        await #expect(throws: OrderWorkflow.Failure.finished("This line")) {
            try await db.setOrderLineStatus(lineID: lines[0].id!, to: .processing, by: nil)
        }
        for line in lines.dropFirst() { try await db.setOrderLineStatus(lineID: line.id!, to: .cancelled, by: nil) }
        await #expect(throws: OrderWorkflow.Failure.finished("Order \(order.number)")) {
            try await db.setOrderStatus(orderID: order.id!, to: .paid, by: nil)
        }
        await #expect(throws: OrderWorkflow.Failure.notFound) {
            try await db.setOrderLineStatus(lineID: 9999, to: .sent, by: nil)
        }
    }
}
