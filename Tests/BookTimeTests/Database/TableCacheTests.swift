import Foundation
import GRDB
import Synchronization
import Testing

@testable import BookTime

@Suite struct TableCacheTests {
    /// A cache over `persist` whose loads are counted.
    final class Counted: Sendable {
        let cache: TableCache<String, String?>
        let loads = Mutex(0)

        /// Values live far longer than a test takes by default: a loaded machine can pause a test
        /// for more than the shop's two seconds, and these tests are about commits, not age.
        init(db: AppDatabase, maxAge: Duration = .seconds(600)) { cache = TableCache(db: db, tables: ["persist"], maxAge: maxAge) }

        func value(_ key: String) async throws -> String? {
            try await cache.value(for: key) { [self] db in
                loads.withLock { $0 += 1 }
                return try Data.fetchOne(db, sql: "SELECT value FROM persist WHERE key = ?", arguments: [key])
                    .map { String(decoding: $0, as: UTF8.self) }
            }
        }

        var loadCount: Int { loads.withLock { $0 } }
    }

    static func put(_ db: Database, _ key: String, _ value: String) throws {
        try db.execute(
            sql: "INSERT INTO persist (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            arguments: [key, Data(value.utf8)]
        )
    }

    @Test func aCommitEmptiesTheCache() async throws {
        let test = try TestDatabase()
        let counted = Counted(db: test.db)
        try await test.db.dbWriter.write { try Self.put($0, "k", "one") }
        #expect(try await counted.value("k") == "one")
        #expect(try await counted.value("k") == "one")
        #expect(counted.loadCount == 1)
        try await test.db.dbWriter.write { try Self.put($0, "k", "two") }
        #expect(try await counted.value("k") == "two")
        #expect(counted.loadCount == 2)
    }

    @Test func aWriteCanPutBackWhatItWrote() async throws {
        let test = try TestDatabase()
        let counted = Counted(db: test.db)
        try await test.db.dbWriter.write { try Self.put($0, "other", "x") }
        #expect(try await counted.value("other") == "x")
        try await test.db.dbWriter.write { db in
            try Self.put(db, "k", "written")
            counted.cache.store(afterCommitOf: db, key: "k", value: "written")
        }
        #expect(try await counted.value("k") == "written")
        #expect(counted.loadCount == 1, "the written key comes from memory")
        #expect(try await counted.value("other") == "x")
        #expect(counted.loadCount == 2, "every other key was dropped at the commit")
    }

    @Test func aRolledBackWriteKeepsNothing() async throws {
        let test = try TestDatabase()
        let counted = Counted(db: test.db)
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await test.db.dbWriter.write { db in
                try Self.put(db, "k", "never")
                counted.cache.store(afterCommitOf: db, key: "k", value: "never")
                throw Refused()
            }
        }
        #expect(try await counted.value("k") == nil)
        #expect(counted.loadCount == 1)
    }

    /// Values that can no longer change stay across commits; every other value still goes.
    @Test func settledValuesStayWhenTheTablesChange() async throws {
        let test = try TestDatabase()
        let loads = Mutex(0)
        let cache = TableCache<String, String?>(db: test.db, tables: ["persist"], isSettled: { $0?.hasPrefix("final:") == true })
        let value = { (key: String) in
            try await cache.value(for: key) { db in
                loads.withLock { $0 += 1 }
                return try Data.fetchOne(db, sql: "SELECT value FROM persist WHERE key = ?", arguments: [key]).map { String(decoding: $0, as: UTF8.self) }
            }
        }
        try await test.db.dbWriter.write { db in
            try Self.put(db, "done", "final:42")
            try Self.put(db, "open", "draft")
        }
        #expect(try await value("done") == "final:42")
        #expect(try await value("open") == "draft")
        try await test.db.dbWriter.write { try Self.put($0, "other", "x") }
        #expect(try await value("done") == "final:42")
        #expect(loads.withLock { $0 } == 2, "the settled value came from memory")
        #expect(try await value("open") == "draft")
        #expect(loads.withLock { $0 } == 3, "the unsettled one was read again")
    }
}
