import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's `TestPage` view tests for the company site, plus the contact form end to end.
@Suite struct CompanyPageTests {
    @Test(arguments: ["/", "/about-us/", "/contact-us/"])
    func pageWorks(path: String) async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get(path)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("BookTime"))
            #expect(response.text.contains("aria-current=\"page\""))
        }
    }

    @Test func contactPageShowsTheForm() async throws {
        try await withTestApp { browser, _ in
            let html = try await browser.get("/contact-us/").text
            #expect(html.contains(#"name="name""#))
            #expect(html.contains(#"name="message""#))
            #expect(html.contains(#"<input type="hidden" name="csrf_token" value=""#))
            #expect(html.contains("maxlength=\"100\""))
            #expect(html.contains("maxlength=\"600\""))
            #expect(html.contains(#"<label for="id_name">Your name</label>"#))
            // A fresh form shows no errors.
            #expect(!html.contains("field-error"))
            #expect(!html.contains("aria-invalid"))
            #expect(!html.contains("Please correct the errors"))
        }
    }

    @Test func footerShowsTheCurrentYear() async throws {
        let year = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).year!
        #expect(LayoutContext.currentYear() == year)
        #expect(LayoutContext.currentYear(Date(timeIntervalSince1970: 0)) == 1970)
        let home = try await withTestApp { browser, _ in try await browser.get("/").text }
        #expect(home.contains("&copy; \(year) BookTime"))
    }

    @Test func validContactFormQueuesEmailAndRedirectsWithFlash() async throws {
        try await withTestApp { browser, db in
            let response = try await browser.post("/contact-us/", form: [("name", "Luke Skywalker"), ("message", "Hi there")])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")

            let outbox = try await db.outbox()
            #expect(outbox.count == 1)
            #expect(outbox.first?.subject == "Site message")
            #expect(outbox.first?.body == "From: Luke Skywalker\nHi there")
            #expect(outbox.first?.toAddress == "customerservice@booktime.domain")
            #expect(outbox.first?.fromAddress == "site@booktime.domain")
            #expect(outbox.first?.status == .pending)

            // The message shows once on the next page, then is gone.
            let home = try await browser.get("/").text
            #expect(home.contains("Thank you for your message"))
            let again = try await browser.get("/").text
            #expect(!again.contains("Thank you for your message"))
        }
    }

    @Test func invalidContactFormShowsErrorsAndKeepsInput() async throws {
        try await withTestApp { browser, db in
            let response = try await browser.post("/contact-us/", form: [("name", ""), ("message", "Hi <there>")])
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(html.contains("This field is required."))
            #expect(html.contains(#"id="error_name""#))
            #expect(html.contains("Hi &lt;there&gt;</textarea>"))
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func overLongFieldsAreRefused() async throws {
        try await withTestApp { browser, db in
            let response = try await browser.post(
                "/contact-us/", form: [("name", String(repeating: "n", count: 101)), ("message", String(repeating: "m", count: 601))]
            )
            #expect(response.status == .unprocessableContent)
            #expect(response.text.contains("Ensure this value has at most 100 characters (it has 101)."))
            #expect(response.text.contains("Ensure this value has at most 600 characters (it has 601)."))
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func contactFormValidation() {
        #expect(throws: Never.self) { try ContactForm.validate(FormData(string: "name=Luke+Skywalker&message=Hi+there")).get() }
        #expect(throws: FormValidatorFailure.self) { try ContactForm.validate(FormData(string: "message=Hi+there")).get() }
        #expect(throws: FormValidatorFailure.self) { try ContactForm.validate(FormData(string: "name=%20%20&message=x")).get() }
    }

    @Test func postWithoutCSRFTokenIsForbiddenAndChangesNothing() async throws {
        try await withTestApp { browser, db in
            try await browser.get("/contact-us/")
            let response = try await browser.post("/contact-us/", form: [("name", "Mallory"), ("message", "forged")], csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.text.contains("BookTime"))
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func postWithWrongCSRFTokenIsForbidden() async throws {
        try await withTestApp { browser, db in
            try await browser.get("/")
            let response = try await browser.post(
                "/contact-us/", form: [("name", "Mallory"), ("message", "forged"), ("csrf_token", String(repeating: "A", count: 43))], csrf: false
            )
            #expect(response.status == .forbidden)
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func postWithoutCSRFCookieIsForbidden() async throws {
        try await withTestApp { browser, db in
            // A token in the form but no cookie: a forged cross-site form.
            let response = try await browser.post(
                "/contact-us/", form: [("name", "M"), ("message", "m"), ("csrf_token", String(repeating: "A", count: 43))], csrf: false
            )
            #expect(response.status == .forbidden)
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func postFromAnotherOriginIsForbidden() async throws {
        try await withTestApp { browser, db in
            var headers = HTTPFields()
            headers[.origin] = "https://evil.example"
            let response = try await browser.post("/contact-us/", form: [("name", "M"), ("message", "m")], headers: headers)
            #expect(response.status == .forbidden)
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func tamperedFlashCookieIsIgnored() async throws {
        try await withTestApp { browser, _ in
            let forged = Base64URL.encode(Data(#"[{"level":"error","text":"Your account is locked"}]"#.utf8)) + ".AAAA"
            browser.setCookie("flash", forged)
            let html = try await browser.get("/").text
            #expect(!html.contains("Your account is locked"))
        }
    }
}
