import Foundation
import GRDB

/// What a new or changed product says, before it has an id or a slug.
public struct ProductInput: Sendable, Equatable {
    public var name: String
    public var author: String
    public var description: String
    public var price: Int
    public var tags: [String]
    public var active: Bool
    public var inStock: Bool
    /// On import, an empty detail leaves the product's own alone.
    public var details: BookDetails

    public init(
        name: String, author: String = "", description: String = "", price: Int, tags: [String] = [], active: Bool = true, inStock: Bool = true,
        details: BookDetails = BookDetails()
    ) {
        self.details = details
        self.name = name
        self.author = author
        self.description = description
        self.price = price
        self.tags = tags
        self.active = active
        self.inStock = inStock
    }
}

extension CatalogStore {
    /// Creates a product with a unique slug made from its name, and its tags.
    @discardableResult
    public func createProduct(_ input: ProductInput) async throws -> Product {
        try await db.dbWriter.write { db in try Self.insertProduct(input, db) }
    }

    static func insertProduct(_ input: ProductInput, _ db: Database) throws -> Product {
        let slug = try Slug.unique(Slug.make(input.name)) { try Product.filter(Product.Columns.slug == $0).fetchCount(db) > 0 }
        var product = Product(
            name: input.name, slug: slug, author: input.author, description: input.description, price: input.price,
            active: input.active, inStock: input.inStock, details: input.details
        )
        try product.insert(db)
        try setTags(input.tags, of: product.id!, db)
        return product
    }

    /// Replaces a product's tags with these names, creating missing tags (with slugs).
    static func setTags(_ names: [String], of productID: Int64, _ db: Database) throws {
        let tagIDs = try names.map { try ensureTag(named: $0, db).id! }
        let wanted = Set(tagIDs)
        let existing = Set(try Int64.fetchAll(db, sql: "SELECT productTagId FROM productTagLink WHERE productId = ?", arguments: [productID]))
        for tagID in existing.subtracting(wanted) {
            try db.execute(sql: "DELETE FROM productTagLink WHERE productId = ? AND productTagId = ?", arguments: [productID, tagID])
        }
        for tagID in wanted.subtracting(existing) {
            try ProductTagLink(productId: productID, productTagId: tagID).insert(db)
        }
    }

    /// The tag with this name (any case), or a new one with a unique slug.
    static func ensureTag(named name: String, _ db: Database) throws -> ProductTag {
        if let tag = try ProductTag.filter(sql: "name = ? COLLATE NOCASE", arguments: [name]).fetchOne(db) { return tag }
        // "all" is taken by /products/all/.
        let slug = try Slug.unique(Slug.make(name)) { try $0 == "all" || ProductTag.filter(ProductTag.Columns.slug == $0).fetchCount(db) > 0 }
        var tag = ProductTag(name: name, slug: slug)
        try tag.insert(db)
        return tag
    }
}
