import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import BookTime

/// A fresh temporary directory per test, removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "booktime-test-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// A migrated database in its own temporary directory (never `./booktime.db`).
struct TestDatabase {
    let directory: TemporaryDirectory
    let db: AppDatabase

    init() throws {
        directory = try TemporaryDirectory()
        db = try AppDatabase.open(path: directory.file("test.db"))
        try db.migrate()
    }
}

/// Records emails instead of sending them; can be told to fail.
final class RecordingTransport: MailTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var _sent: [OutboxEmail] = []
    private var failuresLeft: Int

    init(failFirst: Int = 0) { failuresLeft = failFirst }

    var sent: [OutboxEmail] { lock.withLock { _sent } }

    func send(_ email: OutboxEmail) async throws {
        try lock.withLock {
            if failuresLeft > 0 {
                failuresLeft -= 1
                throw SMTPTransport.SMTPError(description: "server said no")
            }
            _sent.append(email)
        }
    }
}

/// The live test server's connection limits. The browser's one connection opens with the app and
/// may first be used after a slow setup: with the shop's 10 s header timeout a test that spent
/// longer than that in bcrypt on a loaded CI machine found the connection closed ("I/O on closed
/// channel"). The limits themselves are tested on a real process (`SlowClientTests`).
let testConnectionLimits: ConnectionLimits = {
    var limits = ConnectionLimits()
    limits.headerTimeout = .seconds(600)
    limits.keepAliveTimeout = .seconds(600)
    limits.bodyTimeout = .seconds(600)
    limits.idleTimeout = .seconds(600)
    return limits
}()

/// Builds the real application on a temporary database and runs `body` with a cookie-keeping browser.
func withTestApp<Value: Sendable>(
    configure: (inout AppConfiguration) -> Void = { _ in },
    prepare: (AppDatabase) async throws -> Void = { _ in },
    setup: TestingSetup = .router,
    _ body: @Sendable (TestBrowser, AppDatabase) async throws -> Value
) async throws -> Value {
    let testDB = try TestDatabase()
    try await prepare(testDB.db)
    var config = AppConfiguration()
    config.port = 0
    config.databasePath = testDB.db.path
    config.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
    config.connections = testConnectionLimits
    configure(&config)
    let app = try await buildApplication(config, database: testDB.db, mailTransport: RecordingTransport())
    let db = testDB.db
    let value = try await app.test(setup) { client in
        try await body(TestBrowser(client: client), db)
    }
    withExtendedLifetime(testDB) {}
    return value
}

/// A minimal browser: keeps cookies between requests and reads CSRF tokens out of forms.
final class TestBrowser: @unchecked Sendable {
    let client: any TestClientProtocol
    private let lock = NSLock()
    private var cookies: [String: String] = [:]

    init(client: any TestClientProtocol) { self.client = client }

    func cookie(_ name: String) -> String? { lock.withLock { cookies[name] } }
    func setCookie(_ name: String, _ value: String?) { lock.withLock { cookies[name] = value } }

    @discardableResult
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await request(uri, method: .get, headers: headers)
    }

    /// POSTs a url-encoded form; `csrf: true` adds the token the browser holds.
    @discardableResult
    func post(_ uri: String, form: [(String, String)], csrf: Bool = true, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = form
        if csrf {
            // Like a real browser: the token comes from the form on a page, not from the cookie.
            let page = try await get("/contact-us/").text
            let token = page.firstMatch(of: /name="csrf_token" value="([^"]*)"/).map { String($0.1) } ?? ""
            fields.append((CSRFMiddleware.fieldName, token))
        }
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await request(uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func request(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil) async throws -> TestResponse {
        var headers = headers
        let cookieHeader = lock.withLock { cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        if !cookieHeader.isEmpty, headers[.cookie] == nil { headers[.cookie] = cookieHeader }
        let response = try await client.executeRequest(uri: uri, method: method, headers: headers, body: body)
        for header in response.headers[values: .setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let expired = header.lowercased().contains("max-age=0") || pair[1].isEmpty || Self.expiresInThePast(header)
            setCookie(name, expired ? nil : String(pair[1]))
        }
        return response
    }

    /// A cookie whose `Expires` is now or earlier is deleted, as a browser does.
    static func expiresInThePast(_ header: String) -> Bool {
        guard let match = header.firstMatch(of: /[Ee]xpires=([^;]+)/) else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: String(match.1)) else { return false }
        return date <= Date()
    }

    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}

extension TestBrowser {
    /// Signs in through the login form; returns the response (303 on success).
    @discardableResult
    func logIn(_ email: String, _ password: String, next: String? = nil) async throws -> TestResponse {
        try await post(Routes.login(next: next), form: [("email", email), ("password", password)])
    }

    @discardableResult
    func signUp(_ email: String, _ password: String, next: String? = nil) async throws -> TestResponse {
        try await post(Routes.signup(next: next), form: [("email", email), ("password1", password), ("password2", password)])
    }

    @discardableResult
    func logOut() async throws -> TestResponse {
        try await post(Routes.logout, form: [])
    }
}

/// A password that passes the policy, for test accounts.
let testPassword = "a long enough phrase"
