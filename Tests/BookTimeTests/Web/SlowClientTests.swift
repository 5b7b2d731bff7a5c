import Foundation
import Synchronization
import Testing

@testable import BookTime

#if canImport(Glibc)
import Glibc
#endif

/// Slow and idle clients are closed on time (the attack run held 2,000 idle keep-alive sockets
/// forever and kept connections open by dripping headers), and everyone else is served.
@Suite(.serialized) struct SlowClientTests {
    static let environment = ["BOOKTIME_HEADER_TIMEOUT": "1", "BOOKTIME_KEEP_ALIVE_TIMEOUT": "2", "BOOKTIME_BODY_TIMEOUT": "1"]

    /// Seconds until the server closes `connection`, sending `drip` every 0.25 s meanwhile.
    static func secondsUntilClosed(_ connection: RawHTTPConnection, drip: String? = nil, limit: Double = 8) -> Double {
        let start = Date()
        var flags = fcntl(connection.fd, F_GETFL)
        flags |= O_NONBLOCK
        _ = fcntl(connection.fd, F_SETFL, flags)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(start) < limit {
            let count = recv(connection.fd, &buffer, buffer.count, 0)
            if count == 0 { return Date().timeIntervalSince(start) }
            if count < 0, errno != EAGAIN, errno != EWOULDBLOCK { return Date().timeIntervalSince(start) }
            if let drip { connection.send(drip) }
            usleep(250_000)
        }
        return limit
    }

    /// In-process test servers give a slow test room: CI once spent more than the shop's 10 s
    /// header timeout in a test's setup and found its browser's connection closed.
    @Test func testServersOutwaitASlowSetup() async throws {
        let seen = Mutex<ConnectionLimits?>(nil)
        try await withTestApp(configure: { config in seen.withLock { $0 = config.connections } }) { _, _ in }
        let limits = try #require(seen.withLock { $0 })
        for timeout in [limits.headerTimeout, limits.keepAliveTimeout, limits.bodyTimeout, limits.idleTimeout] {
            #expect(timeout >= .seconds(300))
        }
    }

    @Test func slowAndIdleClientsAreClosedOnTime() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path, environment: Self.environment)
        defer { _ = server.stop() }
        let port = try #require(server.baseURL.port)

        // Connected, never sending: closed after the header timeout.
        let idle = try RawHTTPConnection(port: port)
        defer { idle.close() }
        let idleSeconds = Self.secondsUntilClosed(idle)
        #expect(idleSeconds >= 0.7 && idleSeconds < 3, "idle socket closed after \(idleSeconds) s")

        // Slowloris: a header line every quarter second never completes the head.
        let loris = try RawHTTPConnection(port: port)
        defer { loris.close() }
        loris.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        let lorisSeconds = Self.secondsUntilClosed(loris, drip: "X-Slow: 1\r\n")
        #expect(lorisSeconds < 3, "dripping headers closed after \(lorisSeconds) s")

        // A body that stops arriving.
        let body = try RawHTTPConnection(port: port)
        defer { body.close() }
        body.send("POST /contact-us/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=a")
        let bodySeconds = Self.secondsUntilClosed(body)
        #expect(bodySeconds < 3, "a stalled body closed after \(bodySeconds) s")

        // Kept alive after a response, then idle: closed after the keep-alive timeout.
        let kept = try RawHTTPConnection(port: port)
        defer { kept.close() }
        kept.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        let keptSeconds = Self.secondsUntilClosed(kept)
        #expect(keptSeconds >= 1.5 && keptSeconds < 4, "kept-alive socket closed after \(keptSeconds) s")

        // Meanwhile and afterwards, ordinary requests are served.
        #expect(try await server.get("/healthz").status == 200)
        #expect(try await server.get("/").status == 200)
    }

    @Test func openFileLimitIsRaisedAndConnectionsCappedBelowIt() {
        let limits = ConnectionLimits.raiseOpenFileLimit()
        #expect(limits.after == limits.hard || limits.after >= limits.before)
        #expect(ConnectionLimits.connections(forOpenFiles: 1024) == 960)
        #expect(ConnectionLimits.connections(forOpenFiles: 524_288) == 10_000)
        #expect(ConnectionLimits.connections(forOpenFiles: 10) == 16)
    }

    @Test func badTimeoutSettingsExitWith2() throws {
        let directory = try TemporaryDirectory()
        let result = try BookTimeBinary.run(["serve", "--port", "0"], in: directory.path, environment: ["BOOKTIME_HEADER_TIMEOUT": "0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("BOOKTIME_HEADER_TIMEOUT must be a number of seconds from 1 to 3600"))
    }
}
