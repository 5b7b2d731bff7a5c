import Foundation
import GRDB
import Testing

@testable import BookTime

/// `0015_order_line_quantity`: the book's one row per copy becomes one row per title.
@Suite struct OrderLineQuantityMigrationTests {
    @Test func rowsOfTheSameTitlePriceAndStatusAreMergedWithTheirHistory() throws {
        let directory = try TemporaryDirectory()
        let db = try AppDatabase.open(path: directory.file("old.db"))
        // The schema as it was before the step.
        try Migrations.migrator.migrate(db.dbWriter, upTo: "0014_email_reply_to_and_html")
        try db.dbWriter.write { db in
            try db.execute(sql: "INSERT INTO user (email, passwordHash, dateJoined) VALUES ('a@b.co', 'x', '2026-01-01 00:00:00.000')")
            for name in ["Emma", "Persuasion"] {
                try db.execute(
                    sql: "INSERT INTO product (name, slug, description, price, dateUpdated) VALUES (?, ?, '', 500, '2026-01-01 00:00:00.000')",
                    arguments: [name, name.lowercased()]
                )
            }
            try db.execute(
                sql: """
                    INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingZipCode, billingCity, billingCountry,
                        shippingName, shippingAddress1, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)
                    VALUES (1, 20, 'A', 'x', 'x', 'x', 'uk', 'A', 'x', 'x', 'x', 'uk', '2026-01-01 00:00:00.000', '2026-01-01 00:00:00.000')
                    """
            )
            // Emma: three copies at 500 (two sent, one still new), one at 450; Persuasion: one.
            for (product, price, status) in [(1, 500, 30), (1, 500, 30), (1, 500, 10), (1, 450, 30), (2, 500, 10)] {
                try db.execute(sql: "INSERT INTO orderLine (orderId, productId, status, unitPrice) VALUES (1, ?, ?, ?)", arguments: [product, status, price])
                let line = db.lastInsertedRowID
                if status == 30 {
                    try db.execute(
                        sql: "INSERT INTO orderHistory (orderId, orderLineId, userId, fromStatus, toStatus, changedAt) VALUES (1, ?, 1, 10, 30, '2026-01-02 00:00:00.000')",
                        arguments: [line]
                    )
                }
            }
        }
        #expect(try db.migrate().first == "0015_order_line_quantity")
        // Read through the same pool, as `serve` does right after migrating.
        let migrated = db
        let lines = try migrated.reader.read { try OrderLine.order(Column("id")).fetchAll($0) }
        let described: [String] = lines.map { line in "\(line.productId) \(line.unitPrice) \(line.status.rawValue) ×\(line.quantity)" }
        #expect(described == ["1 500 30 ×2", "1 500 10 ×1", "1 450 30 ×1", "2 500 10 ×1"])
        let total: Int = lines.reduce(0) { $0 + $1.lineTotal }
        #expect(total == 2450, "the total is unchanged: 2 × 500 + 500 + 450 + 500")
        let history = try migrated.reader.read { try OrderHistoryEntry.order(Column("id")).fetchAll($0) }
        #expect(history.map(\.orderLineId) == [lines[0].id, lines[2].id], "one entry per merged line, none lost to a deleted row")
        #expect(try migrated.integrityProblems().isEmpty)
    }
}
