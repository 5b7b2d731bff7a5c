import Foundation
import GRDB
import Testing

@testable import BookTime

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

#if canImport(Glibc)
import Glibc
#endif

/// A blocking loopback TCP client, enough to hold a request open across a signal.
struct RawHTTPConnection {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw CLIFailure(message: "connect failed: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
    }

    /// Everything the server sends until it closes the connection or times out.
    func receiveAll() -> String {
        String(decoding: receiveAllBytes(), as: UTF8.self)
    }

    func receiveAllBytes() -> [UInt8] {
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &buffer, buffer.count, 0)
            if count <= 0 { break }
            data += buffer[0..<count]
        }
        return data
    }

    func close() { _ = Glibc.close(fd) }
}

@Suite(.serialized) struct GracefulShutdownTests {
    /// SIGTERM while a request body is still arriving: the request completes, then the server exits 0.
    @Test func inFlightRequestFinishesAfterSIGTERM() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path)
        defer { _ = server.stop() }
        let port = try #require(server.baseURL.port)

        let token = String(repeating: "A", count: 43)
        let body = "name=Anne&email=anne%40example.com&message=Persuasion&csrf_token=\(token)"
        let connection = try RawHTTPConnection(port: port)
        defer { connection.close() }
        connection.send(
            "POST /contact-us/ HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nCookie: csrftoken=\(token)\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n" + String(body.prefix(10))
        )
        try await Task.sleep(for: .milliseconds(300))
        server.process.interrupt()  // SIGINT; SIGTERM is handled the same way
        try await Task.sleep(for: .milliseconds(300))
        #expect(server.process.isRunning, "the server must wait for the open request")
        connection.send(String(body.dropFirst(10)))
        let response = connection.receiveAll()
        #expect(response.hasPrefix("HTTP/1.1 303"), "\(response.prefix(200))")
        #expect(response.contains("location: /") || response.contains("Location: /"))
        #expect(server.stop() == 0)
    }

    /// After SIGTERM the `.db` alone holds everything: no write is left in a `-wal` beside it.
    @Test func aCleanStopLeavesEverythingInTheDatabaseFile() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path)
        for index in 0..<5 {
            try await server.postForm("/contact-us/", "name=Anne&email=anne%40example.com&message=Letter+\(index)")
        }
        #expect(server.stop() == 0)
        let wal = directory.file("shop.db-wal")
        let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walSize == 0, "the WAL was checkpointed into the file at shutdown")
        // The file copied alone, as an owner copying it by hand would.
        let copy = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: directory.file("shop.db"), toPath: copy.file("copy.db"))
        let check = try BookTimeBinary.run(["check", "--db", copy.file("copy.db")])
        #expect(check.status == 0)
        let db = try AppDatabase.open(path: copy.file("copy.db"))
        defer { try? db.close() }
        let letters = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM emailOutbox WHERE subject LIKE 'Site message%'") }
        #expect(letters == 5)
        let products = try await db.reader.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM product") } ?? 0
        #expect(products > 100, "the first run's demo catalogue")
    }

    /// With `--port 0` and no public URL, emailed links name the port the shop listens on (they
    /// said `http://127.0.0.1:0/`).
    @Test func emailedLinksNameThePortChosenAtStart() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path)
        try await server.postForm("/signup/", "email=port%40example.com&password1=a+quiet+lighthouse+7&password2=a+quiet+lighthouse+7")
        #expect(server.stop() == 0)
        let db = try AppDatabase.open(path: directory.file("shop.db"))
        defer { try? db.close() }
        let welcome = try #require(try await db.outbox.outbox().first { $0.toAddress == "port@example.com" })
        let base = server.baseURL.absoluteString.hasSuffix("/") ? String(server.baseURL.absoluteString.dropLast()) : server.baseURL.absoluteString
        #expect(welcome.body.contains(base + "/login/"), "\(welcome.body)")
        #expect(!welcome.body.contains(":0/"))
    }
}

/// SIGTERM with a chat socket and an order page's event stream open: the socket gets a close
/// frame, the stream ends, and the server exits well within 10 s.
@Suite(.serialized) struct RealTimeShutdownTests {
    @Test func openSocketsAndStreamsDoNotHoldTheServer() async throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("shop.db")], in: directory.path)
        defer { _ = server.stop() }
        let port = try #require(server.baseURL.port)
        let db = try AppDatabase.open(path: directory.file("shop.db"))
        defer { try? db.close() }
        let shop = try await ChatFixture.make(db)

        let socket = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
        #expect(try await socket.next()["type"] as? String == "chat_join")
        let cookie = try await TestBrowser.sessionCookie(for: shop.customer, db: db)
        let stream = try RawHTTPConnection(port: port)
        defer { stream.close() }
        stream.send(
            "GET \(Routes.orderEvents(id: shop.orderID)) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nCookie: \(AccountSessions.cookieName)=\(cookie)\r\n\r\n"
        )
        try await Task.sleep(for: .milliseconds(500))

        let started = ContinuousClock.now
        server.process.terminate()
        // A close frame: ours ("going away") or hummingbird-websocket's own at shutdown (normal).
        let close = try #require(try await socket.closed())
        #expect([.goingAway, .normalClosure].contains(close.closeCode))
        #expect(stream.receiveAll().contains("data: "), "the stream sent its event and then ended")
        #expect(server.stop() == 0)
        let took = ContinuousClock.now - started
        #expect(took < .seconds(10), "shutdown took \(took)")
    }
}

/// Litestream holds a read transaction on the WAL; closing must not wait for ever or fail then.
@Suite struct CloseWithAReaderTests {
    @Test func closingWithAnotherReaderLeavesTheWALAndSucceeds() async throws {
        let directory = try TemporaryDirectory()
        let db = try AppDatabase.open(path: directory.file("shop.db"))
        try db.migrate()
        try await db.dbWriter.write { try $0.execute(sql: "INSERT INTO setting (key, value) VALUES ('probe', 'x')") }
        // Another connection, as Litestream's, in the middle of a read.
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: directory.file("shop.db"), configuration: holding)
        try await other.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN DEFERRED")
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM setting")
        }
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE setting SET value = 'y' WHERE key = 'probe'") }
        let started = ContinuousClock.now
        #expect(try db.close() == false, "the WAL is left for the other reader")
        #expect(ContinuousClock.now - started < .seconds(4))
        try await other.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try other.close()
        // Nothing was lost: the change is in the WAL, read on the next open.
        let reopened = try AppDatabase.open(path: directory.file("shop.db"))
        #expect(try await reopened.reader.read { try String.fetchOne($0, sql: "SELECT value FROM setting WHERE key = 'probe'") } == "y")
        #expect(try reopened.close() == true)
    }
}
