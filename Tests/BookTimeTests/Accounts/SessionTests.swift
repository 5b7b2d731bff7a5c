import Foundation
import GRDB
import HTTPTypes
import Testing

@testable import BookTime

@Suite struct SessionTests {
    static func sessionRows(_ db: AppDatabase) async throws -> [String] {
        try await db.reader.read { try String.fetchAll($0, sql: "SELECT key FROM persist ORDER BY key") }
    }

    /// A session id planted before sign-in (session fixation) is worthless after it.
    @Test func loginRotatesTheSessionID() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            let store = SQLitePersistDriver(db: db)
            try await store.create(key: "hbs.planted-session-id", value: AppSession(), expires: .seconds(3600))
            browser.setCookie("booktime_session", "planted-session-id")

            try await browser.logIn("user1@domain.com", testPassword)
            let newID = try #require(browser.cookie("booktime_session"))
            #expect(newID != "planted-session-id")
            #expect(try await Self.sessionRows(db) == ["hbs.\(newID)"])

            // The planted id does not carry the sign-in.
            let attacker = TestBrowser(client: browser.client)
            attacker.setCookie("booktime_session", "planted-session-id")
            #expect(try await attacker.get("/account/").status == .seeOther)
        }
    }

    @Test func logoutEndsTheSession() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            let oldID = try #require(browser.cookie("booktime_session"))

            let response = try await browser.logOut()
            #expect(response.status == .seeOther)
            #expect(browser.cookie("booktime_session") == nil)
            #expect(try await Self.sessionRows(db).isEmpty)
            #expect(try await browser.get("/").text.contains("You have signed out."))

            // Replaying the old cookie does not sign anyone in.
            browser.setCookie("booktime_session", oldID)
            let account = try await browser.get("/account/")
            #expect(account.status == .seeOther)
            #expect(account.headers[.location] == "/login/?next=/account/")
        }
    }

    @Test func logoutNeedsTheCSRFToken() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            #expect(try await browser.post("/logout/", form: [], csrf: false).status == .forbidden)
            #expect(try await browser.get("/account/").status == .ok)
        }
    }

    @Test func deactivatedOrDeletedUsersAreSignedOutAtOnce() async throws {
        try await withTestApp { browser, db in
            let anne = try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            let bob = try await db.users.createUser(email: "bob@domain.com", password: testPassword, role: .customer)
            let other = TestBrowser(client: browser.client)
            try await browser.logIn("anne@domain.com", testPassword)
            try await other.logIn("bob@domain.com", testPassword)
            #expect(try await browser.get("/account/").status == .ok)
            #expect(try await other.get("/account/").status == .ok)

            try await db.dbWriter.write { db in
                try db.execute(sql: "UPDATE user SET isActive = 0 WHERE id = ?", arguments: [anne.id])
                try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [bob.id])
            }
            #expect(try await browser.get("/account/").status == .seeOther)
            #expect(try await other.get("/account/").status == .seeOther)
            #expect(browser.cookie("booktime_session") == nil)
        }
    }

    @Test func sessionCookieFlags() async throws {
        for secure in [false, true] {
            try await withTestApp(configure: { $0.behindHTTPSProxy = secure }) { browser, db in
                try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
                let response = try await browser.logIn("user1@domain.com", testPassword)
                let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("booktime_session=") })
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Lax"))
                #expect(cookie.contains("Secure") == secure)
                #expect(cookie.contains("Path=/"))
            }
        }
    }

    /// Two weeks idle, not two weeks after sign-in: an old session is extended when used.
    @Test func sessionsExpireAfterTwoWeeksIdle() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("user1@domain.com", testPassword)
            let id = try #require(browser.cookie("booktime_session"))
            let expiry = { try await db.reader.read { try Date.fetchOne($0, sql: "SELECT expiresAt FROM persist WHERE key = ?", arguments: ["hbs.\(id)"]) } }
            let fresh = try #require(try await expiry())
            #expect(abs(fresh.timeIntervalSinceNow - 14 * 86400) < 60)

            // Used ten days later: four days left, so the expiry moves back to two weeks from now.
            try await db.dbWriter.write {
                try $0.execute(sql: "UPDATE persist SET expiresAt = ? WHERE key = ?", arguments: [Date.now.addingTimeInterval(4 * 86400), "hbs.\(id)"])
            }
            let response = try await browser.get("/account/")
            #expect(response.status == .ok)
            #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("booktime_session=\(id)") })
            let renewed = try #require(try await expiry())
            #expect(abs(renewed.timeIntervalSinceNow - 14 * 86400) < 60)

            // Past its expiry the session is gone.
            try await db.dbWriter.write {
                try $0.execute(sql: "UPDATE persist SET expiresAt = ? WHERE key = ?", arguments: [Date.now.addingTimeInterval(-1), "hbs.\(id)"])
            }
            #expect(try await browser.get("/account/").status == .seeOther)
        }
    }

    @Test func navigationShowsTheAccountAndBackOfficeLinks() async throws {
        try await withTestApp { browser, db in
            let anonymous = try await browser.get("/about-us/").text
            #expect(anonymous.contains(#"href="/login/?next=/about-us/""#))
            #expect(anonymous.contains("Sign up"))
            #expect(!anonymous.contains("Log out"))

            try await db.users.createUser(email: "customer@domain.com", password: testPassword, role: .customer)
            try await browser.logIn("customer@domain.com", testPassword)
            let customer = try await browser.get("/about-us/").text
            #expect(customer.contains("customer@domain.com"))
            #expect(customer.contains("My account"))
            #expect(customer.contains("Log out"))
            #expect(!customer.contains("Sign in"))
            #expect(!customer.contains("/admin/") && !customer.contains("/office-admin/") && !customer.contains("/dispatch-admin/"))

            let staff = TestBrowser(client: browser.client)
            try await db.users.createUser(email: "dispatch@domain.com", password: testPassword, role: .dispatcher)
            try await staff.logIn("dispatch@domain.com", testPassword)
            let dispatcher = try await staff.get("/about-us/").text
            #expect(dispatcher.contains(#"href="/dispatch-admin/""#))
            #expect(!dispatcher.contains(#"href="/admin/""#))

            let owner = TestBrowser(client: browser.client)
            try await db.users.createUser(email: "boss@domain.com", password: testPassword, role: .owner)
            try await owner.logIn("boss@domain.com", testPassword)
            let ownerPage = try await owner.get("/about-us/").text
            for link in ["/admin/", "/office-admin/", "/dispatch-admin/"] { #expect(ownerPage.contains(#"href="\#(link)""#)) }
            // Cached pages never leak one visitor's menu to another.
            #expect(!(try await TestBrowser(client: browser.client).get("/about-us/").text.contains("boss@domain.com")))
        }
    }
}
