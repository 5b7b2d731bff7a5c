import Foundation
import GRDB

/// The book's `Order.NEW` / `PAID` / `DONE`.
public enum OrderStatus: Int, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case new = 10
    case paid = 20
    case done = 30

    public var label: String {
        switch self {
        case .new: "New"
        case .paid: "Paid"
        case .done: "Done"
        }
    }
}

/// The book's `OrderLine.NEW` / `PROCESSING` / `SENT` / `CANCELLED`.
public enum OrderLineStatus: Int, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case new = 10
    case processing = 20
    case sent = 30
    case cancelled = 40

    public var label: String {
        switch self {
        case .new: "New"
        case .processing: "Processing"
        case .sent: "Sent"
        case .cancelled: "Cancelled"
        }
    }

    /// Sent and cancelled lines are finished; an order whose lines are all finished is done.
    public var isFinal: Bool { self == .sent || self == .cancelled }
}

/// An order with its billing and shipping addresses copied in (a snapshot, as in the book).
public struct Order: Codable, Sendable, Equatable, Identifiable {
    public static let databaseTableName = "shopOrder"

    public var id: Int64?
    public var userId: Int64
    public var basketId: Int64?
    public var status: OrderStatus
    public var billingName: String
    public var billingAddress1: String
    public var billingAddress2: String
    public var billingZipCode: String
    public var billingCity: String
    public var billingCountry: String
    public var shippingName: String
    public var shippingAddress1: String
    public var shippingAddress2: String
    public var shippingZipCode: String
    public var shippingCity: String
    public var shippingCountry: String
    public var dateAdded: Date
    public var dateUpdated: Date

    public init(userId: Int64, basketId: Int64?, billing: Address, shipping: Address, now: Date = .now) {
        self.userId = userId
        self.basketId = basketId
        self.status = .new
        self.billingName = billing.name
        self.billingAddress1 = billing.address1
        self.billingAddress2 = billing.address2
        self.billingZipCode = billing.zipCode
        self.billingCity = billing.city
        self.billingCountry = billing.country
        self.shippingName = shipping.name
        self.shippingAddress1 = shipping.address1
        self.shippingAddress2 = shipping.address2
        self.shippingZipCode = shipping.zipCode
        self.shippingCity = shipping.city
        self.shippingCountry = shipping.country
        self.dateAdded = now
        self.dateUpdated = now
    }

    /// "BT12", as on invoices.
    public var number: String { "BT\(id ?? 0)" }
}

extension Order: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        static let userId = Column(CodingKeys.userId)
        static let basketId = Column(CodingKeys.basketId)
        static let dateAdded = Column(CodingKeys.dateAdded)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One title in an order: how many copies, the price paid for each, and where it stands.
public struct OrderLine: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var orderId: Int64
    public var productId: Int64
    public var status: OrderLineStatus
    public var quantity: Int
    public var unitPrice: Int

    public init(id: Int64? = nil, orderId: Int64, productId: Int64, status: OrderLineStatus = .new, quantity: Int = 1, unitPrice: Int) {
        self.id = id
        self.orderId = orderId
        self.productId = productId
        self.status = status
        self.quantity = quantity
        self.unitPrice = unitPrice
    }

    public var lineTotal: Int { quantity * unitPrice }
}

extension OrderLine: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        static let orderId = Column(CodingKeys.orderId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One status change of an order or of one of its lines: who, when, from, to.
public struct OrderHistoryEntry: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "orderHistory"

    public var id: Int64?
    public var orderId: Int64
    public var orderLineId: Int64?
    public var userId: Int64?
    public var fromStatus: Int?
    public var toStatus: Int
    public var changedAt: Date

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

// MARK: - Checkout's inserts

// Checkout writes these rows on every order. GRDB's `insert(db)` encodes the record through
// Codable into a new container, builds its statement and formats its dates through ICU each time,
// which costs several times the insert itself; these bind the same columns to one cached
// statement. `OrderInsertTests` checks that both ways write the same row.

extension Order {
    mutating func insertCached(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO shopOrder (userId, basketId, status,
                    billingName, billingAddress1, billingAddress2, billingZipCode, billingCity, billingCountry,
                    shippingName, shippingAddress1, shippingAddress2, shippingZipCode, shippingCity, shippingCountry,
                    dateAdded, dateUpdated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        try statement.execute(arguments: [
            userId, basketId, status,
            billingName, billingAddress1, billingAddress2, billingZipCode, billingCity, billingCountry,
            shippingName, shippingAddress1, shippingAddress2, shippingZipCode, shippingCity, shippingCountry,
            DatabaseDate(dateAdded), DatabaseDate(dateUpdated),
        ])
        id = db.lastInsertedRowID
    }
}

extension OrderLine {
    mutating func insertCached(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO orderLine (orderId, productId, status, quantity, unitPrice) VALUES (?, ?, ?, ?, ?)"
        )
        try statement.execute(arguments: [orderId, productId, status, quantity, unitPrice])
        id = db.lastInsertedRowID
    }
}

extension OrderHistoryEntry {
    mutating func insertCached(_ db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO orderHistory (orderId, orderLineId, userId, fromStatus, toStatus, changedAt) VALUES (?, ?, ?, ?, ?, ?)"
        )
        try statement.execute(arguments: [orderId, orderLineId, userId, fromStatus, toStatus, DatabaseDate(changedAt)])
        id = db.lastInsertedRowID
    }
}
