import Foundation
import GRDB

/// One message in an order's customer-service room, as stored and as replayed to a joining client.
struct ChatMessage: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    var id: Int64?
    var orderId: Int64
    var userId: Int64?
    /// The name shown with the message (the author's full name, or their email without one).
    var username: String
    var fromStaff: Bool
    var message: String
    var sentAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let orderId = Column(CodingKeys.orderId)
    }

    /// The most a message may hold, in characters.
    static let maxLength = 2_000
}
