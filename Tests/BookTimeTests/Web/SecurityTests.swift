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

    /// Each header once; a response with its own policy (an SVG cover, whose inline styles the
    /// site's policy would block) keeps it.
    @Test func eachHeaderOnceAndACoverKeepsItsOwnPolicy() async throws {
        try await withTestApp { browser, db in
            let product = try await ShopFixtures.product(db, "Cover Story", price: 500)
            let page = try await browser.get("/")
            for name in [HTTPField.Name.contentSecurityPolicy, .xContentTypeOptions, HTTPField.Name("X-Frame-Options")!] {
                #expect(page.headers[values: name].count == 1, "\(name)")
            }
            let cover = try await browser.get(Routes.cover(slug: product.slug))
            #expect(cover.status == .ok)
            #expect(cover.headers[values: .contentSecurityPolicy] == ["default-src 'none'; style-src 'unsafe-inline'"])
            #expect(cover.headers[.xContentTypeOptions] == "nosniff")
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
            let body = try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: [String: String]]
            #expect(body?["error"]?["code"] == "not_found")
            #expect(body?["error"]?["message"] == "Not Found.")
        }
    }

    @Test func oversizedBodyIsRefused() async throws {
        try await withTestApp(configure: { $0.maxRequestBodyBytes = 1000 }) { browser, db in
            let response = try await browser.post("/contact-us/", form: [("name", "x"), ("message", String(repeating: "m", count: 2000))])
            #expect(response.status == .contentTooLarge)
            #expect(response.text.contains("BookTime"))
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func oversizedFormBodyBeyondContextLimitIsRefused() async throws {
        try await withTestApp { browser, db in
            // Under the server's limit but over a form's 1 MiB.
            let response = try await browser.post("/contact-us/", form: [("name", "x"), ("message", String(repeating: "m", count: 1_100_000))])
            #expect(response.status == .contentTooLarge)
            #expect(try await db.outbox.outbox().isEmpty)
        }
    }

    @Test func healthz() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/healthz")
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    static func parts(_ setCookie: String) -> Set<String> { Set(setCookie.components(separatedBy: "; ")) }

    @Test func cookiesAreHttpOnlyAndSameSite() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/")
            let csrf = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("csrftoken=") })
            #expect(csrf.contains("HttpOnly"))
            #expect(csrf.contains("SameSite=Lax"))
            #expect(!csrf.contains("Secure"))
            // What Hummingbird's own `Cookie` writes (in its own order: it keeps them in a dictionary).
            let token = String(csrf.dropFirst("csrftoken=".count).prefix(43))
            #expect(Self.parts(csrf) == Self.parts(CSRFMiddleware.cookie(token: token, secure: false).description))
        }
    }

    @Test func behindHTTPSProxyCookiesAreSecure() async throws {
        try await withTestApp(configure: { $0.behindHTTPSProxy = true }) { browser, _ in
            let response = try await browser.get("/")
            let csrf = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("csrftoken=") })
            #expect(csrf.contains("Secure"))
            let token = String(csrf.dropFirst("csrftoken=".count).prefix(43))
            #expect(Self.parts(csrf) == Self.parts(CSRFMiddleware.cookie(token: token, secure: true).description))
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

extension SecurityTests {
    /// Monitors use HEAD: the GET's status and headers, no body (it was a 404 for every page).
    @Test(arguments: ["/", "/products/all/", "/healthz", "/about-us/", "/favicon.ico"])
    func headAnswersLikeGetWithoutABody(path: String) async throws {
        try await withTestApp { browser, _ in
            let get = try await browser.get(path)
            let head = try await browser.request(path, method: .head)
            #expect(head.status == get.status)
            #expect(head.status == .ok)
            #expect(head.headers[.contentType] == get.headers[.contentType])
            #expect(head.body.readableBytes == 0)
        }
    }

    /// No Host, or two: 400, before anything else runs.
    @Test func aRequestNeedsExactlyOneHost() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path)
        defer { _ = server.stop() }
        let port = try #require(server.baseURL.port)
        func raw(_ text: String) throws -> String {
            let connection = try RawHTTPConnection(port: port)
            defer { connection.close() }
            connection.send(text)
            return connection.receiveAll()
        }
        #expect(try raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        #expect(try raw("GET / HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        #expect(try raw("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200"))
        let head = try raw("HEAD /about-us/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200"))
        let length = head.firstMatch(of: /[Cc]ontent-[Ll]ength: (\d+)/).flatMap { Int($0.1) } ?? 0
        #expect(length > 1000, "the length the GET would have")
        #expect(head.hasSuffix("\r\n\r\n"), "and no body")
    }
}
