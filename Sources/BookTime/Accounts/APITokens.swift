import Foundation
import GRDB

/// A mobile device's token: the key is shown once, when made; only its hash is kept.
public struct APIToken: Codable, Sendable, Equatable, Identifiable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var userId: Int64
    public var keyHash: String
    public var device: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    static func hash(_ key: String) -> String { sha256Hex(Data(key.utf8)) }
}

extension UserStore {
    /// A new token for the user's device: the key to hand out (40 hex characters, 160 random bits).
    func createAPIToken(userID: Int64, device: String, now: Date = .now) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = (0..<20).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        let token = APIToken(userId: userID, keyHash: APIToken.hash(key), device: String(device.prefix(100)), createdAt: now)
        try await db.dbWriter.write { db in
            var row = token
            try row.insert(db)
        }
        return key
    }

    /// The token with this key, or nil.
    func apiToken(key: String) async throws -> APIToken? {
        let hash = APIToken.hash(key)
        return try await db.reader.read { db in try APIToken.filter(Column("keyHash") == hash).fetchOne(db) }
    }

    /// Marks a token used, at most once a minute (so a token's requests stay reads).
    func touch(_ token: APIToken, now: Date = .now) async throws {
        if token.lastUsedAt.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await db.dbWriter.write { db in
                try db.execute(literal: "UPDATE apiToken SET lastUsedAt = \(DatabaseDate(now)) WHERE id = \(token.id)")
            }
        }
    }

    func apiTokens(userID: Int64) async throws -> [APIToken] {
        try await db.reader.read { db in try APIToken.filter(Column("userId") == userID).order(Column("id").desc).fetchAll(db) }
    }

    /// Revokes one of the user's tokens; false when it is not theirs.
    func revokeAPIToken(id: Int64, userID: Int64) async throws -> Bool {
        try await db.dbWriter.write { db in
            try APIToken.filter(key: id).filter(Column("userId") == userID).deleteAll(db) > 0
        }
    }
}
