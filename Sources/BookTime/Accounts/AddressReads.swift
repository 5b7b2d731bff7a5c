import GRDB

/// Each user's address book, from memory until the address table changes (see `TableCache`):
/// checkout and `/address/` read it on every visit, and it changes rarely.
final class AddressReads: Sendable {
    private let cache: TableCache<Int64, [Address]>

    init(db: AppDatabase) {
        cache = TableCache(db: db, tables: ["address"])
    }

    func addresses(userID: Int64) async throws -> [Address] {
        try await cache.value(for: userID) { db in try AddressStore.addresses(db, userID: userID) }
    }
}
