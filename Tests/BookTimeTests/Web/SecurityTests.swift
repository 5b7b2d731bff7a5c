import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime

@Suite struct SecurityTests {
    @Test(arguments: ["/", "/nope/", "/healthz"])
    func securityHeadersOnEveryResponse(path: String) async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get(path)
            let csp = try #require(response.headers[.contentSecurityPolicy])
            #expect(csp.contains("script-src 'self'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(response.headers[.xContentTypeOptions] == "nosniff")
            #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
        }
    }

    @Test func unknownPageIsAnHTML404InTheLayout() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/no-such-page/")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.text.contains("BookTime"))
            #expect(response.text.contains("We could not find this page"))
        }
    }

    @Test func apiPathsGetJSONErrors() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/api/nothing/")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/json")
            #expect(response.text.hasPrefix(#"{"detail":"#))
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withTestApp(configure: { $0.maxRequestBodyBytes = 1000 }) { browser, db in
            let response = try await browser.post("/contact-us/", form: [("name", "x"), ("message", String(repeating: "m", count: 2000))])
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("BookTime"))
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func oversizedFormBodyBeyondContextLimitIsRefused() async throws {
        try await withTestApp { browser, db in
            // Under the server's limit but over a form's 1 MiB.
            let response = try await browser.post("/contact-us/", form: [("name", "x"), ("message", String(repeating: "m", count: 1_100_000))])
            #expect(response.status == .contentTooLarge)
            #expect(try await db.outbox().isEmpty)
        }
    }

    @Test func healthz() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/healthz")
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    @Test func cookiesAreHttpOnlyAndSameSite() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/")
            let csrf = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("csrftoken=") })
            #expect(csrf.contains("HttpOnly"))
            #expect(csrf.contains("SameSite=Lax"))
            #expect(!csrf.contains("Secure"))
        }
    }

    @Test func behindHTTPSProxyCookiesAreSecure() async throws {
        try await withTestApp(configure: { $0.behindHTTPSProxy = true }) { browser, _ in
            let response = try await browser.get("/")
            let csrf = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("csrftoken=") })
            #expect(csrf.contains("Secure"))
            #expect(response.headers[.strictTransportSecurity] != nil)
        }
    }

    @Test func getNeverWritesServerState() async throws {
        try await withTestApp { browser, db in
            for path in ["/", "/about-us/", "/contact-us/", "/missing/"] { try await browser.get(path) }
            let sessions = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM persist") }
            #expect(sessions == 0)
        }
    }

    @Test func templatesEscapeOutput() async throws {
        try await withTestApp { browser, _ in
            let html = try await browser.post("/contact-us/", form: [("name", "<script>alert(1)</script>"), ("message", "")]).text
            #expect(!html.contains("<script>alert(1)</script>"))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        }
    }
}

import GRDB
