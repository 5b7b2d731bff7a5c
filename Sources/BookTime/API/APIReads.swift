import Foundation
import GRDB

/// The API's read results kept in memory until a commit touches their tables (`TableCache`), as
/// the shop's pages are: a phone refreshing its orders reads the database once per change instead
/// of once per request. (The dispatch lists are kept whole, as answers, by `APIResponseCache`.)
final class APIReads: Sendable {
    struct MyOrders: Sendable {
        let summaries: [OrderSummary]
        let thumbnails: [Int64: String]
    }

    /// What an order as the API shows it is read from.
    static let orderTables = ["shopOrder", "orderLine", "product"]
    let myOrders: TableCache<Int64, MyOrders>

    init(db: AppDatabase) {
        myOrders = TableCache(db: db, tables: Self.orderTables + ["productImage"], capacity: 10_000)
    }
}
