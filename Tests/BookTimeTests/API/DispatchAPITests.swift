import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import BookTime

/// The book's dispatch API (§11.4's tests and its curl walkthrough), its auth and its errors.
@Suite struct DispatchAPITests {
    static func basic(_ role: Role) -> HTTPFields {
        let credentials = Data("\(role.rawValue)@booktime.domain:\(testPassword)".utf8).base64EncodedString()
        return [.authorization: "Basic \(credentials)", .accept: "application/json"]
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.text.utf8)) as? [String: Any])
    }

    static func send(_ browser: TestBrowser, _ method: HTTPRequest.Method, _ uri: String, _ body: String, headers: HTTPFields) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        return try await browser.request(uri, method: method, headers: headers, body: ByteBuffer(string: body))
    }

    /// A second paid order of two titles, so the list has lines of two orders.
    static func secondPaidOrder(_ db: AppDatabase, customerID: Int64) async throws -> Int64 {
        let a = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
        let b = try await ShopFixtures.product(db, "Backgammon for dummies", price: 800)
        let address = try await ShopFixtures.address(db, userID: customerID, name: "John Smith", address1: "1 the road")
        let basketID = try await db.baskets.addToBasket(basketID: nil, userID: customerID, productID: a.id!, quantity: 1).basketID
        _ = try await db.baskets.addToBasket(basketID: basketID, userID: customerID, productID: b.id!, quantity: 1)
        let order = try await db.orders.placeOrder(basketID: basketID, userID: customerID, billingAddressID: address.id!, shippingAddressID: address.id!, email: OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp))
        try await db.orders.setOrderStatus(orderID: order.id!, to: .paid, by: nil)
        return order.id!
    }

    @Test func aDispatcherWalksPaidOrdersToDoneAsInTheBook() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [])
            let secondID = try await Self.secondPaidOrder(db, customerID: shop.customerID)
            let dispatcher = Self.basic(.dispatcher)

            let list = try await browser.get("/api/orderlines/", headers: dispatcher)
            #expect(list.status == .ok)
            #expect(list.headers[.contentType] == "application/json; charset=utf-8")
            let page = try Self.json(list)
            #expect(page["count"] as? Int == 3)
            #expect(page["next"] == nil && page["previous"] == nil)
            let results = try #require(page["results"] as? [[String: Any]])
            #expect(results.map { $0["product"] as? String } == ["Siddhartha", "Backgammon for dummies", "The cathedral and the bazaar"], "newest order first")
            let orderURL = try #require(results[0]["order"] as? String)
            #expect(orderURL.hasPrefix("http://") && orderURL.hasSuffix("/api/orders/\(secondID)/"), "an absolute URL: \(orderURL)")
            #expect(results[2]["quantity"] as? Int == 2)
            #expect(results.allSatisfy { $0["status"] as? Int == 10 })

            let filtered = try Self.json(try await browser.get("/api/orderlines/?order=\(secondID)&status=10", headers: dispatcher))
            #expect(filtered["count"] as? Int == 2)

            let ids = results.prefix(2).compactMap { $0["id"] as? Int }
            let processing = try await Self.send(browser, .put, "/api/orderlines/\(ids[0])/", #"{"status": 20}"#, headers: dispatcher)
            #expect(processing.status == .ok)
            #expect(try Self.json(processing)["status"] as? Int == 20)
            for id in ids {
                let sent = try await Self.send(browser, .patch, "/api/orderlines/\(id)/", #"{"status": 30}"#, headers: dispatcher)
                #expect(sent.status == .ok)
            }
            let order = try #require(try await db.reader.read { try Order.fetchOne($0, key: secondID) })
            #expect(order.status == .done, "the last sent line closes the order")
            let dispatcherID = try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT id FROM user WHERE email = 'dispatcher@booktime.domain'") }
            let history = try await db.reader.read {
                try Int64.fetchAll($0, sql: "SELECT userId FROM orderHistory WHERE orderLineId IS NOT NULL AND orderId = ?", arguments: [secondID])
            }
            #expect(history == [dispatcherID, dispatcherID, dispatcherID], "history rows name the API user")
            let after = try Self.json(try await browser.get("/api/orderlines/?order=\(secondID)", headers: dispatcher))
            #expect(after["count"] as? Int == 0)
            #expect(try await browser.get("/api/orders/\(secondID)/", headers: dispatcher).status == .notFound, "done orders are not paid orders")
        }
    }

    @Test func onlyDispatchersAndOwnersGetIn() async throws {
        try await withTestApp { browser, db in
            _ = try await AdminShop.make(browser, db, signIn: [])
            let anonymous = try await browser.get("/api/orderlines/")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Basic realm=") == true)
            let body = try #require(try Self.json(anonymous)["error"] as? [String: Any])
            #expect(body["code"] as? String == "unauthenticated")
            for role in [Role.customer, .employee] {
                let refused = try await browser.get("/api/orders/", headers: Self.basic(role))
                #expect(refused.status == .forbidden, "\(role)")
                #expect(refused.headers[.contentType] == "application/json")
            }
            #expect(try await browser.get("/api/orders/", headers: Self.basic(.owner)).status == .ok)
            var wrong = Self.basic(.dispatcher)
            wrong[.authorization] = "Basic " + Data("dispatcher@booktime.domain:wrong password".utf8).base64EncodedString()
            #expect(try await browser.get("/api/orders/", headers: wrong).status == .unauthorized)
            #expect(try await browser.get("/api/orders/", headers: [.authorization: "Basic !!!"]).status == .unauthorized)
        }
    }

    @Test func theAddressLeakIsClosed() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.customer])
            let leak = try await shop.customer.get("/api/orders/")
            #expect(leak.status == .forbidden)
            #expect(!leak.text.contains("shipping"))
        }
    }

    @Test func invalidChangesAreRefusedWithJSON() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [])
            let dispatcher = Self.basic(.dispatcher)
            let lineID = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT id FROM orderLine WHERE orderId = ?", arguments: [shop.order.id]) })
            let cancelled = try await Self.send(browser, .put, "/api/orderlines/\(lineID)/", #"{"status": 40}"#, headers: dispatcher)
            #expect(cancelled.status == .ok)
            // The order closed with its only line; a new paid order's line cannot go back either.
            let secondID = try await Self.secondPaidOrder(db, customerID: shop.customerID)
            let line = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT MIN(id) FROM orderLine WHERE orderId = ?", arguments: [secondID]) })
            #expect(try await Self.send(browser, .put, "/api/orderlines/\(line)/", #"{"status": 40}"#, headers: dispatcher).status == .ok)
            let back = try await Self.send(browser, .put, "/api/orderlines/\(line)/", #"{"status": 10}"#, headers: dispatcher)
            #expect(back.status == .conflict)
            #expect((try Self.json(back)["error"] as? [String: Any])?["code"] as? String == "invalid_transition")

            let badJSON = try await Self.send(browser, .put, "/api/orderlines/\(line)/", #"{"status": "#, headers: dispatcher)
            #expect(badJSON.status == .badRequest)
            #expect((try Self.json(badJSON)["error"] as? [String: Any])?["code"] as? String == "bad_json")
            let badStatus = try await Self.send(browser, .put, "/api/orderlines/\(line)/", #"{"status": 99}"#, headers: dispatcher)
            #expect(badStatus.status == .badRequest)
            var form = dispatcher
            form[.contentType] = "application/x-www-form-urlencoded"
            let wrongType = try await browser.request("/api/orderlines/\(line)/", method: .put, headers: form, body: ByteBuffer(string: "status=20"))
            #expect(wrongType.status == .unsupportedMediaType)

            let post = try await Self.send(browser, .post, "/api/orderlines/", #"{"status": 10}"#, headers: dispatcher)
            #expect(post.status == .methodNotAllowed)
            #expect(post.headers[.allow] == "GET")
            let delete = try await browser.request("/api/orderlines/\(line)/", method: .delete, headers: dispatcher)
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "GET, PATCH, PUT")
            #expect(post.headers[.contentType] == "application/json")
            #expect(try await browser.get("/api/orderlines/999999/", headers: dispatcher).status == .notFound)
            #expect(try await browser.get("/api/orderlines/?page=9", headers: dispatcher).status == .notFound)

            let city = try await Self.send(browser, .patch, "/api/orders/\(secondID)/", #"{"shipping_city": "Smithland"}"#, headers: dispatcher)
            #expect(city.status == .ok)
            #expect(try Self.json(city)["shipping_city"] as? String == "Smithland")
            #expect(try Self.json(city)["shipping_name"] as? String == "John Smith")
            let country = try await Self.send(browser, .patch, "/api/orders/\(secondID)/", #"{"shipping_country": "xx", "shipping_name": ""}"#, headers: dispatcher)
            #expect(country.status == .unprocessableContent)
            let fields = (try Self.json(country)["error"] as? [String: Any])?["fields"] as? [String: String]
            #expect(fields?.keys.sorted() == ["shipping_country", "shipping_name"])
            #expect(try await db.reader.read { try Order.fetchOne($0, key: secondID)?.shippingCountry } == "uk", "nothing written")
        }
    }

    @Test func theBrowserSessionWorksWithItsCSRFToken() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher])
            let lineID = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT id FROM orderLine WHERE orderId = ?", arguments: [shop.order.id]) })
            #expect(try await shop.dispatcher.get("/api/orderlines/").status == .ok)
            let forged = try await Self.send(shop.dispatcher, .put, "/api/orderlines/\(lineID)/", #"{"status": 20}"#, headers: [:])
            #expect(forged.status == .forbidden)
            let token = try #require(shop.dispatcher.cookie(CSRFMiddleware.cookieName))
            let allowed = try await Self.send(shop.dispatcher, .put, "/api/orderlines/\(lineID)/", #"{"status": 20}"#, headers: [CSRFMiddleware.headerName: token])
            #expect(allowed.status == .ok)
        }
    }

    @Test func theDocumentIsServedAndTheGeneratedCodeIsCurrent() async throws {
        try await withTestApp { browser, _ in
            let json = try await browser.get("/api/openapi.json")
            #expect(json.status == .ok)
            let document = try Self.json(json)
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: Any])
            #expect(Set(paths.keys) == [
                Routes.apiOrderLines, Routes.Pattern.apiOrderLine.pattern, Routes.apiOrders, Routes.Pattern.apiOrder.pattern,
                Routes.mobileAuth, Routes.myOrders, Routes.Pattern.myOrderTracker.pattern, Routes.apiToken, Routes.apiTokenRefresh, Routes.apiLogout,
            ], "the links the shop builds are the document's paths")
            #expect(try await browser.get("/api/openapi.yaml").text == json.text)
            let index = try await browser.get("/api/")
            #expect(index.text.contains(#"href="/api/openapi.json""#))
        }
        // Generated by scripts/generate-api.sh from the document and its config: the hash it wrote
        // must be the hash of what is there now.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let source = try Data(contentsOf: root.appendingPathComponent("Resources/api/openapi.yaml"))
            + Data(contentsOf: root.appendingPathComponent("Resources/api/openapi-generator-config.yaml"))
        let generated = try String(contentsOf: root.appendingPathComponent("Sources/BookTime/API/Generated/Types.swift"), encoding: .utf8)
        #expect(generated.contains("// source-sha256: \(sha256Hex(source))"), "run scripts/generate-api.sh after changing Resources/api/")
    }
}

extension DispatchAPITests {
    /// Too large and too many: JSON errors with their statuses and `Retry-After`.
    @Test func limitsAnswerInJSON() async throws {
        try await withTestApp(configure: {
            $0.maxRequestBodyBytes = 1024
            $0.loginFailuresPerAccount = 2
        }) { browser, db in
            _ = try await AdminShop.make(browser, db, signIn: [])
            let big = String(repeating: "x", count: 4096)
            let tooLarge = try await Self.send(browser, .post, Routes.apiToken, #"{"username": "\#(big)", "password": "x"}"#, headers: [:])
            #expect(tooLarge.status == .contentTooLarge)
            #expect((try Self.json(tooLarge)["error"] as? [String: Any])?["code"] as? String == "too_large")

            var wrong = Self.basic(.dispatcher)
            wrong[.authorization] = "Basic " + Data("dispatcher@booktime.domain:wrong password".utf8).base64EncodedString()
            for _ in 0..<2 { #expect(try await browser.get(Routes.apiOrders, headers: wrong).status == .unauthorized) }
            let limited = try await browser.get(Routes.apiOrders, headers: Self.basic(.dispatcher))
            #expect(limited.status == .tooManyRequests, "the account is locked for this address, even with the right password")
            #expect(limited.headers[.retryAfter] != nil)
            #expect((try Self.json(limited)["error"] as? [String: Any])?["code"] as? String == "rate_limited")
        }
    }
}

extension DispatchAPITests {
    /// List answers are kept until the order tables change, and only dispatchers and owners get them.
    @Test func keptListAnswersFollowChangesAndRoles() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [])
            let secondID = try await Self.secondPaidOrder(db, customerID: shop.customerID)
            let dispatcher = Self.basic(.dispatcher)
            let first = try await browser.get(Routes.apiOrderLines, headers: dispatcher)
            #expect(try await browser.get(Routes.apiOrderLines, headers: dispatcher).text == first.text, "the same answer again")
            #expect(try await browser.get(Routes.apiOrderLines, headers: Self.basic(.customer)).status == .forbidden, "a kept answer is not a customer's")
            #expect(try await browser.get(Routes.apiOrderLines).status == .unauthorized)

            let line = try #require(try await db.reader.read { try Int64.fetchOne($0, sql: "SELECT MIN(id) FROM orderLine WHERE orderId = ?", arguments: [secondID]) })
            #expect(try await Self.send(browser, .patch, "/api/orderlines/\(line)/", #"{"status": 20}"#, headers: dispatcher).status == .ok)
            let after = try Self.json(try await browser.get(Routes.apiOrderLines, headers: dispatcher))
            let results = try #require(after["results"] as? [[String: Any]])
            #expect(results.first { $0["id"] as? Int == Int(line) }?["status"] as? Int == 20, "a change empties the kept answers")
            // A write by another path (the back office's workflow) is seen too.
            try await db.orders.setOrderLineStatus(lineID: line, to: .cancelled, by: nil)
            let again = try Self.json(try await browser.get(Routes.apiOrderLines, headers: dispatcher))
            #expect((again["results"] as? [[String: Any]])?.first { $0["id"] as? Int == Int(line) }?["status"] as? Int == 40)
        }
    }
}
