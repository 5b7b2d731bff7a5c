import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct PasswordResetTests {
    static func linkPath(in email: OutboxEmail?) throws -> String {
        let body = try #require(email?.body)
        let match = try #require(body.firstMatch(of: /https?:\/\/[^\s\/]+(\/password-reset\/[A-Za-z0-9_-]+\/)/))
        return String(match.1)
    }

    /// Known or unknown, the visitor sees the same thing; only the real account gets an email.
    @Test func requestAnswersTheSameForUnknownEmails() async throws {
        try await withTestApp(configure: { $0.publicURL = "https://shop.example/" }) { browser, db in
            try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            let unknown = try await browser.post("/password-reset/", form: [("email", "nobody@domain.com")])
            let known = try await browser.post("/password-reset/", form: [("email", "Anne@DOMAIN.com")])
            #expect(unknown.status == .seeOther && known.status == .seeOther)
            #expect(unknown.headers[.location] == "/password-reset/done/")
            #expect(known.headers[.location] == unknown.headers[.location])

            let outbox = try await db.outbox.outbox()
            #expect(outbox.count == 1)
            #expect(outbox.first?.toAddress == "anne@domain.com")
            #expect(outbox.first?.subject == "Reset your BookTime password")
            #expect(outbox.first?.body.contains("https://shop.example/password-reset/") == true)
            #expect(try await browser.get("/password-reset/done/").text.contains("If an account exists"))
        }
    }

    @Test func theLinkSetsANewPasswordOnceAndIsStoredHashed() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            try await browser.post("/password-reset/", form: [("email", "anne@domain.com")])
            let path = try Self.linkPath(in: try await db.outbox.outbox().first)
            let token = String(path.split(separator: "/").last!)

            // Only the SHA-256 of the token is in the database.
            let stored = try await db.reader.read { try String.fetchAll($0, sql: "SELECT tokenHash FROM passwordReset") }
            #expect(stored == [sha256Hex(Data(token.utf8))])
            #expect(!stored.contains(token))

            let form = try await browser.get(path)
            #expect(form.status == .ok)
            #expect(form.text.contains("anne@domain.com"))

            let mismatch = try await browser.post(path, form: [("new_password1", "new secret phrase"), ("new_password2", "other secret phrase")])
            #expect(mismatch.status == .unprocessableContent)
            #expect(mismatch.text.contains("The two password fields didn’t match."))

            let response = try await browser.post(path, form: [("new_password1", "new secret phrase"), ("new_password2", "new secret phrase")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login/")

            // Single use.
            #expect(try await browser.get(path).status == .notFound)
            let again = try await browser.post(path, form: [("new_password1", "third secret phrase"), ("new_password2", "third secret phrase")])
            #expect(again.status == .notFound)

            #expect(try await browser.logIn("anne@domain.com", testPassword).status == .unprocessableContent)
            #expect(try await browser.logIn("anne@domain.com", "new secret phrase").status == .seeOther)
        }
    }

    @Test func linksExpireAfterAnHour() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            let (_, old) = try #require(try await db.users.requestPasswordReset(email: "anne@domain.com", now: Date.now.addingTimeInterval(-3601)))
            let (_, fresh) = try #require(try await db.users.requestPasswordReset(email: "anne@domain.com", now: Date.now.addingTimeInterval(-3500)))
            #expect(try await browser.get(Routes.passwordResetConfirm(token: old)).status == .notFound)
            #expect(try await browser.get(Routes.passwordResetConfirm(token: fresh)).status == .ok)
            #expect(try await browser.get("/password-reset/not-a-token/").text.contains("Ask for a new link"))
        }
    }

    /// Setting the new password ends every session opened with the old one.
    @Test func resetSignsOutOtherSessions() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            let laptop = TestBrowser(client: browser.client)
            try await laptop.logIn("anne@domain.com", testPassword)
            #expect(try await laptop.get("/account/").status == .ok)

            try await browser.post("/password-reset/", form: [("email", "anne@domain.com")])
            let path = try Self.linkPath(in: try await db.outbox.outbox().first)
            try await browser.post(path, form: [("new_password1", "new secret phrase"), ("new_password2", "new secret phrase")])

            #expect(try await laptop.get("/account/").status == .seeOther)
        }
    }

    @Test func weakNewPasswordsAreRefused() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "anne@domain.com", password: testPassword, role: .customer)
            let (_, token) = try #require(try await db.users.requestPasswordReset(email: "anne@domain.com"))
            let path = Routes.passwordResetConfirm(token: token)
            let response = try await browser.post(path, form: [("new_password1", "1234567890"), ("new_password2", "1234567890")])
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("This password is entirely numeric."))
            // The token is still good after a refused attempt.
            #expect(try await browser.get(path).status == .ok)
        }
    }
}
