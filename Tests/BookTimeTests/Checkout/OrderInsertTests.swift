import Foundation
import GRDB
import Testing

@testable import BookTime

/// Checkout inserts its rows through cached statements (`insertCached`); GRDB's `insert` is the
/// reference. Both must write the same columns with the same values.
@Suite struct OrderInsertTests {
    /// Every column of a row but its id.
    static func columns(_ db: Database, _ table: String, id: Int64?) throws -> [String: DatabaseValue] {
        let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(table) WHERE id = ?", arguments: [id]))
        var values: [String: DatabaseValue] = [:]
        for (column, value) in row where column != "id" { values[column] = value }
        return values
    }

    @Test func cachedInsertsWriteWhatRecordInsertsWrite() async throws {
        let test = try TestDatabase()
        let user = try await ShopFixtures.customer(test.db, "user1@domain.com")
        let book = try await ShopFixtures.product(test.db, "Siddhartha", price: 1000)
        let billing = try await ShopFixtures.address(test.db, userID: user.id!, name: "Jane Billing", address1: "1 Bill street")
        let shipping = try await ShopFixtures.address(test.db, userID: user.id!, name: "John Shipping", address1: "2 Ship lane")
        let basketID = try await test.db.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 1).basketID
        let now = Date(timeIntervalSince1970: 1_790_000_000.125)

        try await test.db.dbWriter.write { db in
            var viaRecord = Order(userId: user.id!, basketId: nil, billing: billing, shipping: shipping, now: now)
            viaRecord.status = .paid
            try viaRecord.insert(db)
            var viaCache = viaRecord
            viaCache.id = nil
            try viaCache.insertCached(db)
            #expect(viaCache.id != nil && viaCache.id != viaRecord.id)
            #expect(try Self.columns(db, "shopOrder", id: viaCache.id) == Self.columns(db, "shopOrder", id: viaRecord.id))
            #expect(try Self.columns(db, "shopOrder", id: viaCache.id)["billingName"] == "Jane Billing".databaseValue)

            // The unique basket column too, on an order of its own.
            var withBasket = Order(userId: user.id!, basketId: basketID, billing: billing, shipping: shipping, now: now)
            try withBasket.insertCached(db)
            #expect(try Order.fetchOne(db, key: withBasket.id)?.basketId == basketID)

            var line = OrderLine(orderId: viaRecord.id!, productId: book.id!, status: .sent, unitPrice: 1234)
            try line.insert(db)
            var cachedLine = line
            cachedLine.id = nil
            try cachedLine.insertCached(db)
            #expect(try Self.columns(db, "orderLine", id: cachedLine.id) == Self.columns(db, "orderLine", id: line.id))

            var entry = OrderHistoryEntry(orderId: viaRecord.id!, orderLineId: line.id, userId: user.id, fromStatus: 10, toStatus: 20, changedAt: now)
            try entry.insert(db)
            var cachedEntry = entry
            cachedEntry.id = nil
            try cachedEntry.insertCached(db)
            #expect(try Self.columns(db, "orderHistory", id: cachedEntry.id) == Self.columns(db, "orderHistory", id: entry.id))

            var email = OutboxEmail(to: "user1@domain.com", from: "shop@booktime.local", subject: "Your order", body: "Lines\nTotal", now: now)
            email.attempts = 2
            email.lastError = "421 try later"
            email.sentAt = now.addingTimeInterval(90.5)
            try email.insert(db)
            var cachedEmail = email
            cachedEmail.id = nil
            try cachedEmail.insertCached(db)
            #expect(try Self.columns(db, "emailOutbox", id: cachedEmail.id) == Self.columns(db, "emailOutbox", id: email.id))
        }
    }
}
