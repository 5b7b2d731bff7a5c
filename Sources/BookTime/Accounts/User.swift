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

/// What a user may do in the shop, derived from the book's flags and groups.
public enum Role: String, CaseIterable, Sendable, Codable {
    case owner, employee, dispatcher, customer

    /// The book's rules, in the one place every route asks:
    /// owner = active superuser; employee = active and (superuser, or staff in "Employees");
    /// dispatcher = active and (superuser, or staff in "Dispatchers"); customer = any active user.
    public static func roles(isActive: Bool, isSuperuser: Bool, isStaff: Bool, groups: Set<String>) -> Set<Role> {
        guard isActive else { return [] }
        var roles: Set<Role> = [.customer]
        if isSuperuser { roles.insert(.owner) }
        if isSuperuser || (isStaff && groups.contains(StaffGroup.employees)) { roles.insert(.employee) }
        if isSuperuser || (isStaff && groups.contains(StaffGroup.dispatchers)) { roles.insert(.dispatcher) }
        return roles
    }
}

/// The book's two groups, created by migration `0006_users`.
public enum StaffGroup {
    public static let employees = "Employees"
    public static let dispatchers = "Dispatchers"
}
