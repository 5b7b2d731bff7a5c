import GRDB
import Synchronization

/// A counter bumped by every commit through this process that touches orders or their lines
/// (staff in the back office, the dispatch API, the workflow): what live order pages watch.
final class OrderChanges: Sendable {
    private let counter = Mutex(0)
    private let observation = Mutex<AnyDatabaseCancellable?>(nil)

    init(db: AppDatabase) {
        let cancellable = DatabaseRegionObservation(tracking: Table("shopOrder"), Table("orderLine"), Table("orderHistory")).start(
            in: db.dbWriter, onError: { _ in }, onChange: { [weak self] _ in self?.counter.withLock { $0 += 1 } }
        )
        observation.withLock { $0 = cancellable }
    }

    var version: Int { counter.withLock { $0 } }
}
