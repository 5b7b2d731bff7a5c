import Foundation
import GRDB

/// The book's `Basket.OPEN` / `Basket.SUBMITTED`.
public enum BasketStatus: Int, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case open = 10
    case submitted = 20

    public var label: String {
        switch self {
        case .open: "Open"
        case .submitted: "Submitted"
        }
    }
}

/// A basket: a visitor's (no user yet) or a signed-in user's.
public struct Basket: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var userId: Int64?
    public var status: BasketStatus
    public var createdAt: Date

    public init(id: Int64? = nil, userId: Int64?, status: BasketStatus = .open, createdAt: Date = .now) {
        self.id = id
        self.userId = userId
        self.status = status
        self.createdAt = createdAt
    }
}

extension Basket: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        static let userId = Column(CodingKeys.userId)
        static let status = Column(CodingKeys.status)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// One product in a basket, 1 to 10 copies.
public struct BasketLine: Codable, Sendable, Equatable, Identifiable {
    public static let maxQuantity = 10

    public var id: Int64?
    public var basketId: Int64
    public var productId: Int64
    public var quantity: Int

    public init(id: Int64? = nil, basketId: Int64, productId: Int64, quantity: Int) {
        self.id = id
        self.basketId = basketId
        self.productId = productId
        self.quantity = quantity
    }
}

extension BasketLine: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        static let basketId = Column(CodingKeys.basketId)
        static let productId = Column(CodingKeys.productId)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// A basket line as the basket page shows it.
public struct BasketItem: Sendable, Equatable, FetchableRecord, Decodable {
    public var lineId: Int64
    public var productId: Int64
    public var quantity: Int
    public var name: String
    public var slug: String
    public var price: Int
    public var available: Bool
    public var thumbnailHash: String?

    public var lineTotal: Int { price * quantity }
}
