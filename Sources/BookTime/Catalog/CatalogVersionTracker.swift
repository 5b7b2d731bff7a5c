import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// The catalogue version the page cache is keyed by, held in memory so a request reads an atomic
/// instead of the database. Writes through this process's pool update it at commit (GRDB's
/// `DatabaseRegionObservation`); writes by other processes (an import run while serving) are
/// picked up by polling every `pollInterval`.
public final class CatalogVersionTracker: Service, Sendable {
    let db: AppDatabase
    let pollInterval: Duration
    let logger: Logger
    private let version = Atomic<Int64>(0)
    private let observation = Mutex<AnyDatabaseCancellable?>(nil)

    public init(db: AppDatabase, pollInterval: Duration = .milliseconds(250), logger: Logger = Logger(label: "booktime.catalog")) throws {
        self.db = db
        self.pollInterval = pollInterval
        self.logger = logger
        version.store(try Self.read(db), ordering: .relaxed)
        let cancellable = DatabaseRegionObservation(tracking: Table("catalogVersion")).start(
            in: db.dbWriter,
            onError: { [logger] error in logger.error("Catalogue observation failed: \(error)") },
            onChange: { [weak self] database in
                if let value = try? CatalogStore.catalogVersion(database) {
                    self?.version.store(value, ordering: .relaxed)
                }
            }
        )
        observation.withLock { $0 = cancellable }
    }

    /// The latest known version.
    public var current: Int64 { version.load(ordering: .relaxed) }

    /// Reads the version from the file now (tests, and the poller).
    public func refresh() throws {
        version.store(try Self.read(db), ordering: .relaxed)
    }

    private static func read(_ db: AppDatabase) throws -> Int64 {
        try db.reader.read { db in try CatalogStore.catalogVersion(db) }
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.pollInterval) }
            do {
                let value = try await db.catalog.catalogVersion()
                version.store(value, ordering: .relaxed)
            } catch {
                logger.error("Reading the catalogue version failed: \(error)")
            }
        }
        observation.withLock { $0?.cancel() }
    }
}
