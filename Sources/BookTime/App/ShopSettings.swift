import Foundation
import GRDB
import Synchronization

/// Settings an owner changes in the back office (`/admin/settings/`), kept in the `setting`
/// table: the delivery rate and the stock level below which the dashboard calls a book low.
/// Until an owner saves them, the delivery rate comes from `--delivery-charge` /
/// `--free-delivery-from` (or their environment variables), else nothing is charged. Read once
/// at start and kept in memory; saving updates both.
public final class ShopSettings: Sendable {
    public struct Values: Sendable, Equatable {
        public var delivery: DeliveryRate
        public var lowStockThreshold: Int

        public init(delivery: DeliveryRate = DeliveryRate(), lowStockThreshold: Int = ShopSettings.defaultLowStockThreshold) {
            self.delivery = delivery
            self.lowStockThreshold = lowStockThreshold
        }
    }

    public static let defaultLowStockThreshold = 3
    static let chargeKey = "delivery_charge"
    static let freeFromKey = "free_delivery_from"
    static let lowStockKey = "low_stock_threshold"

    let db: AppDatabase
    private let values: Mutex<Values>

    public init(db: AppDatabase, configuredDelivery: DeliveryRate) throws {
        self.db = db
        values = Mutex(try db.reader.read { try Self.read($0, configured: configuredDelivery) })
    }

    public var current: Values { values.withLock { $0 } }
    public var delivery: DeliveryRate { current.delivery }

    static func read(_ db: Database, configured: DeliveryRate) throws -> Values {
        func value(_ key: String) throws -> Int? {
            try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]).flatMap(Int.init)
        }
        var values = Values(delivery: configured, lowStockThreshold: try value(lowStockKey) ?? defaultLowStockThreshold)
        if let charge = try value(chargeKey) { values.delivery = DeliveryRate(charge: charge, freeFrom: try value(freeFromKey)) }
        return values
    }

    /// Whether the delivery rate in force is one an owner saved (not the flags').
    func deliveryIsSaved() async throws -> Bool {
        try await db.reader.read { db in try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [Self.chargeKey]) != nil }
    }

    func save(_ new: Values) async throws {
        try await db.dbWriter.write { db in
            func set(_ key: String, _ value: Int?) throws {
                if let value {
                    try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, String(value)])
                } else {
                    try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [key])
                }
            }
            try set(Self.chargeKey, new.delivery.charge)
            try set(Self.freeFromKey, new.delivery.freeFrom)
            try set(Self.lowStockKey, new.lowStockThreshold)
        }
        values.withLock { $0 = new }
    }
}
