import Foundation
import GRDB
import OpenAPIRuntime
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BookTime

/// `/healthz`, `/readyz` and `/metrics`.
@Suite struct HealthTests {
    @Test func readyWhenMigratedWritableAndWithRoom() async throws {
        try await withTestApp { browser, _ in
            let ready = try await browser.get(Routes.readyz)
            #expect(ready.status == .ok)
            #expect(ready.text == "ready\n")
            #expect(try await browser.get(Routes.healthz).text == "ok\n")
        }
        try await withTestApp(configure: { $0.readyMinimumFreeBytes = Int.max }) { browser, _ in
            let full = try await browser.get(Routes.readyz)
            #expect(full.status == .serviceUnavailable)
            #expect(full.text.contains("free beside the database"), "\(full.text)")
        }
    }

    @Test func metricsAreForOwnersAndCountRequestsByRoutePattern() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            #expect(try await shop.anonymous.get(Routes.metrics).status == .forbidden)
            #expect(try await shop.employee.get(Routes.metrics).status == .forbidden)
            for _ in 0..<3 { _ = try await shop.anonymous.get("/products/all/") }
            _ = try await shop.anonymous.get("/product/no-such-book/")
            _ = try await shop.anonymous.get("/products/all/")  // from the page cache
            let metrics = try await shop.owner.get(Routes.metrics)
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = metrics.text
            // Hummingbird names a route by its pattern without the trailing slash.
            let pattern = String(Routes.Pattern.products.pattern.dropLast())
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("booktime_http_requests_total{") && $0.contains(#"route="\#(pattern)""#) && $0.contains(#"status="200""#) })
            #expect(line.hasSuffix(" 4"), "\(line)")
            #expect(text.contains(#"route="\#(Routes.Pattern.product.pattern.dropLast())",status="404""#))
            #expect(!text.contains("no-such-book"), "paths never become labels")
            #expect(text.contains("booktime_http_request_duration_seconds_bucket{route=\"\(pattern)\""))
            let hits = try #require(Self.value(of: "booktime_page_cache_hits_total", in: text))
            #expect(hits >= 1)
            for name in ["booktime_db_write_wait_seconds", "booktime_outbox_pending", "booktime_outbox_failed", "booktime_sessions_active", "booktime_chat_sockets_open", "booktime_backup_age_seconds"] {
                #expect(Self.value(of: name, in: text) != nil, "\(name)")
            }
            #expect(try #require(Self.value(of: "booktime_sessions_active", in: text)) >= 4, "the fixture's four signed-in browsers")
            #expect(Self.value(of: "booktime_outbox_pending", in: text) == 1, "the fixture's order email")
        }
    }

    static func value(of name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }
}

/// What a visitor is told when the database cannot be written (e2e/degraded.sh shows it live).
@Suite struct StorageTroubleTests {
    @Test func storageConditionsAreServiceUnavailableWithAReason() {
        #expect(ErrorPageMiddleware.storageTrouble(DatabaseError(resultCode: .SQLITE_FULL))?.contains("disk is full") == true)
        #expect(ErrorPageMiddleware.storageTrouble(DatabaseError(resultCode: .SQLITE_READONLY))?.contains("cannot be written") == true)
        #expect(ErrorPageMiddleware.storageTrouble(DatabaseError(resultCode: .SQLITE_IOERR))?.contains("cannot be written") == true)
        #expect(ErrorPageMiddleware.storageTrouble(DatabaseError(resultCode: .SQLITE_BUSY))?.contains("busy") == true)
        #expect(ErrorPageMiddleware.storageTrouble(DatabaseError(resultCode: .SQLITE_CONSTRAINT)) == nil, "a bug stays a 500")
        let api = APIError.from(ServerError(operationID: "x", request: HTTPRequest(method: .get, scheme: nil, authority: nil, path: "/"), requestBody: nil, requestMetadata: .init(), causeDescription: "", underlyingError: DatabaseError(resultCode: .SQLITE_FULL)), fallbackMessage: "")
        #expect(api.status == .serviceUnavailable)
        #expect(api.code == "unavailable")
    }

    @Test func theOutboxSenderStopsAPassWhenItCannotRecordAndBacksOff() async throws {
        let test = try TestDatabase()
        _ = try await test.db.outbox.enqueueEmail(OutboxEmail(to: "a@example.com", from: "shop@example.com", subject: "One", body: "x"))
        _ = try await test.db.outbox.enqueueEmail(OutboxEmail(to: "b@example.com", from: "shop@example.com", subject: "Two", body: "x"))
        let transport = RecordingTransport()
        // The outbox can be read but not written: as with a full disk.
        try await test.db.dbWriter.write { try $0.execute(sql: "CREATE TRIGGER refuse BEFORE UPDATE ON emailOutbox BEGIN SELECT RAISE(FAIL, 'disk full'); END") }
        let result = await MailSender(db: test.db, transport: transport).deliverDue()
        #expect(result.storageFailed)
        #expect(transport.sent.count == 1, "one message at most goes out unrecorded; the pass stops")
    }
}
