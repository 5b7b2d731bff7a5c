import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BookTime

/// The API's JSON Web Tokens: issue, use, expiry, tampering, `alg: none`, rotation and family
/// revocation, logout, purge.
@Suite struct JWTTests {
    static func pair(_ response: TestResponse) throws -> (access: String, refresh: String) {
        let json = try DispatchAPITests.json(response)
        return (try #require(json["access"] as? String), try #require(json["refresh"] as? String))
    }

    static func signIn(_ browser: TestBrowser, _ role: Role) async throws -> (access: String, refresh: String) {
        let response = try await DispatchAPITests.send(
            browser, .post, Routes.apiToken, #"{"username": "\#(role.rawValue)@booktime.domain", "password": "\#(testPassword)"}"#, headers: [:]
        )
        #expect(response.status == .ok)
        return try pair(response)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func anAccessTokenWorksAndForgeriesDoNot() async throws {
        try await withTestApp { browser, db in
            _ = try await AdminShop.make(browser, db, signIn: [])
            let (access, refresh) = try await Self.signIn(browser, .dispatcher)
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer(access)).status == .ok)
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer(refresh)).status == .unauthorized, "a refresh token is not an access token")

            let parts = access.split(separator: ".").map(String.init)
            #expect(parts.count == 3)
            var payload = try #require(try JSONSerialization.jsonObject(with: Data(base64Encoded: parts[1].padded) ?? Data()) as? [String: Any])
            #expect(payload["typ"] as? String == "access")
            #expect(payload["jti"] != nil && payload["iat"] != nil && payload["exp"] != nil)
            payload["sub"] = "1"
            let changed = Self.base64URL(try JSONSerialization.data(withJSONObject: payload))
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer([parts[0], changed, parts[2]].joined(separator: "."))).status == .unauthorized)
            let none = Self.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8))
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer("\(none).\(parts[1]).")).status == .unauthorized)
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer("not.a.token")).status == .unauthorized)

            let customer = try await Self.signIn(browser, .customer)
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer(customer.access)).status == .forbidden)
            #expect(try await browser.get(Routes.myOrders, headers: Self.bearer(customer.access)).status == .ok)

            let expired = try await JWTTokens.make(db: db).issue(userID: 1, now: Date().addingTimeInterval(-2 * JWTTokens.accessLifetime))
            #expect(try await browser.get(Routes.myOrders, headers: Self.bearer(expired.access)).status == .unauthorized)
            let wrong = try await DispatchAPITests.send(browser, .post, Routes.apiToken, #"{"username": "dispatcher@booktime.domain", "password": "wrong"}"#, headers: [:])
            #expect(wrong.status == .badRequest)
        }
    }

    @Test func refreshRotatesAndReuseRevokesTheFamily() async throws {
        try await withTestApp { browser, db in
            _ = try await AdminShop.make(browser, db, signIn: [])
            let first = try await Self.signIn(browser, .dispatcher)
            let refreshed = try await DispatchAPITests.send(browser, .post, Routes.apiTokenRefresh, #"{"refresh": "\#(first.refresh)"}"#, headers: [:])
            #expect(refreshed.status == .ok)
            let second = try Self.pair(refreshed)
            #expect(second.refresh != first.refresh)
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.bearer(second.access)).status == .ok)

            let reused = try await DispatchAPITests.send(browser, .post, Routes.apiTokenRefresh, #"{"refresh": "\#(first.refresh)"}"#, headers: [:])
            #expect(reused.status == .unauthorized)
            #expect((try DispatchAPITests.json(reused)["error"] as? [String: Any])?["code"] as? String == "token_not_valid")
            let afterTheft = try await DispatchAPITests.send(browser, .post, Routes.apiTokenRefresh, #"{"refresh": "\#(second.refresh)"}"#, headers: [:])
            #expect(afterTheft.status == .unauthorized, "reusing a used refresh token revoked its whole family")

            let other = try await Self.signIn(browser, .dispatcher)
            #expect(try await DispatchAPITests.send(browser, .post, Routes.apiLogout, #"{"refresh": "\#(other.refresh)"}"#, headers: [:]).status == .noContent)
            #expect(try await DispatchAPITests.send(browser, .post, Routes.apiTokenRefresh, #"{"refresh": "\#(other.refresh)"}"#, headers: [:]).status == .unauthorized)
            #expect(try await DispatchAPITests.send(browser, .post, Routes.apiLogout, #"{"refresh": "\#(other.access)"}"#, headers: [:]).status == .unauthorized)

            let tokens = try await JWTTokens.make(db: db)
            let rows = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM jwtRefreshToken") } ?? 0
            #expect(try await tokens.purgeExpired(now: Date().addingTimeInterval(JWTTokens.refreshLifetime + 60)) == rows)
            #expect(try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM jwtRefreshToken") } == 0)
        }
    }
}

extension String {
    /// Base64url with its padding put back, for Foundation's decoder.
    var padded: String {
        let base = replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base + String(repeating: "=", count: (4 - base.count % 4) % 4)
    }
}
