import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

@testable import BookTime

/// The book's mobile API: a device token, the user's orders, the order tracker and its carrier.
@Suite struct MobileAPITests {
    static func token(_ browser: TestBrowser, email: String, password: String = testPassword, device: String = "Test phone") async throws -> TestResponse {
        try await DispatchAPITests.send(
            browser, .post, Routes.mobileAuth, #"{"username": "\#(email)", "password": "\#(password)", "device": "\#(device)"}"#, headers: [:]
        )
    }

    /// The fixture's order belongs to `buyer@booktime.domain`, made without a password: give it
    /// the test password.
    static func buyerSignsIn(_ db: AppDatabase) async throws {
        try await db.dbWriter.write { db in
            try db.execute(
                sql: "UPDATE user SET passwordHash = (SELECT passwordHash FROM user WHERE email = 'customer@booktime.domain') WHERE email = 'buyer@booktime.domain'"
            )
        }
    }

    static func key(_ response: TestResponse) throws -> String {
        try #require(try DispatchAPITests.json(response)["token"] as? String)
    }

    @Test func aCustomerGetsATokenAndTheirOrders() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [])
            try await Self.buyerSignsIn(db)
            let response = try await Self.token(browser, email: "buyer@booktime.domain")
            #expect(response.status == .ok)
            let key = try Self.key(response)
            #expect(key.count == 40)
            let stored = try await db.reader.read { try String.fetchAll($0, sql: "SELECT keyHash FROM apiToken ORDER BY id DESC") }
            #expect(stored.first == sha256Hex(Data(key.utf8)), "only the hash is kept")
            #expect(!stored.contains(key))

            let orders = try await browser.get(Routes.myOrders, headers: [.authorization: "Token \(key)"])
            #expect(orders.status == .ok)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(orders.text.utf8)) as? [[String: Any]])
            #expect(list.count == 1)
            #expect(list[0]["id"] as? Int == Int(shop.order.id!))
            #expect(list[0]["summary"] as? String == "2 x The cathedral and the bazaar")
            #expect(list[0]["price"] as? String == "20.00", "a decimal string, never a float")
            #expect(list[0]["currency"] as? String == "GBP")
            #expect(list[0]["image"] as? String == Routes.image(hash: "abc"))

            let form = try await browser.request(
                Routes.mobileAuth, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "username=buyer%40booktime.domain&password=\(TestBrowser.encode(testPassword))")
            )
            #expect(form.status == .ok, "a form works too")
            #expect(try await browser.get(Routes.myOrders).status == .unauthorized)
            #expect(try await browser.get(Routes.myOrders, headers: [.authorization: "Token nope"]).status == .unauthorized)
        }
    }

    @Test func wrongCredentialsGetOneGenericMessage() async throws {
        try await withTestApp { browser, db in
            _ = try await AdminShop.make(browser, db, signIn: [])
            let wrong = try await Self.token(browser, email: "buyer@booktime.domain", password: "not the password")
            let unknown = try await Self.token(browser, email: "nobody@booktime.domain")
            #expect(wrong.status == .badRequest && unknown.status == .badRequest)
            #expect(wrong.text == unknown.text)
            #expect(try await DispatchAPITests.send(browser, .post, Routes.mobileAuth, "{", headers: [:]).status == .badRequest)
        }
    }

    @Test func aTokenRevokedFromTheAccountPageStopsAtOnce() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.customer])
            let key = try Self.key(try await Self.token(browser, email: "customer@booktime.domain", device: "Jo's phone"))
            let auth: HTTPFields = [.authorization: "Token \(key)"]
            #expect(try await browser.get(Routes.myOrders, headers: auth).status == .ok)
            let account = try await shop.customer.get(Routes.account)
            #expect(account.text.contains("Jo&#39;s phone") || account.text.contains("Jo's phone"))
            let revoke = try #require(account.text.firstMatch(of: /action="(\/account\/tokens\/\d+\/revoke\/)"/).map { String($0.1) })
            let done = try await shop.customer.post(revoke, form: [])
            #expect(done.status == .seeOther)
            #expect(try await browser.get(Routes.myOrders, headers: auth).status == .unauthorized)
            #expect(try await shop.customer.post(revoke, form: []).status == .notFound, "gone, and nobody else's")

            // Owners see every device and can sign one out from the back office.
            let second = try Self.key(try await Self.token(browser, email: "customer@booktime.domain", device: "Tablet"))
            let owner = TestBrowser(client: browser.client)
            try await owner.logIn("owner@booktime.domain", testPassword)
            let list = try await owner.get("/admin/apitoken/")
            #expect(list.text.contains("Tablet") && list.text.contains("customer@booktime.domain"))
            let id = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT id FROM apiToken WHERE device = 'Tablet'") })
            #expect(try await owner.post("/admin/apitoken/\(id)/delete/", form: []).status == .seeOther)
            #expect(try await browser.get(Routes.myOrders, headers: [.authorization: "Token \(second)"]).status == .unauthorized)
        }
    }

    @Test func theTrackerAnswersForTheOwnersOrderOnly() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [])
            try await Self.buyerSignsIn(db)
            let buyer = try Self.key(try await Self.token(browser, email: "buyer@booktime.domain"))
            let other = try Self.key(try await Self.token(browser, email: "customer@booktime.domain"))
            let url = Routes.myOrderTracker(id: shop.order.id!)
            let mine = try await browser.get(url, headers: [.authorization: "Token \(buyer)"])
            #expect(mine.status == .ok)
            #expect(try DispatchAPITests.json(mine)["status"] as? String == "Waiting for dispatch")
            #expect(try await browser.get(url, headers: [.authorization: "Token \(other)"]).status == .notFound)
            try await db.orders.setOrderLineStatus(lineID: try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT MIN(id) FROM orderLine") }), to: .sent, by: nil)
            #expect(try DispatchAPITests.json(try await browser.get(url, headers: [.authorization: "Token \(buyer)"]))["status"] as? String == "Shipped")
        }
    }

    @Test func aSlowOrFailingCarrierGivesAGatewayErrorInBoundedTime() async throws {
        let carrier = try await FakeCarrier.start()
        defer { carrier.stop() }
        for (path, status) in [("slow", HTTPResponse.Status.gatewayTimeout), ("fail", .badGateway), ("ok", .ok)] {
            try await withTestApp(configure: {
                $0.carrierURL = "http://127.0.0.1:\(carrier.port)/\(path)/{order}"
                $0.carrierTimeout = .milliseconds(300)
            }) { browser, db in
                let shop = try await AdminShop.make(browser, db, signIn: [])
                try await Self.buyerSignsIn(db)
                let key = try Self.key(try await Self.token(browser, email: "buyer@booktime.domain"))
                let started = ContinuousClock.now
                let response = try await browser.get(Routes.myOrderTracker(id: shop.order.id!), headers: [.authorization: "Token \(key)"])
                #expect(response.status == status, "\(path)")
                #expect(started.duration(to: .now) < .seconds(3), "\(path) answered in bounded time")
                if path == "ok" { #expect(try DispatchAPITests.json(response)["status"] as? String == "In Transit") }
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }
}

/// A carrier on loopback: `/slow/…` never answers, `/fail/…` answers 500, anything else
/// "In Transit".
final class FakeCarrier: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    private init(channel: any Channel) { self.channel = channel }

    static func start() async throws -> FakeCarrier {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { $0.pipeline.addHandler(Handler()) }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeCarrier(channel: channel)
    }

    func stop() { channel.close(promise: nil) }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let request = String(buffer: unwrapInboundIn(data))
            if request.hasPrefix("GET /slow/") { return }
            let (status, body) = request.hasPrefix("GET /fail/") ? ("500 Internal Server Error", "down") : ("200 OK", "In Transit")
            let response = "HTTP/1.1 \(status)\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: response)), promise: nil)
        }
    }
}
