import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct MigrationTests {
    @Test func freshDatabaseGetsEveryMigrationThenNothing() throws {
        let directory = try TemporaryDirectory()
        let db = try AppDatabase.open(path: directory.file("fresh.db"))
        let first = try db.migrate()
        #expect(first == Migrations.migrator.migrations)
        #expect(try db.migrate().isEmpty)
        let status = try db.migrationStatus()
        #expect(status.pending.isEmpty)
        #expect(status.applied == Migrations.migrator.migrations)
    }

    @Test func pragmasAreSet() throws {
        let test = try TestDatabase()
        let (journal, foreignKeys, busyTimeout) = try test.db.reader.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
                try Int.fetchOne(db, sql: "PRAGMA busy_timeout")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == 1)
        // GRDB applies `.timeout(5)` as at least five seconds.
        #expect((busyTimeout ?? 0) >= 5000)
        // 1 = NORMAL, on the writer and on readers alike.
        let synchronous = try test.db.dbWriter.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 1)
    }

    @Test func newerSchemaIsRefusedAndLeftUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("newer.db")
        do {
            let db = try AppDatabase.open(path: path)
            try db.migrate()
            try db.dbWriter.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')")
            }
            try db.close()
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(throws: AppDatabase.OpenError.newerSchema(path: path, unknown: ["9999_from_the_future"])) {
            _ = try AppDatabase.open(path: path)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func nonSQLiteFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.db")
        try "these are my notes, not a database".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AppDatabase.OpenError.notADatabase(path: path)) { _ = try AppDatabase.open(path: path) }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "these are my notes, not a database")
    }

    @Test func missingDirectoryIsAClearError() throws {
        #expect(throws: AppDatabase.OpenError.self) { _ = try AppDatabase.open(path: "/nonexistent-dir/shop.db") }
    }

    @Test func backupIsAConsistentCopy() async throws {
        let test = try TestDatabase()
        try await test.db.outbox.enqueueEmail(OutboxEmail(to: "a@example.com", from: "b@example.com", subject: "s", body: "b"))
        let out = test.directory.file("copy.db")
        try test.db.backup(to: out)
        let copy = try AppDatabase.open(path: out)
        #expect(try copy.integrityProblems().isEmpty)
        #expect(try await copy.outbox.outbox().count == 1)
        #expect(try copy.migrationStatus().pending.isEmpty)
        // Never overwrites.
        #expect(throws: AppDatabase.OpenError.self) { try test.db.backup(to: out) }
    }

    @Test func secretKeyIsStableAcrossOpens() throws {
        let test = try TestDatabase()
        let first = try test.db.secretKey()
        #expect(first.count == 32)
        #expect(try test.db.secretKey() == first)
        let reopened = try AppDatabase.open(path: test.db.path)
        #expect(try reopened.secretKey() == first)
    }
}
