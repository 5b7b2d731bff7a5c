import Foundation
import GRDB
import Testing

@testable import BookTime

struct RoleCase: Sendable, CustomStringConvertible {
    let active: Bool
    let superuser: Bool
    let staff: Bool
    let groups: Set<String>
    let expected: Set<Role>
    var description: String { "active=\(active) superuser=\(superuser) staff=\(staff) groups=\(groups.sorted())" }
}

@Suite struct RoleTests {
    static let cases: [RoleCase] = [
        RoleCase(active: true, superuser: false, staff: false, groups: [], expected: [.customer]),
        RoleCase(active: true, superuser: true, staff: false, groups: [], expected: [.customer, .owner, .employee, .dispatcher]),
        RoleCase(active: true, superuser: false, staff: true, groups: [StaffGroup.employees], expected: [.customer, .employee]),
        RoleCase(active: true, superuser: false, staff: true, groups: [StaffGroup.dispatchers], expected: [.customer, .dispatcher]),
        RoleCase(active: true, superuser: false, staff: false, groups: [StaffGroup.employees], expected: [.customer]),
        RoleCase(active: true, superuser: false, staff: true, groups: [], expected: [.customer]),
        RoleCase(active: false, superuser: true, staff: true, groups: [StaffGroup.employees, StaffGroup.dispatchers], expected: []),
    ]

    /// The book's `is_employee` / `is_dispatcher` rules.
    @Test(arguments: cases)
    func roles(rule: RoleCase) {
        #expect(Role.roles(isActive: rule.active, isSuperuser: rule.superuser, isStaff: rule.staff, groups: rule.groups) == rule.expected)
    }
}

@Suite struct PasswordPolicyTests {
    @Test func rulesAndMessages() {
        #expect(PasswordPolicy.problems(password: "correct horse battery", email: "anne@example.com").isEmpty)
        #expect(PasswordPolicy.problems(password: "short", email: "a@b.co") == ["This password is too short. It must contain at least 10 characters."])
        #expect(PasswordPolicy.problems(password: "12345678901", email: "a@b.co") == ["This password is entirely numeric."])
        #expect(PasswordPolicy.problems(password: "Password123", email: "a@b.co") == ["This password is too common."])
        #expect(PasswordPolicy.problems(password: "anne.elliot!2026", email: "Anne.Elliot@example.com") == ["The password is too similar to the email address."])
        #expect(PasswordPolicy.problems(password: "anne@example.com", email: "anne@example.com").contains("The password is too similar to the email address."))
        #expect(PasswordPolicy.common.count > 100)
        #expect(PasswordPolicy.common.allSatisfy { $0.count >= PasswordPolicy.minimumLength })
    }

    @Test func emailNormalisation() {
        #expect(EmailAddress.normalize("  Anne.Elliot@Example.COM ") == "Anne.Elliot@example.com")
        for bad in ["", "anne", "@example.com", "anne@", "anne@localhost", "a b@example.com", "a@example.com>", "a@.com", "a@b@c.com"] {
            #expect(EmailAddress.normalize(bad) == nil, "\(bad)")
        }
    }
}

@Suite struct UserStoreTests {
    @Test func createsUsersWithRolesAndBcryptHashes() async throws {
        let test = try TestDatabase()
        for role in Role.allCases {
            let user = try await test.db.users.createUser(email: "\(role.rawValue)@booktime.domain", password: "a long enough phrase", role: role)
            #expect(try await test.db.users.roles(of: user).contains(role))
            #expect(user.passwordHash.hasPrefix("$2b$12$"))
        }
        let employee = try #require(try await test.db.users.user(email: "employee@booktime.domain"))
        #expect(try await test.db.users.roles(of: employee) == [.customer, .employee])
        #expect(try await PasswordHasher.verify("a long enough phrase", hash: employee.passwordHash))
        #expect(try await !PasswordHasher.verify("a wrong phrase here", hash: employee.passwordHash))
    }

    @Test func emailIsUniqueWhateverItsCase() async throws {
        let test = try TestDatabase()
        try await test.db.users.createUser(email: "Anne@Example.com", password: "a long enough phrase", role: .customer)
        await #expect(throws: AccountError.duplicateEmail) {
            try await test.db.users.createUser(email: "anne@EXAMPLE.com", password: "another long phrase", role: .customer)
        }
        await #expect(throws: AccountError.duplicateEmail) {
            try await test.db.users.createUser(email: "ANNE@example.com", password: "another long phrase", role: .customer)
        }
    }

    @Test func badInputIsRefusedBeforeHashing() async throws {
        let test = try TestDatabase()
        await #expect(throws: AccountError.invalidEmail) { try await test.db.users.createUser(email: "nope", password: "a long enough phrase", role: .customer) }
        await #expect(throws: AccountError.weakPassword(["This password is too common."])) {
            try await test.db.users.createUser(email: "a@example.com", password: "password123", role: .customer)
        }
        #expect(try await test.db.reader.read { try User.fetchCount($0) } == 0)
    }

    @Test func firstOwnerOnlyOnce() async throws {
        let test = try TestDatabase()
        let owner = try #require(try await test.db.users.createFirstOwner())
        #expect(owner.password.count == 20)
        #expect(PasswordPolicy.problems(password: owner.password, email: owner.email).isEmpty)
        let user = try #require(try await test.db.users.user(email: owner.email))
        #expect(try await test.db.users.roles(of: user).contains(.owner))
        #expect(try await test.db.users.createFirstOwner() == nil)
    }
}

@Suite(.serialized) struct CreateUserCommandTests {
    @Test func createsFromStandardInput() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("shop.db")
        let ok = try BookTimeBinary.run(["createuser", "--email", "cs@booktime.domain", "--role", "employee", "--password-stdin", "--db", db], input: "a long enough phrase\n")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(ok.stdout.contains("Created employee cs@booktime.domain"))
        let duplicate = try BookTimeBinary.run(["createuser", "--email", "CS@booktime.domain", "--role", "customer", "--password-stdin", "--db", db], input: "a long enough phrase\n")
        #expect(duplicate.status == 2)
        #expect(duplicate.stderr.contains("already exists"))
        let weak = try BookTimeBinary.run(["createuser", "--email", "x@booktime.domain", "--role", "customer", "--password-stdin", "--db", db], input: "short\n")
        #expect(weak.status == 2)
        #expect(weak.stderr.contains("too short"))
        let badRole = try BookTimeBinary.run(["createuser", "--email", "x@booktime.domain", "--role", "king", "--password-stdin", "--db", db], input: "a long enough phrase\n")
        #expect(badRole.status == 2)
        #expect(badRole.stderr.contains("--role must be one of"))
        let noTerminal = try BookTimeBinary.run(["createuser", "--email", "y@booktime.domain", "--role", "customer", "--db", db])
        #expect(noTerminal.status == 2)
        #expect(noTerminal.stderr.contains("--password-stdin"))
    }
}
