import Foundation
import GRDB

/// One picture of a product: the original and its 300×300 thumbnail, both in `imageBlob`.
public struct ProductImage: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var productId: Int64
    public var imageHash: String
    public var thumbnailHash: String
    public var position: Int
    public var createdAt: Date

    public init(id: Int64? = nil, productId: Int64, imageHash: String, thumbnailHash: String, position: Int = 0, createdAt: Date = .now) {
        self.id = id
        self.productId = productId
        self.imageHash = imageHash
        self.thumbnailHash = thumbnailHash
        self.position = position
        self.createdAt = createdAt
    }
}

extension ProductImage: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        public static let productId = Column(CodingKeys.productId)
        public static let position = Column(CodingKeys.position)
        public static let id = Column(CodingKeys.id)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Image bytes stored once per content hash; served at `/images/<hash>`.
public struct ImageBlob: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public var hash: String
    public var contentType: String
    public var width: Int
    public var height: Int
    public var size: Int
    public var data: Data
}
