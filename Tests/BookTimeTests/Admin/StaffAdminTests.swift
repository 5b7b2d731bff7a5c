import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// Owners create staff users and give them their groups; the roles follow at once.
@Suite struct StaffAdminTests {
    static func groups(_ db: AppDatabase, _ email: String) async throws -> [String] {
        try await db.reader.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT g.name FROM userGroup g JOIN userGroupMembership m ON m.userGroupId = g.id JOIN user u ON u.id = m.userId WHERE u.email = ? ORDER BY g.name",
                arguments: [email]
            )
        }
    }

    @Test func anOwnerCreatesAnEmployee() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let form = try await shop.owner.get("/admin/user/add/")
            #expect(form.text.contains("name=\"password1\"") && form.text.contains("name=\"role\""))
            let mismatch = try await shop.owner.post(
                "/admin/user/add/", form: [("email", "ann@booktime.domain"), ("role", "employee"), ("password1", testPassword), ("password2", "something else")]
            )
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.fieldErrors == ["The two password fields didn’t match."])
            #expect(!mismatch.text.contains(testPassword), "a password is never sent back")
            let weak = try await shop.owner.post(
                "/admin/user/add/", form: [("email", "ann@booktime.domain"), ("role", "employee"), ("password1", "1234567890"), ("password2", "1234567890")]
            )
            #expect(weak.status == .unprocessableContent)
            let duplicate = try await shop.owner.post(
                "/admin/user/add/", form: [("email", "OWNER@booktime.domain"), ("role", "employee"), ("password1", testPassword), ("password2", testPassword)]
            )
            #expect(duplicate.fieldErrors == ["A user with that email address already exists."])

            let created = try await shop.owner.post(
                "/admin/user/add/", form: [("email", "Ann@BookTime.domain"), ("role", "employee"), ("password1", testPassword), ("password2", testPassword)]
            )
            #expect(created.status == .seeOther)
            let user = try #require(try await db.users.user(email: "ann@booktime.domain"))
            #expect(created.headers[.location] == "/admin/user/\(user.id!)/")
            #expect(user.isStaff && !user.isSuperuser)
            #expect(try await Self.groups(db, "ann@booktime.domain") == [StaffGroup.employees])
            let entry = try #require(try await db.adminLog().last)
            #expect(entry.action == .add && entry.model == "user")
            #expect(!entry.changes.contains(testPassword))

            let ann = TestBrowser(client: browser.client)
            #expect(try await ann.logIn("ann@booktime.domain", testPassword).status == .seeOther)
            #expect(try await ann.get("/office-admin/").status == .ok)
            #expect(try await ann.get("/dispatch-admin/").status == .forbidden)

            // Also a dispatcher now; then no longer active.
            let page = try await shop.owner.get("/admin/user/\(user.id!)/")
            let groups = try await db.reader.read { try Int64.fetchAll($0, sql: "SELECT id FROM userGroup ORDER BY id") }
            var fields = [("_fingerprint", page.fingerprint), ("email", "ann@booktime.domain"), ("first_name", "Ann"), ("last_name", ""),
                          ("is_active", "1"), ("is_staff", "1")]
            fields += groups.map { ("groups", String($0)) }
            #expect(try await shop.owner.post("/admin/user/\(user.id!)/", form: fields).status == .seeOther)
            #expect(try await ann.get("/dispatch-admin/").status == .ok, "the new group counts at once")

            let again = try await shop.owner.get("/admin/user/\(user.id!)/")
            let deactivate = [("_fingerprint", again.fingerprint), ("email", "ann@booktime.domain"), ("first_name", "Ann"), ("last_name", ""), ("is_staff", "1")]
                + groups.map { ("groups", String($0)) }
            #expect(try await shop.owner.post("/admin/user/\(user.id!)/", form: deactivate).status == .seeOther)
            #expect(try await ann.get("/office-admin/").status == .seeOther, "a deactivated user is signed out at once")
            #expect(try await db.adminLog().last?.decodedChanges == [AdminLogEntry.Change(field: "is_active", old: "Yes", new: "No")])
        }
    }
}
