import Foundation
import GRDB

/// The shop's one SQLite file: a WAL-mode `DatabasePool` (one writer, a pool of readers).
///
/// Every read and write of the shop goes through this type, so that pragmas, migrations and
/// the transactions that keep rows consistent live in one place.
public struct AppDatabase: Sendable {
    /// The underlying pool. Domain extensions use `reader` and `writer` below.
    public let dbWriter: any DatabaseWriter
    /// Where the file lives, for messages and backups.
    public let path: String

    public var reader: any DatabaseReader { dbWriter }

    /// Errors worth a clear message and exit code 2 on the command line.
    public enum OpenError: Error, CustomStringConvertible, Equatable {
        case notADatabase(path: String)
        case unreadable(path: String, reason: String)
        case newerSchema(path: String, unknown: [String])

        public var description: String {
            switch self {
            case .notADatabase(let path):
                return "\(path) is not a BookTime database (it is not an SQLite file)."
            case .unreadable(let path, let reason):
                return "Cannot open \(path): \(reason)"
            case .newerSchema(let path, let unknown):
                return """
                    \(path) was written by a newer version of BookTime (unknown migrations: \
                    \(unknown.joined(separator: ", "))). It was left untouched; run a newer binary.
                    """
            }
        }
    }

    /// Opens (creating if needed) the database at `path` without migrating it.
    ///
    /// An existing file is checked first through a read-only connection, so a file that is not
    /// SQLite, or whose schema is newer than this binary, is refused before anything writes to it.
    public static func open(path: String) throws -> AppDatabase {
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: path) {
            try inspectExistingFile(at: path)
        } else {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty, !fileManager.fileExists(atPath: directory) {
                throw OpenError.unreadable(path: path, reason: "the directory \(directory) does not exist.")
            }
        }
        do {
            let pool = try DatabasePool(path: path, configuration: makeConfiguration())
            return AppDatabase(dbWriter: pool, path: path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw OpenError.notADatabase(path: path)
        } catch let error as DatabaseError {
            throw OpenError.unreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Connection settings shared by the pool and by backups.
    static func makeConfiguration(readonly: Bool = false) -> Configuration {
        var config = Configuration()
        config.readonly = readonly
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.label = "booktime"
        if !readonly {
            config.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
        }
        return config
    }

    /// Refuses a file that is not SQLite, or was migrated by a newer binary, without writing to it.
    static func inspectExistingFile(at path: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw OpenError.unreadable(path: path, reason: "permission denied.")
        }
        if let handle = FileHandle(forReadingAtPath: path) {
            let header = handle.readData(ofLength: 16)
            try? handle.close()
            // An empty file is a valid, empty SQLite database.
            if !header.isEmpty, header != Data("SQLite format 3\u{0}".utf8) {
                throw OpenError.notADatabase(path: path)
            }
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: makeConfiguration(readonly: true))
            let unknown = try queue.read { db in try Migrations.unknownMigrations(db) }
            try queue.close()
            if !unknown.isEmpty {
                throw OpenError.newerSchema(path: path, unknown: unknown)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw OpenError.notADatabase(path: path)
        } catch let error as DatabaseError {
            throw OpenError.unreadable(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    /// Applies pending migrations and returns the identifiers of those that ran, in order.
    @discardableResult
    public func migrate() throws -> [String] {
        let migrator = Migrations.migrator
        let before = try dbWriter.read { db in
            let unknown = try Migrations.unknownMigrations(db)
            if !unknown.isEmpty { throw OpenError.newerSchema(path: path, unknown: unknown) }
            return try migrator.appliedIdentifiers(db)
        }
        try migrator.migrate(dbWriter)
        let applied = migrator.migrations.filter { !before.contains($0) }
        // The reader that looked at the migrations knew the old schema: later reads get fresh ones.
        if !applied.isEmpty, let pool = dbWriter as? DatabasePool { pool.invalidateReadOnlyConnections() }
        return applied
    }

    /// Names of applied and pending migrations, for `booktime check`.
    public func migrationStatus() throws -> (applied: [String], pending: [String]) {
        let migrator = Migrations.migrator
        return try reader.read { db in
            let applied = try migrator.appliedIdentifiers(db)
            return (
                migrator.migrations.filter { applied.contains($0) },
                migrator.migrations.filter { !applied.contains($0) }
            )
        }
    }

    /// `PRAGMA integrity_check` and `foreign_key_check`: an empty array means the file is sound.
    public func integrityProblems() throws -> [String] {
        try reader.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let fkRows = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            problems += fkRows.map { row in
                "foreign key violation in \(row["table"] as String? ?? "?") rowid \(row["rowid"] as Int64? ?? 0)"
            }
            return problems
        }
    }

    /// A consistent copy of the live database at `destination`, safe while the shop is serving.
    ///
    /// Uses SQLite's online backup API from a read transaction, so writers carry on meanwhile.
    public func backup(to destination: String) throws {
        if FileManager.default.fileExists(atPath: destination) {
            throw OpenError.unreadable(path: destination, reason: "the file already exists; choose a new name.")
        }
        let folder = URL(fileURLWithPath: destination).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw OpenError.unreadable(path: destination, reason: "the folder \(folder) does not exist; create it first.")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw OpenError.unreadable(path: destination, reason: "the folder \(folder) is not writable.")
        }
        let target = try DatabaseQueue(path: destination)
        try dbWriter.backup(to: target)
        try target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
        }
        try target.close()
    }

    /// Checkpoints the WAL into the main file and empties it (TRUNCATE), so the `.db` alone holds
    /// everything, then closes the pool. Every command that wrote calls it on its way out, `serve`
    /// after its last request.
    ///
    /// Another process reading the WAL stops a TRUNCATE from finishing: Litestream keeps a read
    /// transaction open so that it copies every page before it is checkpointed, and checkpoints
    /// itself (its docs ask applications to leave that to it). Then, after a second's wait, the
    /// WAL is left for it and this returns false instead of failing the shutdown.
    @discardableResult
    public func close() throws -> Bool {
        guard let pool = dbWriter as? DatabasePool else { return true }
        var checkpointed = true
        do {
            try checkpoint(busyTimeoutMilliseconds: 1000)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            checkpointed = false
        }
        try pool.close()
        return checkpointed
    }

    /// Writes every page of the WAL back into the file and truncates the WAL to nothing. Waits for
    /// readers to finish (the busy timeout, or `busyTimeoutMilliseconds`), so call it when the
    /// work is done.
    public func checkpoint(busyTimeoutMilliseconds: Int? = nil) throws {
        try dbWriter.writeWithoutTransaction { db in
            if let busyTimeoutMilliseconds { try db.execute(sql: "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)") }
            _ = try db.checkpoint(.truncate)
        }
    }
}
