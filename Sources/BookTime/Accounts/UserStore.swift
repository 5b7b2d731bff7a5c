import Foundation
import GRDB

/// Why an account could not be created, worded for a form or the command line.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidEmail
    case duplicateEmail
    case weakPassword([String])

    public var description: String {
        switch self {
        case .invalidEmail: "Enter a valid email address."
        case .duplicateEmail: "A user with that email address already exists."
        case .weakPassword(let problems): problems.joined(separator: " ")
        }
    }
}

extension AccountError {
    /// Runs `write`, answering a unique-email violation (two sign-ups racing for one address) as
    /// `duplicateEmail`.
    static func mappingDuplicates<T>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw AccountError.duplicateEmail
        }
    }
}

/// A checked, hashed account waiting to be written.
public struct NewAccount: Sendable {
    let email: String
    let passwordHash: String
    let role: Role

    /// Writes the user and their staff group membership.
    func insert(_ db: Database) throws -> User {
        var user = User(email: email, passwordHash: passwordHash, isStaff: role != .customer, isSuperuser: role == .owner)
        try user.insert(db)
        let group: String? =
            switch role {
            case .employee: StaffGroup.employees
            case .dispatcher: StaffGroup.dispatchers
            case .owner, .customer: nil
            }
        if let group, let id = user.id {
            try db.execute(literal: "INSERT INTO userGroupMembership (userId, userGroupId) SELECT \(id), id FROM userGroup WHERE name = \(group)")
        }
        return user
    }
}

/// The database side of accounts: creating, authenticating, roles, password resets.
public struct UserStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var users: UserStore { UserStore(db: self) }
}

extension UserStore {
    /// Creates an account with the given role. The password is checked against the policy and
    /// hashed off the event loop; the email is unique whatever its case. The password is hashed
    /// before the email is looked up, so a taken address answers as slowly as a free one (a quick
    /// "taken" would tell which addresses have accounts).
    @discardableResult
    public func createUser(email rawEmail: String, password: String, role: Role) async throws -> User {
        let account = try await prepareAccount(email: rawEmail, password: password, role: role)
        return try await AccountError.mappingDuplicates { try await db.dbWriter.write { db in try account.insert(db) } }
    }

    /// The slow, checked half of making an account (policy, hashing, a taken address), done
    /// outside any transaction; `NewAccount.insert` is the write, which a caller may put in its own
    /// transaction (the back office writes the account and its audit entry together).
    public func prepareAccount(email rawEmail: String, password: String, role: Role) async throws -> NewAccount {
        guard let email = EmailAddress.normalize(rawEmail) else { throw AccountError.invalidEmail }
        let problems = PasswordPolicy.problems(password: password, email: email)
        guard problems.isEmpty else { throw AccountError.weakPassword(problems) }
        let hash = try await PasswordHasher.hash(password)
        if try await userExists(email: email) { throw AccountError.duplicateEmail }
        return NewAccount(email: email, passwordHash: hash, role: role)
    }

    public func userExists(email: String) async throws -> Bool {
        try await db.reader.read { db in try User.filter(User.Columns.email == email).fetchCount(db) > 0 }
    }

    public func user(email: String) async throws -> User? {
        try await db.reader.read { db in try User.filter(User.Columns.email == email).fetchOne(db) }
    }

    /// The user's roles, through the one rule in `Role.roles`.
    public func roles(of user: User) async throws -> Set<Role> {
        guard let id = user.id else { return [] }
        return try await userWithRoles(id: id)?.roles ?? []
    }

    /// A user and their roles in one read (every request of a signed-in visitor asks this).
    public func userWithRoles(id: Int64) async throws -> (user: User, roles: Set<Role>)? {
        try await db.reader.read { db in try Self.userWithRoles(db, id: id) }
    }

    static func userWithRoles(_ db: Database, id: Int64) throws -> (user: User, roles: Set<Role>)? {
        guard let user = try User.fetchOne(db, key: id) else { return nil }
        let groups = try String.fetchSet(
            db,
            sql: "SELECT g.name FROM userGroup g JOIN userGroupMembership m ON m.userGroupId = g.id WHERE m.userId = ?",
            arguments: [id]
        )
        return (user, Role.roles(isActive: user.isActive, isSuperuser: user.isSuperuser, isStaff: user.isStaff, groups: groups))
    }

    func recordLogin(userID: Int64, at date: Date = .now) async throws {
        try await db.dbWriter.write { db in
            try db.execute(sql: "UPDATE user SET lastLogin = ? WHERE id = ?", arguments: [date, userID])
        }
    }

    /// On a new database: an owner account with a random password, returned once for printing.
    public func createFirstOwner(email: String = "owner@booktime.local") async throws -> (email: String, password: String)? {
        let hasOwner = try await db.reader.read { db in try User.filter(Column("isSuperuser") == true).fetchCount(db) > 0 }
        guard !hasOwner else { return nil }
        let password = PasswordHasher.randomPassword()
        try await createUser(email: email, password: password, role: .owner)
        return (email, password)
    }
}
