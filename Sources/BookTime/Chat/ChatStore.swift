import Foundation
import GRDB

/// Who may be in an order's room, and as what: the book's `get_user_type` (employees first).
struct ChatMember: Sendable, Equatable {
    let userID: Int64
    let email: String
    /// The name others in the room see: the user's full name (the book's `get_full_name()`);
    /// without one, a customer's email (only they and staff see the room) and, for staff,
    /// "BookTime customer service" (a customer is not shown an employee's address).
    let username: String
    let isStaff: Bool
}

extension ChatMember {
    static let staffWithoutName = "BookTime customer service"
}

/// The chat's reads and writes (`db.chat`).
struct ChatStore: Sendable {
    let db: AppDatabase

    /// The member `user` is in order `orderID`'s room: staff (employees and owners) in every
    /// room, a customer only in their own orders' rooms; nil for anyone else or a missing order.
    func member(orderID: Int64, user: CurrentUser) async throws -> ChatMember? {
        try await db.reader.read { db in
            guard let customerID = try SQLRequest<Int64>("SELECT userId FROM shopOrder WHERE id = \(orderID)").fetchOne(db) else { return nil }
            let isStaff = user.has(.employee)
            guard isStaff || customerID == user.id else { return nil }
            let name = try SQLRequest<Row>("SELECT firstName, lastName FROM user WHERE id = \(user.id)").fetchOne(db)
            let fullName = [name?["firstName"] as String? ?? "", name?["lastName"] as String? ?? ""]
                .filter { !$0.isEmpty }.joined(separator: " ")
            let username = !fullName.isEmpty ? fullName : isStaff ? ChatMember.staffWithoutName : user.email
            return ChatMember(userID: user.id, email: user.email, username: username, isStaff: isStaff)
        }
    }

    /// A member of staff joined the room: they are the one the customer last spoke to, and they
    /// have seen everything in it so far.
    func staffJoined(orderID: Int64, userID: Int64) async throws {
        try await db.dbWriter.write { db in
            try db.execute(
                literal: """
                    INSERT INTO chatRoom (orderId, lastSpokenToId, staffReadUpTo)
                    VALUES (\(orderID), \(userID), (SELECT IFNULL(MAX(id), 0) FROM chatMessage WHERE orderId = \(orderID)))
                    ON CONFLICT (orderId) DO UPDATE SET lastSpokenToId = excluded.lastSpokenToId, staffReadUpTo = excluded.staffReadUpTo
                    """
            )
        }
    }

    /// Stores a message; `seenByStaff` (a member of staff is in the room) moves the read mark past it.
    func append(_ message: ChatMessage, seenByStaff: Bool) async throws -> ChatMessage {
        try await db.dbWriter.write { db in
            var row = message
            try row.insert(db)
            if seenByStaff, let id = row.id {
                try db.execute(
                    literal: """
                        INSERT INTO chatRoom (orderId, staffReadUpTo) VALUES (\(message.orderId), \(id))
                        ON CONFLICT (orderId) DO UPDATE SET staffReadUpTo = MAX(staffReadUpTo, excluded.staffReadUpTo)
                        """
                )
            }
            return row
        }
    }

    /// What a joining client is sent first: the room's last `limit` messages, or, for a client
    /// that says the last id it saw, every message after it (at most `ChatHistory.maxReplay`).
    func history(orderID: Int64, after: Int64?, limit: Int = ChatHistory.joinCount) async throws -> [ChatMessage] {
        try await db.reader.read { db in
            let request = ChatMessage.filter(ChatMessage.Columns.orderId == orderID)
            if let after {
                return try request.filter(ChatMessage.Columns.id > after).order(ChatMessage.Columns.id).limit(ChatHistory.maxReplay).fetchAll(db)
            }
            return try request.order(ChatMessage.Columns.id.desc).limit(limit).fetchAll(db).reversed()
        }
    }

    /// Customers' messages no member of staff has seen yet, per room that has any.
    func unreadCounts() async throws -> [Int64: Int] {
        try await db.reader.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT m.orderId, COUNT(*) AS unread FROM chatMessage m LEFT JOIN chatRoom r ON r.orderId = m.orderId
                    WHERE m.fromStaff = 0 AND m.id > IFNULL(r.staffReadUpTo, 0) GROUP BY m.orderId
                    """
            )
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["orderId"] as Int64, $0["unread"] as Int) })
        }
    }

    /// The member of staff who last joined an order's room (the book's `last_spoken_to`).
    func lastSpokenTo(orderID: Int64) async throws -> Int64? {
        try await db.reader.read { db in
            try SQLRequest<Int64?>("SELECT lastSpokenToId FROM chatRoom WHERE orderId = \(orderID)").fetchOne(db) ?? nil
        }
    }
}

/// How much history a client gets.
enum ChatHistory {
    /// Sent to a client that joins without saying what it saw.
    static let joinCount = 50
    /// The most one reconnecting client is replayed.
    static let maxReplay = 1_000
}

extension AppDatabase {
    var chat: ChatStore { ChatStore(db: self) }
}
