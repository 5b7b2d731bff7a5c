import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct LoginTests {
    @Test func loginPageLoads() async throws {
        try await withTestApp { browser, _ in
            let html = try await browser.get("/login/?next=/address/").text
            #expect(html.contains(#"name="email""#))
            #expect(html.contains(#"name="password""#))
            #expect(html.contains(#"action="/login/?next=/address/""#))
        }
    }

    @Test func loginSignsInAndRecordsLastLogin() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            #expect(try await browser.get("/account/").status == .seeOther)
            let response = try await browser.logIn("User1@DOMAIN.com", testPassword)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            let account = try await browser.get("/account/")
            #expect(account.status == .ok)
            #expect(account.text.contains("user1@domain.com"))
            #expect(try await db.users.user(email: "user1@domain.com")?.lastLogin != nil)
        }
    }

    /// Wrong password, unknown email and inactive account all get the same page.
    @Test func failuresShareOneGenericError() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "known@domain.com", password: testPassword, role: .customer)
            let inactive = try await db.users.createUser(email: "gone@domain.com", password: testPassword, role: .customer)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE user SET isActive = 0 WHERE id = ?", arguments: [inactive.id]) }

            var bodies: [String] = []
            for (email, password) in [("known@domain.com", "wrong password here"), ("unknown@domain.com", testPassword), ("gone@domain.com", testPassword)] {
                let response = try await browser.logIn(email, password)
                #expect(response.status == .unprocessableContent)
                #expect(response.text.contains("Invalid email/password combination."))
                #expect(browser.cookie("booktime_session") == nil)
                // The page differs only in the email typed back and the per-request token.
                bodies.append(response.text.replacingOccurrences(of: email, with: "EMAIL").replacing(/value="[A-Za-z0-9_-]{20,}"/, with: "TOKEN"))
            }
            #expect(Set(bodies).count == 1)
        }
    }

    struct Redirect: Sendable, CustomStringConvertible {
        let next: String
        let expected: String
        var description: String { next }
    }

    static let redirects: [Redirect] = [
        Redirect(next: "/address/", expected: "/address/"),
        Redirect(next: "/search/?q=tea", expected: "/search/?q=tea"),
        Redirect(next: "//evil.com", expected: "/"),
        Redirect(next: "https://evil.com", expected: "/"),
        Redirect(next: "/\\evil.com", expected: "/"),
        Redirect(next: "///evil.com", expected: "/"),
        Redirect(next: "/\tevil", expected: "/"),
        Redirect(next: "javascript:alert(1)", expected: "/"),
        Redirect(next: "evil.com", expected: "/"),
    ]

    /// `next` is followed only to a path of this site; anything a browser could read as another host goes home.
    @Test(arguments: redirects)
    func nextIsOnlyALocalPath(redirect: Redirect) async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "user1@domain.com", password: testPassword, role: .customer)
            let response = try await browser.logIn("user1@domain.com", testPassword, next: redirect.next)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == redirect.expected)
        }
    }

    @Test func localRedirectRules() {
        #expect(LocalRedirect.target("/basket/") == "/basket/")
        #expect(LocalRedirect.target(nil) == "/")
        for bad in ["//evil.com", "https://evil.com", "/\\evil.com", "\\\\evil.com", "/a\\b", "", " /x", "/x\ny"] {
            #expect(LocalRedirect.target(bad) == "/", "\(bad)")
        }
    }
}
