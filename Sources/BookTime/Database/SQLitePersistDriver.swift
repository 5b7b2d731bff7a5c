import Foundation
import GRDB
import Hummingbird
import Logging
import ServiceLifecycle

/// Hummingbird's `PersistDriver` over our SQLite file, so sessions survive restarts and live in the
/// same file as everything else. As a `Service` it purges expired rows every few minutes.
public struct SQLitePersistDriver: PersistDriver {
    let db: AppDatabase
    let purgeInterval: Duration
    let logger: Logger
    /// Recently read or written values: most requests carry a session cookie, and most sessions are
    /// read far more often than written. Any write to `persist` through this pool empties it and
    /// puts back the value it wrote, so a visitor's next request finds their session in memory.
    private let cache: TableCache<String, PersistEntry?>

    public init(db: AppDatabase, purgeInterval: Duration = .seconds(300), logger: Logger = Logger(label: "booktime.persist")) {
        self.db = db
        self.purgeInterval = purgeInterval
        self.logger = logger
        self.cache = TableCache(db: db, tables: ["persist"])
    }

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiresAt = expires.map { Date.now.addingTimeInterval($0.timeInterval) }
        try await db.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM persist WHERE key = ? AND expiresAt <= ?", arguments: [key, DatabaseDate(.now)])
            do {
                try db.execute(
                    sql: "INSERT INTO persist (key, value, expiresAt) VALUES (?, ?, ?)",
                    arguments: [key, data, expiresAt.map(DatabaseDate.init)]
                )
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw PersistError.duplicate
            }
            cache.store(afterCommitOf: db, key: key, value: PersistEntry(data: data, expiresAt: expiresAt, object: value))
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiresAt = expires.map { Date.now.addingTimeInterval($0.timeInterval) }
        try await db.dbWriter.write { db in
            // No new expiry: keep the one the value already had (the protocol's contract).
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO persist (key, value, expiresAt) VALUES (?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET value = excluded.value, expiresAt = COALESCE(?, expiresAt)
                    RETURNING expiresAt
                    """
            )
            let stored = expiresAt.map(DatabaseDate.init)
            let storedExpiry = try Date?.fetchOne(upsert, arguments: [key, data, stored, stored])
            cache.store(afterCommitOf: db, key: key, value: PersistEntry(data: data, expiresAt: storedExpiry ?? nil, object: value))
        }
    }

    public func get<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: Object.self)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = Date.now
        let entry = try await cache.value(for: key) { db in
            try Row.fetchOne(db, sql: "SELECT value, expiresAt FROM persist WHERE key = ?", arguments: [key])
                .map { row in
                    let data: Data = row["value"]
                    return PersistEntry(data: data, expiresAt: row["expiresAt"], object: try? JSONDecoder().decode(Object.self, from: data))
                }
        }
        guard let entry, entry.expiresAt.map({ $0 > now }) ?? true else { return nil }
        let ttl = entry.expiresAt.map { Duration.seconds($0.timeIntervalSince(now)) }
        if let object = entry.object as? Object { return (object, ttl) }
        guard let object = try? JSONDecoder().decode(Object.self, from: entry.data) else { return nil }
        return (object, ttl)
    }

    public func remove(key: String) async throws {
        try await db.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM persist WHERE key = ?", arguments: [key])
            cache.store(afterCommitOf: db, key: key, value: nil)
        }
    }

    /// Deletes every expired value; returns how many went.
    @discardableResult
    public func purgeExpired(now: Date = .now) async throws -> Int {
        try await db.dbWriter.write { db in
            try db.execute(sql: "DELETE FROM persist WHERE expiresAt <= ?", arguments: [now])
            return db.changesCount
        }
    }

    public func run() async throws {
        // Purge until the service group shuts down.
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                let purged = try await purgeExpired()
                if purged > 0 { logger.debug("Purged \(purged) expired sessions") }
            } catch {
                logger.error("Purging expired sessions failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: purgeInterval) }
        }
    }
}

/// A stored value and when it expires; `object` is the value itself when this process wrote it,
/// so the session read at the start of every request does not decode its JSON again.
struct PersistEntry: Sendable {
    let data: Data
    let expiresAt: Date?
    var object: (any Sendable)? = nil
}

extension Duration {
    /// Seconds as a `TimeInterval`, for `Date` arithmetic.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
