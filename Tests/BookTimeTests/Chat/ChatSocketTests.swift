import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's consumer tests (§11.4) and what ours adds: history and replay, limits, refusals.
@Suite struct ChatSocketTests {
    static func frameSummary(_ frame: [String: Any]) -> String {
        [frame["type"], frame["username"], frame["message"]].compactMap { $0 as? String }.joined(separator: "|")
    }

    /// test_chat_between_two_users_works
    @Test func aCustomerAndAnEmployeeChat() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            #expect(Self.frameSummary(try await customer.next()) == "chat_join|John Smith")
            let agent = ChatTestClient(port: port, path: shop.path(token: shop.agentToken))
            #expect(Self.frameSummary(try await agent.next()) == "chat_join|Adam Ford")
            try await customer.message("hello customer service")
            try await Task.sleep(for: .milliseconds(200))
            try await agent.message("hello user")
            var received: [String] = []
            for _ in 0..<3 { received.append(Self.frameSummary(try await customer.next())) }
            #expect(received == ["chat_join|Adam Ford", "chat_message|John Smith|hello customer service", "chat_message|Adam Ford|hello user"])
            await customer.close()
            await agent.close()
            #expect(try await db.chat.lastSpokenTo(orderID: shop.orderID) == shop.agent.id)
            let stored = try await db.chat.history(orderID: shop.orderID, after: nil)
            #expect(stored.map(\.message) == ["hello customer service", "hello user"])
            #expect(stored.map(\.fromStaff) == [false, true])
        }
    }

    /// test_chat_blocks_unauthorized_users, and what the refusal looks like: 403 at the upgrade.
    @Test func anotherCustomerOrNoOneIsRefusedDuringTheUpgrade() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            for path in [shop.path(token: shop.strangerToken), Routes.chatSocket(orderID: shop.orderID), shop.path(token: "not-a-token"),
                Routes.chatSocket(orderID: 999_999) + "?token=\(shop.customerToken)"] {
                let response = try await Self.upgrade(port: port, path: path)
                #expect(response.status == .forbidden, "\(path)")
                #expect(response.headers[.upgrade] == nil)
            }
            // A plain GET of the address says what it is for.
            #expect(try await browser.get(Routes.chatSocket(orderID: shop.orderID)).status == .upgradeRequired)
            let stranger = ChatTestClient(port: port, path: shop.path(token: shop.strangerToken))
            await #expect(throws: (any Error).self) { try await stranger.closed() }
        }
    }

    /// A WebSocket upgrade request on a connection of its own (a refusal closes it).
    static func upgrade(port: Int, path: String, headers: HTTPFields = [:]) async throws -> TestClient.Response {
        var all = upgradeHeaders
        all.append(contentsOf: headers)
        let request = all
        return try await TestClient.withClient(host: "localhost", port: port) { client in
            try await client.get(path, headers: request)
        }
    }

    /// An upgrade on a raw socket: every byte the server sends until it closes the connection.
    static func upgradeAndReadUntilClosed(port: Int, path: String) async throws -> [UInt8] {
        let connection = try RawHTTPConnection(port: port)
        defer { connection.close() }
        connection.send(
            "GET \(path) HTTP/1.1\r\nHost: localhost:\(port)\r\nOrigin: http://localhost:\(port)\r\nConnection: Upgrade\r\n"
                + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        // Blocking reads, off the cooperative threads the in-process server shares.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: connection.receiveAllBytes()) }
        }
    }

    static let upgradeHeaders: HTTPFields = [
        .connection: "Upgrade", .upgrade: "websocket", .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
    ]

    /// A browser's socket rides on its session cookie; a page on another site cannot use it.
    @Test func theSessionCookieWorksFromThisSiteOnly() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            try await browser.signInDirectly(shop.customer, db: db)
            let cookie = try #require(browser.cookie(AccountSessions.cookieName))
            let port = try #require(browser.client.port)
            let path = Routes.chatSocket(orderID: shop.orderID)
            let evil = try await Self.upgrade(port: port, path: path, headers: [.cookie: "\(AccountSessions.cookieName)=\(cookie)", .origin: "http://evil.example"])
            #expect(evil.status == .forbidden)

            // The client names its origin as this host (ws://localhost), as a page of this site would.
            let fromHere = ChatTestClient(port: port, path: path, headers: [.cookie: "\(AccountSessions.cookieName)=\(cookie)"])
            #expect(try await fromHere.next()["type"] as? String == "chat_join")
            await fromHere.close()
        }
    }

    @Test func aJoiningClientGetsTheLast50AndAReconnectingOneWhatItMissed() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            for number in 1...60 {
                _ = try await db.chat.append(
                    ChatMessage(orderId: shop.orderID, userId: shop.customer.id, username: "John Smith", fromStaff: false, message: "message \(number)", sentAt: .now),
                    seenByStaff: false
                )
            }
            let port = try #require(browser.client.port)
            let agent = ChatTestClient(port: port, path: shop.path(token: shop.agentToken))
            var history: [[String: Any]] = []
            for _ in 0..<50 { history.append(try await agent.next()) }
            #expect(history.first?["message"] as? String == "message 11")
            #expect(history.last?["message"] as? String == "message 60")
            #expect(Set(history.compactMap { $0["type"] as? String }) == ["chat_message"])
            #expect(try await agent.next()["type"] as? String == "chat_join")
            let lastSeen = try #require(history[44]["id"] as? Int)  // message 55
            await agent.close()

            let back = ChatTestClient(port: port, path: shop.path(token: shop.agentToken, lastID: Int64(lastSeen)))
            var missed: [String] = []
            for _ in 0..<5 { missed.append(try await back.next()["message"] as? String ?? "") }
            #expect(missed == (56...60).map { "message \($0)" })
            #expect(try await back.next()["type"] as? String == "chat_join")
            await back.close()
        }
    }

    @Test func badFramesGetErrorFramesAndTheSocketStaysOpen() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            await customer.sendText("this is not json")
            #expect(try await customer.next()["code"] as? String == "malformed")
            try await customer.send(["type": "dance"])
            #expect(try await customer.next()["code"] as? String == "unknown_type")
            try await customer.send(["type": "message"])
            #expect(try await customer.next()["code"] as? String == "malformed")
            try await customer.message(String(repeating: "x", count: ChatMessage.maxLength + 1))
            let tooLong = try await customer.next()
            #expect(tooLong["type"] as? String == "error")
            #expect(tooLong["code"] as? String == "too_long")
            // Exactly the limit is fine, and markup is stored and sent as text.
            try await customer.message(String(repeating: "y", count: ChatMessage.maxLength - 20) + "<script>x</script>")
            let sent = try await customer.next(ofType: "chat_message")
            #expect((sent["message"] as? String)?.hasSuffix("<script>x</script>") == true)
            #expect(try await db.chat.history(orderID: shop.orderID, after: nil).count == 1)
            await customer.close()
        }
    }

    /// A frame past the server's 16 KiB is closed as "too big" (1009); the room and server go on.
    @Test func anOversizedFrameClosesThatSocketOnly() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let agent = ChatTestClient(port: port, path: shop.path(token: shop.agentToken))
            _ = try await agent.next(ofType: "chat_join")
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            try await customer.message(String(repeating: "z", count: ChatSocket.maxFrameSize + 100))
            let close = try await customer.closed()
            #expect(close?.closeCode == .messageTooLarge)
            #expect(try await agent.next(ofType: "chat_leave")["username"] as? String == "John Smith")
            try await agent.message("still here")
            #expect(try await agent.next(ofType: "chat_message")["message"] as? String == "still here")
            await agent.close()
        }
    }

    @Test func sendingTooFastIsRefusedPerUser() async throws {
        // Next to no refill, so a loaded machine sending slowly still meets the limit.
        try await withTestApp(configure: { $0.chat.messagesPerSecond = 0.001 }, setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            for number in 0..<15 { try await customer.message("burst \(number)") }
            var types: [String] = []
            for _ in 0..<15 { types.append(try await customer.next()["type"] as? String ?? "") }
            #expect(types.filter { $0 == "chat_message" }.count == ChatHub.Limits().messageBurst)
            #expect(types.filter { $0 == "error" }.count == 15 - ChatHub.Limits().messageBurst)
            await customer.close()
        }
    }

    @Test func aUserMayHoldOnlySoManySockets() async throws {
        try await withTestApp(configure: { $0.chat.perUser = 2 }, setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let first = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            let second = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await first.next(ofType: "chat_join")
            _ = try await second.next(ofType: "chat_join")
            // The third is upgraded, then closed at once with 1013 "try again later". Read on a raw
            // socket: the client library sometimes loses a frame that arrives with the 101.
            let bytes = try await Self.upgradeAndReadUntilClosed(port: port, path: shop.path(token: shop.customerToken))
            let head = String(decoding: bytes.prefix(12), as: UTF8.self)
            #expect(head == "HTTP/1.1 101")
            let frame = try #require(bytes.firstRange(of: Array("\r\n\r\n".utf8))).upperBound
            try #require(bytes.count >= frame + 4)
            #expect(bytes[frame] == 0x88, "a final close frame")
            #expect(Int(bytes[frame + 2]) << 8 | Int(bytes[frame + 3]) == 1013)
            await first.close()
            await second.close()
        }
    }

    /// Who is in a room as what; names as others see them.
    @Test func membersAreTheOrdersCustomerAndStaffUnderTheirNames() async throws {
        let test = try TestDatabase()
        let db = test.db
        let shop = try await ChatFixture.make(db)
        let staff = CurrentUser(id: shop.agent.id!, email: shop.agent.email, roles: [.customer, .employee])
        let customer = CurrentUser(id: shop.customer.id!, email: shop.customer.email, roles: [.customer])
        let stranger = CurrentUser(id: shop.stranger.id!, email: shop.stranger.email, roles: [.customer])
        #expect(try await db.chat.member(orderID: shop.orderID, user: staff)?.username == "Adam Ford")
        #expect(try await db.chat.member(orderID: shop.orderID, user: customer)?.isStaff == false)
        #expect(try await db.chat.member(orderID: shop.orderID, user: stranger) == nil)
        #expect(try await db.chat.member(orderID: 9_999, user: staff) == nil)
        // Without names: a customer is their email; staff are never shown by address.
        try await db.dbWriter.write { try $0.execute(sql: "UPDATE user SET firstName = '', lastName = ''") }
        #expect(try await db.chat.member(orderID: shop.orderID, user: staff)?.username == "BookTime customer service")
        #expect(try await db.chat.member(orderID: shop.orderID, user: customer)?.username == shop.customer.email)
    }

    @Test func idleSocketsAreClosed() async throws {
        try await withTestApp(configure: { $0.chat.idleTimeout = .seconds(2); $0.chat.sweepInterval = .milliseconds(200) }, setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            let close = try await customer.closed()
            #expect(close?.closeCode == .normalClosure)
            #expect(close?.reason == "idle")
        }
    }
}
