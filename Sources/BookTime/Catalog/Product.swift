import Foundation
import GRDB

/// A book on sale (the book's `Product`), price in integer pence.
public struct Product: Codable, Sendable, Equatable, Identifiable {
    public static let nameMaxLength = 200

    public var id: Int64?
    public var name: String
    public var slug: String
    public var author: String
    public var description: String
    public var price: Int
    public var active: Bool
    public var inStock: Bool
    /// Copies left, when the shop counts them; nil means not tracked (`inStock` alone decides).
    public var stockCount: Int?
    public var dateUpdated: Date
    /// `BookDetails`' columns: "" or nil when not given.
    public var isbn: String
    public var format: String
    public var pageCount: Int?

    public init(
        id: Int64? = nil, name: String, slug: String, author: String = "", description: String = "", price: Int,
        active: Bool = true, inStock: Bool = true, stockCount: Int? = nil, dateUpdated: Date = .now, details: BookDetails = BookDetails()
    ) {
        self.isbn = details.isbn
        self.format = details.format
        self.pageCount = details.pageCount
        self.id = id
        self.name = name
        self.slug = slug
        self.author = author
        self.description = description
        self.price = price
        self.active = active
        self.inStock = inStock
        self.stockCount = stockCount
        self.dateUpdated = dateUpdated
    }

    /// Whether it can be put in a basket and ordered: active, in stock, and not sold out.
    public var isAvailable: Bool { active && inStock && (stockCount ?? 1) > 0 }

    /// Why it cannot be bought, as the back office says it, with the form field that fixes each
    /// reason; empty when `isAvailable`.
    var unavailableReasons: [(text: String, field: String)] {
        var reasons: [(String, String)] = []
        if !active { reasons.append(("“Active” is not ticked", "active")) }
        if !inStock { reasons.append(("“In stock” is not ticked", "in_stock")) }
        if let stockCount, stockCount <= 0 { reasons.append(("it has no copies in stock", "stock_count")) }
        return reasons
    }

    /// What customers are told: "In stock", "Only 2 left" (at most `fewLeft` copies) or "Out of stock".
    static func stockText(available: Bool, stockCount: Int?) -> String {
        guard available else { return "Out of stock" }
        if let stockCount, stockCount <= fewLeft { return "Only \(stockCount) left" }
        return "In stock"
    }

    static let fewLeft = 5

    var stockText: String { Self.stockText(available: isAvailable, stockCount: stockCount) }

    /// The same rule in SQL, for queries over `product` aliased `p`.
    static let availableSQL = "(p.active AND p.inStock AND (p.stockCount IS NULL OR p.stockCount > 0))"
}

extension Product: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        public static let id = Column(CodingKeys.id)
        public static let name = Column(CodingKeys.name)
        public static let slug = Column(CodingKeys.slug)
        public static let price = Column(CodingKeys.price)
        public static let active = Column(CodingKeys.active)
        public static let inStock = Column(CodingKeys.inStock)
        public static let stockCount = Column(CodingKeys.stockCount)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension DerivableRequest<Product> {
    /// Django's `Product.objects.active()`.
    public func active() -> Self {
        filter(Product.Columns.active == true)
    }
}

/// A tag such as "Fiction" (the book's `ProductTag`), found by its unique slug.
public struct ProductTag: Codable, Sendable, Equatable, Identifiable {
    public static let nameMaxLength = 40

    public var id: Int64?
    public var name: String
    public var slug: String
    public var description: String
    public var active: Bool

    public init(id: Int64? = nil, name: String, slug: String, description: String = "", active: Bool = true) {
        self.id = id
        self.name = name
        self.slug = slug
        self.description = description
        self.active = active
    }
}

extension ProductTag: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        public static let name = Column(CodingKeys.name)
        public static let slug = Column(CodingKeys.slug)
        public static let active = Column(CodingKeys.active)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// The many-to-many link between products and tags.
public struct ProductTagLink: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public var productId: Int64
    public var productTagId: Int64

    public enum Columns {
        public static let productId = Column(CodingKeys.productId)
        public static let productTagId = Column(CodingKeys.productTagId)
    }
}
