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
            let response = try await browser.post(
                "/contact-us/", form: [("name", "Luke Skywalker"), ("email", " Luke@Example.COM "), ("message", "Hi there")]
            )
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/")

            let outbox = try await db.outbox.outbox()
            #expect(outbox.count == 1)
            #expect(outbox.first?.subject == "Site message from Luke Skywalker")
            // Trimmed, the domain lower-cased (the part before @ is the mailbox's own).
            #expect(outbox.first?.body == "From: Luke Skywalker <Luke@example.com>\nHi there")
            #expect(outbox.first?.replyTo == "Luke@example.com")
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
            let response = try await browser.post("/contact-us/", form: [("name", ""), ("email", "not-an-address"), ("message", "Hi <there>")])
            #expect(response.status == .unprocessableContent)
            let html = response.text
            #expect(html.contains("This field is required."))
            #expect(html.contains(#"id="error_name""#))
            #expect(html.contains(#"id="error_email""#))
            #expect(html.contains(#"value="not-an-address""#))
            #expect(html.contains("Hi &lt;there&gt;</textarea>"))
            #expect(try await db.outbox.outbox().isEmpty)
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
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func contactFormValidation() {
        let valid = "name=Luke+Skywalker&email=luke%40example.com&message=Hi+there"
        #expect(throws: Never.self) { try ContactForm.validate(FormData(string: valid), signedInEmail: nil).get() }
        #expect(throws: FormValidatorFailure.self) { try ContactForm.validate(FormData(string: "message=Hi+there&email=a%40b.co"), signedInEmail: nil).get() }
        #expect(throws: FormValidatorFailure.self) { try ContactForm.validate(FormData(string: "name=%20%20&message=x&email=a%40b.co"), signedInEmail: nil).get() }
        // A visitor must give an address to answer to; a signed-in customer's is the account's.
        #expect(throws: FormValidatorFailure.self) { try ContactForm.validate(FormData(string: "name=L&message=x"), signedInEmail: nil).get() }
        let signedIn = try? ContactForm.validate(FormData(string: "name=L&message=x&email=other%40evil.example"), signedInEmail: "me@example.com").get()
        #expect(signedIn?.email == "me@example.com")
    }

    @Test func signedInCustomerAnswersToTheirOwnAddress() async throws {
        try await withTestApp { browser, db in
            _ = try await browser.signUp("reader@example.com", testPassword)
            let html = try await browser.get("/contact-us/").text
            #expect(html.contains(#"value="reader@example.com""#))
            #expect(html.contains(" readonly"))
            let response = try await browser.post(
                "/contact-us/", form: [("name", "Reader"), ("email", "someone-else@example.com"), ("message", "Where is my book?")]
            )
            #expect(response.status == .seeOther)
            let message = try await db.outbox.outbox().first { $0.subject.hasPrefix("Site message") }
            #expect(message?.replyTo == "reader@example.com")
            #expect(message?.body == "From: Reader <reader@example.com>\nWhere is my book?")
            // The anonymous page is not served the signed-in user's address from the cache.
            let other = TestBrowser(client: browser.client)
            #expect(!(try await other.get("/contact-us/").text).contains("reader@example.com"))
        }
    }

    @Test func replyToAndHTMLPartAreInTheSentMessage() {
        let plain = SMTPTransport.message(OutboxEmail(to: "cs@shop", from: "site@shop", subject: "s", body: "b", replyTo: "luke@example.com"))
        #expect(plain.contains("\r\nReply-To: luke@example.com\r\n"))
        #expect(plain.contains("Content-Type: text/plain"))
        let both = SMTPTransport.message(OutboxEmail(to: "a@b.c", from: "d@e.f", subject: "s", body: "plain words", htmlBody: "<p>html words</p>"))
        #expect(both.contains("Content-Type: multipart/alternative; boundary="))
        #expect(!both.contains("Reply-To"))
        let plainAt = both.range(of: "plain words")!.lowerBound, htmlAt = both.range(of: "<p>html words</p>")!.lowerBound
        #expect(plainAt < htmlAt)
    }

    @Test func postWithoutCSRFTokenIsForbiddenAndChangesNothing() async throws {
        try await withTestApp { browser, db in
            try await browser.get("/contact-us/")
            let response = try await browser.post("/contact-us/", form: [("name", "Mallory"), ("message", "forged")], csrf: false)
            #expect(response.status == .forbidden)
            #expect(response.text.contains("BookTime"))
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func postWithWrongCSRFTokenIsForbidden() async throws {
        try await withTestApp { browser, db in
            try await browser.get("/")
            let response = try await browser.post(
                "/contact-us/", form: [("name", "Mallory"), ("message", "forged"), ("csrf_token", String(repeating: "A", count: 43))], csrf: false
            )
            #expect(response.status == .forbidden)
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func postWithoutCSRFCookieIsForbidden() async throws {
        try await withTestApp { browser, db in
            // A token in the form but no cookie: a forged cross-site form.
            let response = try await browser.post(
                "/contact-us/", form: [("name", "M"), ("message", "m"), ("csrf_token", String(repeating: "A", count: 43))], csrf: false
            )
            #expect(response.status == .forbidden)
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func postFromAnotherOriginIsForbidden() async throws {
        try await withTestApp { browser, db in
            var headers = HTTPFields()
            headers[.origin] = "https://evil.example"
            let response = try await browser.post("/contact-us/", form: [("name", "M"), ("message", "m")], headers: headers)
            #expect(response.status == .forbidden)
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    /// `X-Forwarded-Host` is a proxy's word, trusted only behind one: otherwise a forged POST could
    /// name its own origin as the "forwarded" host.
    @Test func forwardedHostIsTrustedOnlyBehindTheProxy() async throws {
        try await withTestApp { browser, db in
            var headers = HTTPFields()
            headers[.origin] = "https://evil.example"
            headers[HTTPField.Name("X-Forwarded-Host")!] = "evil.example"
            let response = try await browser.post("/contact-us/", form: [("name", "M"), ("email", "m@example.com"), ("message", "m")], headers: headers)
            #expect(response.status == .forbidden)
            #expect(try await db.outbox.outbox().isEmpty)
        }
        try await withTestApp(configure: { $0.behindHTTPSProxy = true }) { browser, _ in
            var headers = HTTPFields()
            headers[.origin] = "https://shop.example"
            headers[HTTPField.Name("X-Forwarded-Host")!] = "shop.example"
            headers[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let response = try await browser.post("/contact-us/", form: [("name", "M"), ("email", "m@example.com"), ("message", "m")], headers: headers)
            #expect(response.status == .seeOther)
        }
    }

    /// Three anonymous clients wrote 10,620 outbox rows in 12 s: now five messages per client in
    /// ten minutes, then a 429 page that says why; nothing more is written.
    @Test func theContactFormCannotFloodTheOutbox() async throws {
        try await withTestApp { browser, db in
            let form = [("name", "Flood"), ("email", "flood@example.com"), ("message", "again")]
            for _ in 0..<5 { #expect(try await browser.post("/contact-us/", form: form).status == .seeOther) }
            let refused = try await browser.post("/contact-us/", form: form)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "600")
            #expect(refused.text.contains("Please wait ten minutes before writing again."))
            #expect(try await db.outbox.outbox().count == 5)
        }
    }

    /// However many clients write, the messages waiting for customer service are capped.
    @Test func waitingContactMessagesAreCapped() async throws {
        try await withTestApp { browser, db in
            try await db.dbWriter.write { db in
                for _ in 0..<CompanyController.maxWaitingMessages {
                    var email = OutboxEmail(to: "customerservice@booktime.domain", from: "site@booktime.domain", subject: "Site message", body: "x")
                    try email.insert(db)
                }
            }
            let refused = try await browser.post("/contact-us/", form: [("name", "A"), ("email", "a@example.com"), ("message", "hello")])
            #expect(refused.status == .tooManyRequests)
            #expect(refused.text.contains("too many messages waiting"))
            #expect(try await db.outbox.outbox().count == CompanyController.maxWaitingMessages)
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
