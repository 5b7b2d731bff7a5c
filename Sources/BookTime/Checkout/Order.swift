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
    public var billingName = ""
    public var billingAddress1 = ""
    public var billingAddress2 = ""
    public var billingZipCode = ""
    public var billingCity = ""
    public var billingCountry = ""
    public var shippingName = ""
    public var shippingAddress1 = ""
    public var shippingAddress2 = ""
    public var shippingZipCode = ""
    public var shippingCity = ""
    public var shippingCountry = ""
    public var dateAdded: Date
    public var dateUpdated: Date
    /// Delivery as charged when the order was placed.
    public var deliveryCharge = 0

    public init(userId: Int64, basketId: Int64?, billing: Address, shipping: Address, now: Date = .now) {
        self.userId = userId
        self.basketId = basketId
        self.status = .new
        self.dateAdded = now
        self.dateUpdated = now
        self.billing = billing.postal
        self.shipping = shipping.postal
    }

    /// "BT12", as on invoices.
    public var number: String { Self.number(id: id ?? 0) }

    /// "BT42": how customers and staff name order 42.
    public static func number(id: Int64) -> String { "BT\(id)" }

    /// What an order's books come to: every line but the cancelled ones, at the prices paid.
    static func chargedBooks(_ db: Database, orderID: Int64) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COALESCE(SUM(quantity * unitPrice), 0) FROM orderLine WHERE orderId = ? AND status != ?",
            arguments: [orderID, OrderLineStatus.cancelled]
        ) ?? 0
    }
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

// MARK: - Encoding for writes

// Checkout writes these rows on every order. GRDB's Codable encoding formats dates through
// `DateFormatter` (ICU on Linux), which costs several times the insert itself; these records list
// their columns once (`ListedColumnsRecord`: GRDB's `encode(to:)` and checkout's `insertFast` both
// read the list) and bind dates as `DatabaseDate`. Column names come from the records'
// `CodingKeys`, which also decode them.

extension Order: ListedColumnsRecord {
    public static let writtenColumns: [WrittenColumn<Order>] = [
        WrittenColumn(CodingKeys.id.stringValue) { $0.id },
        WrittenColumn(CodingKeys.userId.stringValue) { $0.userId },
        WrittenColumn(CodingKeys.basketId.stringValue) { $0.basketId },
        WrittenColumn(CodingKeys.status.stringValue) { $0.status },
        WrittenColumn(CodingKeys.billingName.stringValue) { $0.billingName },
        WrittenColumn(CodingKeys.billingAddress1.stringValue) { $0.billingAddress1 },
        WrittenColumn(CodingKeys.billingAddress2.stringValue) { $0.billingAddress2 },
        WrittenColumn(CodingKeys.billingZipCode.stringValue) { $0.billingZipCode },
        WrittenColumn(CodingKeys.billingCity.stringValue) { $0.billingCity },
        WrittenColumn(CodingKeys.billingCountry.stringValue) { $0.billingCountry },
        WrittenColumn(CodingKeys.shippingName.stringValue) { $0.shippingName },
        WrittenColumn(CodingKeys.shippingAddress1.stringValue) { $0.shippingAddress1 },
        WrittenColumn(CodingKeys.shippingAddress2.stringValue) { $0.shippingAddress2 },
        WrittenColumn(CodingKeys.shippingZipCode.stringValue) { $0.shippingZipCode },
        WrittenColumn(CodingKeys.shippingCity.stringValue) { $0.shippingCity },
        WrittenColumn(CodingKeys.shippingCountry.stringValue) { $0.shippingCountry },
        WrittenColumn(CodingKeys.dateAdded.stringValue) { DatabaseDate($0.dateAdded) },
        WrittenColumn(CodingKeys.dateUpdated.stringValue) { DatabaseDate($0.dateUpdated) },
        WrittenColumn(CodingKeys.deliveryCharge.stringValue) { $0.deliveryCharge },
    ]
}

extension OrderLine: ListedColumnsRecord {
    public static let writtenColumns: [WrittenColumn<OrderLine>] = [
        WrittenColumn(CodingKeys.id.stringValue) { $0.id },
        WrittenColumn(CodingKeys.orderId.stringValue) { $0.orderId },
        WrittenColumn(CodingKeys.productId.stringValue) { $0.productId },
        WrittenColumn(CodingKeys.status.stringValue) { $0.status },
        WrittenColumn(CodingKeys.quantity.stringValue) { $0.quantity },
        WrittenColumn(CodingKeys.unitPrice.stringValue) { $0.unitPrice },
    ]
}

extension OrderHistoryEntry: ListedColumnsRecord {
    public static let writtenColumns: [WrittenColumn<OrderHistoryEntry>] = [
        WrittenColumn(CodingKeys.id.stringValue) { $0.id },
        WrittenColumn(CodingKeys.orderId.stringValue) { $0.orderId },
        WrittenColumn(CodingKeys.orderLineId.stringValue) { $0.orderLineId },
        WrittenColumn(CodingKeys.userId.stringValue) { $0.userId },
        WrittenColumn(CodingKeys.fromStatus.stringValue) { $0.fromStatus },
        WrittenColumn(CodingKeys.toStatus.stringValue) { $0.toStatus },
        WrittenColumn(CodingKeys.changedAt.stringValue) { DatabaseDate($0.changedAt) },
    ]
}
