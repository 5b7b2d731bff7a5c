import Foundation
import GRDB

/// A shop account, signed in by email (the book's custom `User` with `USERNAME_FIELD = "email"`).
public struct User: Codable, Sendable, Equatable, Identifiable {
    public var id: Int64?
    public var email: String
    public var passwordHash: String
    public var firstName: String
    public var lastName: String
    public var isActive: Bool
    public var isStaff: Bool
    public var isSuperuser: Bool
    public var dateJoined: Date
    public var lastLogin: Date?

    public init(email: String, passwordHash: String, isStaff: Bool = false, isSuperuser: Bool = false, dateJoined: Date = .now) {
        self.email = email
        self.passwordHash = passwordHash
        self.firstName = ""
        self.lastName = ""
        self.isActive = true
        self.isStaff = isStaff
        self.isSuperuser = isSuperuser
        self.dateJoined = dateJoined
    }
}

extension User: FetchableRecord, MutablePersistableRecord {
    public enum Columns {
        public static let email = Column(CodingKeys.email)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
