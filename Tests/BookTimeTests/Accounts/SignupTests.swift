import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct SignupTests {
    /// The book's `test_user_signup_page_loads_correctly`.
    @Test func signupPageLoads() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/signup/")
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains("BookTime"))
            for field in ["email", "password1", "password2", "csrf_token"] {
                #expect(html.contains(#"name="\#(field)""#), "\(field)")
            }
            #expect(html.contains(#"type="password""#))
        }
    }

    /// The book's `test_user_signup_page_submission_works`: user created, signed in, one welcome email.
    @Test func signupCreatesSignsInAndSendsWelcomeEmail() async throws {
        try await withTestApp { browser, db in
            let response = try await browser.signUp("user@domain.com", testPassword)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")
            #expect(try await db.users.userExists(email: "user@domain.com"))

            let home = try await browser.get("/").text
            #expect(home.contains("You signed up successfully."))
            #expect(home.contains("user@domain.com"))
            #expect(try await browser.get("/account/").status == .ok)

            let outbox = try await db.outbox.outbox()
            #expect(outbox.count == 1)
            #expect(outbox.first?.subject == "Welcome to BookTime")
            #expect(outbox.first?.toAddress == "user@domain.com")
            #expect(outbox.first?.fromAddress == "site@booktime.domain")
            #expect(outbox.first?.body.contains("user@domain.com") == true)
        }
    }

    @Test func signupHonoursLocalNext() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.signUp("reader@domain.com", testPassword, next: "/products/all/?page=2")
            #expect(response.headers[.location] == "/products/all/?page=2")
        }
    }

    @Test func duplicateEmailInAnyCaseIsRefused() async throws {
        try await withTestApp { browser, db in
            try await db.users.createUser(email: "anne@example.com", password: testPassword, role: .customer)
            let response = try await browser.signUp("ANNE@Example.com", testPassword)
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("A user with that email address already exists."))
            let count = try await db.reader.read { try User.fetchCount($0) }
            #expect(count == 1)
            #expect(browser.cookie("booktime_session") == nil)
        }
    }

    struct BadSignup: Sendable, CustomStringConvertible {
        let email: String
        let password1: String
        let password2: String
        let message: String
        var description: String { message }
    }

    static let badSignups: [BadSignup] = [
        BadSignup(email: "", password1: testPassword, password2: testPassword, message: "This field is required."),
        BadSignup(email: "not-an-email", password1: testPassword, password2: testPassword, message: "Enter a valid email address."),
        BadSignup(email: "a@b.co", password1: testPassword, password2: testPassword + "x", message: "The two password fields didn’t match."),
        BadSignup(email: "a@b.co", password1: "short", password2: "short", message: "This password is too short."),
        BadSignup(email: "a@b.co", password1: "12345678901", password2: "12345678901", message: "This password is entirely numeric."),
        BadSignup(email: "a@b.co", password1: "password123", password2: "password123", message: "This password is too common."),
        BadSignup(email: "marianne@b.co", password1: "marianne-2026", password2: "marianne-2026", message: "too similar to the email"),
    ]

    @Test(arguments: badSignups)
    func badSignupShowsTheErrorAndCreatesNothing(signup: BadSignup) async throws {
        try await withTestApp { browser, db in
            let response = try await browser.post(
                "/signup/", form: [("email", signup.email), ("password1", signup.password1), ("password2", signup.password2)]
            )
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains(signup.message))
            // The email is kept, the passwords are not sent back.
            if !signup.email.isEmpty { #expect(response.text.contains(#"value="\#(signup.email)""#)) }
            #expect(!response.text.contains(#"value="\#(signup.password1)""#))
            let count = try await db.reader.read { try User.fetchCount($0) }
            #expect(count == 0)
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }
}
