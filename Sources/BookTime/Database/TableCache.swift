import Foundation
import GRDB
import Synchronization

/// Small read results kept in memory and dropped whenever one of `tables` changes.
///
/// Every request of a signed-in visitor or a visitor with a basket asks the same few point
/// lookups (their user, their basket). An awaited GRDB read costs two thread switches, more than
/// the query; on a busy server those switches dominate. This cache answers repeats from memory.
///
/// Correctness: a commit through this process's pool that touches `tables` empties the cache
/// before the write returns (GRDB's `DatabaseRegionObservation`), and a load that raced with such
/// a commit is not stored. A write may put back the one value it just wrote (`store(afterCommitOf:)`). Writes by other processes (the `booktime` CLI) are seen within `maxAge`.
///
/// Values that `isSettled` says can no longer change (a basket that became an order) stay when
/// the tables change: a session that still names one does not read it again after every write.
final class TableCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var entries: [Key: (value: Value, storedAt: ContinuousClock.Instant)] = [:]
        var settled: [Key: Value] = [:]
        var generation = 0
    }

    private let db: AppDatabase
    private let state = Mutex(State())
    private let observation = Mutex<AnyDatabaseCancellable?>(nil)
    let capacity: Int
    let maxAge: Duration
    private let isSettled: @Sendable (Value) -> Bool

    init(
        db: AppDatabase, tables: [String], capacity: Int = 20_000, maxAge: Duration = .seconds(2),
        isSettled: @escaping @Sendable (Value) -> Bool = { _ in false }
    ) {
        self.db = db
        self.capacity = capacity
        self.maxAge = maxAge
        self.isSettled = isSettled
        let region = tables.map { Table($0) as any DatabaseRegionConvertible }
        let cancellable = DatabaseRegionObservation(tracking: region).start(
            in: db.dbWriter,
            onError: { _ in },
            onChange: { [weak self] _ in self?.removeAll() }
        )
        observation.withLock { $0 = cancellable }
    }

    /// The cached value for `key`, or `load`'s result (read from the pool, then kept).
    func value(for key: Key, load: @escaping @Sendable (Database) throws -> Value) async throws -> Value {
        let now = ContinuousClock.now
        let (cached, generation) = state.withLock { state -> (Value?, Int) in
            if let settled = state.settled[key] { return (settled, state.generation) }
            if let entry = state.entries[key], now - entry.storedAt < maxAge { return (entry.value, state.generation) }
            return (nil, state.generation)
        }
        if let cached { return cached }
        let value = try await db.reader.read(load)
        state.withLock { state in
            // A commit that touched the tables while we read: our value may predate it.
            guard state.generation == generation else { return }
            keep(value, for: key, at: now, in: &state)
        }
        return value
    }

    /// The kept value for `key`, if any, and the generation to hand back to `keep(_:for:ifGeneration:)`
    /// with a value made from a later read (for callers that make values outside `value(for:load:)`).
    func lookup(_ key: Key) -> (value: Value?, generation: Int) {
        let now = ContinuousClock.now
        return state.withLock { state in
            if let settled = state.settled[key] { return (settled, state.generation) }
            if let entry = state.entries[key], now - entry.storedAt < maxAge { return (entry.value, state.generation) }
            return (nil, state.generation)
        }
    }

    /// Keeps `value`, unless a commit touched the tables since `generation` was looked up.
    func keep(_ value: Value, for key: Key, ifGeneration generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            keep(value, for: key, at: .now, in: &state)
        }
    }

    /// Inside a write transaction: once it commits, `key` holds `value` (what this transaction
    /// leaves behind), so the writer's next request reads it from memory instead of the pool.
    /// GRDB calls commit handlers in the order they were added, so this runs after the commit has
    /// emptied the cache; nothing is kept when the transaction rolls back.
    func store(afterCommitOf db: Database, key: Key, value: Value) {
        db.afterNextTransaction { [weak self] _ in
            guard let self else { return }
            state.withLock { state in keep(value, for: key, at: .now, in: &state) }
        }
    }

    private func keep(_ value: Value, for key: Key, at now: ContinuousClock.Instant, in state: inout State) {
        if isSettled(value) {
            if state.settled.count >= capacity { state.settled.removeAll(keepingCapacity: true) }
            state.settled[key] = value
            return
        }
        if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
        state.entries[key] = (value, now)
    }

    /// Drops every value that may change; settled values stay.
    func removeAll() {
        state.withLock { state in
            state.entries.removeAll(keepingCapacity: true)
            state.generation += 1
        }
    }

    var count: Int { state.withLock { $0.entries.count + $0.settled.count } }
}
