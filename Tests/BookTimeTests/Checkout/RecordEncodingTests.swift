import Foundation
import GRDB
import Testing

@testable import BookTime

/// The records checkout writes list their columns once (`ListedColumnsRecord`, for speed): the
/// list must cover every column of the table, dates as GRDB writes them; GRDB's `insert` and
/// `insertFast` must write the same row, and it must read back as it was.
@Suite struct RecordEncodingTests {
    /// What `record` writes, checked against the table's columns and against GRDB's insert.
    static func check<Record: ListedColumnsRecord & FetchableRecord & Equatable>(
        _ db: Database, _ record: inout Record, dates: [String: Date]
    ) throws {
        let written = Set(try record.databaseDictionary.keys)
        let columns = Set(try db.columns(in: Record.databaseTableName).map(\.name))
        #expect(written == columns, "\(Record.databaseTableName) writes every column and no other")
        var viaGRDB = record
        try viaGRDB.insert(db)
        let grdbRow = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(Record.databaseTableName) WHERE id = ?", arguments: [viaGRDB.id]))
        try db.execute(sql: "DELETE FROM \(Record.databaseTableName) WHERE id = ?", arguments: [viaGRDB.id])
        try record.insertFast(db)
        #expect(record.id != nil)
        let fastRow = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(Record.databaseTableName) WHERE id = ?", arguments: [record.id]))
        #expect(Dictionary(uniqueKeysWithValues: fastRow.filter { $0.0 != "id" }.map { ($0.0, $0.1) })
            == Dictionary(uniqueKeysWithValues: grdbRow.filter { $0.0 != "id" }.map { ($0.0, $0.1) }), "insertFast writes what insert writes")
        let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM \(Record.databaseTableName) WHERE rowid = ?", arguments: [db.lastInsertedRowID]))
        for (column, date) in dates {
            #expect(row[column] as String? == String.fromDatabaseValue(date.databaseValue), "\(column) as GRDB writes a Date")
        }
        #expect(try Record.fetchOne(db, sql: "SELECT * FROM \(Record.databaseTableName) WHERE rowid = ?", arguments: [db.lastInsertedRowID]) == record)
    }

    @Test func checkoutRecordsWriteEveryColumnAndReadBack() async throws {
        let test = try TestDatabase()
        let user = try await ShopFixtures.customer(test.db, "user1@domain.com")
        let book = try await ShopFixtures.product(test.db, "Siddhartha", price: 1000)
        let billing = try await ShopFixtures.address(test.db, userID: user.id!, name: "Jane Billing", address1: "1 Bill street")
        let shipping = try await ShopFixtures.address(test.db, userID: user.id!, name: "John Shipping", address1: "2 Ship lane")
        let basketID = try await test.db.baskets.addToBasket(basketID: nil, userID: user.id, productID: book.id!, quantity: 1).basketID
        let now = Date(timeIntervalSince1970: 1_790_000_000.125)

        try await test.db.dbWriter.write { db in
            var order = Order(userId: user.id!, basketId: basketID, billing: billing, shipping: shipping, now: now)
            order.status = .paid
            order.dateUpdated = now.addingTimeInterval(61.5)
            try Self.check(db, &order, dates: ["dateAdded": now, "dateUpdated": order.dateUpdated])
            #expect(order.id != nil)

            var line = OrderLine(orderId: order.id!, productId: book.id!, status: .sent, quantity: 3, unitPrice: 1234)
            try Self.check(db, &line, dates: [:])

            var entry = OrderHistoryEntry(orderId: order.id!, orderLineId: line.id, userId: user.id, fromStatus: 10, toStatus: 20, changedAt: now)
            try Self.check(db, &entry, dates: ["changedAt": now])

            var email = OutboxEmail(to: "user1@domain.com", from: "shop@booktime.local", subject: "Your order", body: "Lines\nTotal", htmlBody: "<p>Lines</p>", replyTo: "a@b.c", now: now)
            email.attempts = 2
            email.lastError = "421 try later"
            email.sentAt = now.addingTimeInterval(90.5)
            try Self.check(db, &email, dates: ["createdAt": now, "nextAttemptAt": now, "sentAt": email.sentAt!])
        }
    }
}
