import Foundation
import GRDB

/// The API's read results kept in memory until a commit touches their tables (`TableCache`), as
/// the shop's pages are: a dispatcher's client polling the line list, or a phone refreshing its
/// orders, reads the database once per change instead of once per request.
final class APIReads: Sendable {
    struct LinePage: Hashable, Sendable {
        let order: Int64?
        let status: OrderLineStatus?
        let page: Int
    }

    struct MyOrders: Sendable {
        let summaries: [OrderSummary]
        let thumbnails: [Int64: String]
    }

    let orderTables = ["shopOrder", "orderLine", "product"]
    let linePages: TableCache<LinePage, OrderStore.DispatchLinePage>
    let orderPages: TableCache<Int, OrderStore.DispatchOrderPage>
    let myOrders: TableCache<Int64, MyOrders>

    init(db: AppDatabase) {
        linePages = TableCache(db: db, tables: orderTables, capacity: 1_000)
        orderPages = TableCache(db: db, tables: orderTables, capacity: 1_000)
        myOrders = TableCache(db: db, tables: orderTables + ["productImage"], capacity: 10_000)
    }
}
