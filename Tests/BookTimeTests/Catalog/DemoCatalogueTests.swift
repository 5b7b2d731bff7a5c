import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct DemoCatalogueTests {
    @Test func everyDemoRowImports() async throws {
        let test = try TestDatabase()
        let report = try await DemoCatalogue.load(into: test.db)
        #expect(report.skipped == 0)
        #expect(report.created >= 150)
        let (described, authored) = try await test.db.reader.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product WHERE length(description) > 100") ?? 0,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product WHERE author <> ''") ?? 0
            )
        }
        #expect(described == report.created, "every book has a real description")
        #expect(authored == report.created, "every book names its author")
        #expect(try await test.db.catalog.tagSummaries().count >= 10)
    }

    /// The committed `booktime.db.example` opens, migrates and lists products (checked on a copy).
    @Test func committedExampleOpensMigratesAndLists() async throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("booktime.db.example")
        let directory = try TemporaryDirectory()
        let copy = directory.file("example.db")
        try FileManager.default.copyItem(atPath: example.path, toPath: copy)
        let db = try AppDatabase.open(path: copy)
        try db.migrate()
        #expect(try db.integrityProblems().isEmpty)
        let page = try await db.catalog.productPage(tagID: nil, page: 1, pageSize: 12)
        #expect(page.totalCount >= 150)
        #expect(page.products.count == 12)
        let secret = try await db.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM setting WHERE key = 'secret_key'") }
        #expect(secret == 0, "the shared example must not carry a signing secret")
    }

    @Test func demoCommandBuildsAFileAndNeverOverwrites() throws {
        let directory = try TemporaryDirectory()
        let result = try BookTimeBinary.run(["demo", directory.file("demo.db")])
        #expect(result.status == 0)
        #expect(result.stdout.contains("products"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("demo.db-wal")))
        let again = try BookTimeBinary.run(["demo", directory.file("demo.db")])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already exists"))
    }
}
