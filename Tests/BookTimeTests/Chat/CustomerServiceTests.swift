import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import BookTime

/// The employees' dashboard and its presence stream, the chat page, and the live order page.
@Suite struct CustomerServiceTests {
    /// The JSON of a `?nopoll` stream's one event.
    static func event(_ response: TestResponse) throws -> Any {
        let body = response.text
        #expect(body.hasPrefix("data: "))
        #expect(response.headers[.contentType]?.hasPrefix("text/event-stream") == true)
        let data = body.dropFirst("data: ".count).trimmingCharacters(in: .whitespacesAndNewlines)
        return try JSONSerialization.jsonObject(with: Data(data.utf8))
    }

    static func rooms(_ browser: TestBrowser) async throws -> [[String: Any]] {
        let response = try await browser.get(Routes.customerServiceNotify + "?nopoll")
        #expect(response.status == .ok)
        return try #require(try event(response) as? [[String: Any]])
    }

    /// test_chat_presence_works, with an email holding "_" (the book split its keys on it).
    @Test func presenceFollowsHeartbeatsAndExpires() async throws {
        try await withTestApp(configure: { $0.chat.presenceWindow = .seconds(5) }, setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db, customerEmail: "john_smith@site.com")
            let agent = TestBrowser(client: browser.client)
            try await agent.signInDirectly(shop.agent, db: db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            let heard = ContinuousClock.now
            try await customer.heartbeat()
            try await Task.sleep(for: .milliseconds(200))
            await customer.close()

            let present = try await Self.rooms(agent)
            #expect(present.count == 1)
            #expect(present.first?["link"] as? String == "/customer-service/\(shop.orderID)/")
            #expect(present.first?["text"] as? String == "\(shop.orderID) (john_smith@site.com)")
            let people = try #require(present.first?["present"] as? [[String: Any]])
            #expect(people.first?["name"] as? String == "John Smith")
            #expect(people.first?["staff"] as? Bool == false)

            // The book waits 10 s for Redis to expire the key; ours goes when the window has passed.
            var rooms = try await Self.rooms(agent)
            while !rooms.isEmpty, ContinuousClock.now - heard < .seconds(20) {
                try await Task.sleep(for: .milliseconds(250))
                rooms = try await Self.rooms(agent)
            }
            #expect(rooms.isEmpty)
            #expect(ContinuousClock.now - heard >= .seconds(5), "present until the window passed")
        }
    }

    /// Presence is per user: two sockets of one user are one person (expiry per user: `ChatHubTests`).
    @Test func presenceIsPerUserNotPerSocket() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let agent = TestBrowser(client: browser.client)
            try await agent.signInDirectly(shop.agent, db: db)
            let port = try #require(browser.client.port)
            let phone = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            let laptop = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await phone.next(ofType: "chat_join")
            _ = try await laptop.next(ofType: "chat_join")
            try await phone.heartbeat()
            try await laptop.heartbeat()
            try await Task.sleep(for: .milliseconds(300))
            let present = try #require(try await Self.rooms(agent).first?["present"] as? [[String: Any]])
            #expect(present.map { $0["email"] as? String } == [shop.customer.email])
            await phone.close()
            await laptop.close()
        }
    }

    @Test func unreadCountsCountTheCustomersMessagesUntilStaffJoin() async throws {
        try await withTestApp(setup: .live) { browser, db in
            let shop = try await ChatFixture.make(db)
            let agent = TestBrowser(client: browser.client)
            try await agent.signInDirectly(shop.agent, db: db)
            let port = try #require(browser.client.port)
            let customer = ChatTestClient(port: port, path: shop.path(token: shop.customerToken))
            _ = try await customer.next(ofType: "chat_join")
            try await customer.message("is my book on its way?")
            try await customer.message("it was a present")
            _ = try await customer.next(ofType: "chat_message")
            _ = try await customer.next(ofType: "chat_message")
            var room = try #require(try await Self.rooms(agent).first)
            #expect(room["unread"] as? Int == 2)
            #expect(room["admin_link"] as? String == "/office-admin/order/\(shop.orderID)/")

            let employee = ChatTestClient(port: port, path: shop.path(token: shop.agentToken))
            _ = try await employee.next(ofType: "chat_join")
            room = try #require(try await Self.rooms(agent).first)
            #expect(room["unread"] as? Int == 0)
            // While staff are in the room, what the customer writes is read.
            try await customer.message("thank you")
            _ = try await employee.next(ofType: "chat_message")
            room = try #require(try await Self.rooms(agent).first)
            #expect(room["unread"] as? Int == 0)
            await customer.close()
            await employee.close()
        }
    }

    /// The dashboard and its stream are for employees and owners; the stream's refusal is a 403.
    @Test func onlyEmployeesAndOwnersSeeTheDashboard() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            for role in [Role.owner, .employee] {
                #expect(try await shop.browser(role).get(Routes.customerService).status == .ok)
                #expect(try await shop.browser(role).get(Routes.customerServiceNotify + "?nopoll").status == .ok)
            }
            for role in [Role.dispatcher, .customer] {
                #expect(try await shop.browser(role).get(Routes.customerService).status == .forbidden)
                #expect(try await shop.browser(role).get(Routes.customerServiceNotify + "?nopoll").status == .forbidden)
            }
            #expect(try await shop.anonymous.get(Routes.customerServiceNotify + "?nopoll").status == .forbidden)
            #expect(try await shop.anonymous.get(Routes.customerService).status == .seeOther)
            let page = try await shop.employee.get(Routes.customerService).text
            #expect(page.contains(#"data-chat-dashboard="/customer-service/notify/""#))
        }
    }

    /// The chat page: the order's customer and staff; anyone else, or a missing order, 404.
    @Test func theChatPageIsForTheOrdersCustomerAndStaff() async throws {
        try await withTestApp { browser, db in
            let shop = try await ChatFixture.make(db)
            let room = Routes.chatRoom(orderID: shop.orderID)
            let customer = TestBrowser(client: browser.client)
            try await customer.signInDirectly(shop.customer, db: db)
            let page = try await customer.get(room)
            #expect(page.status == .ok)
            #expect(page.text.contains(#"data-chat-socket="/ws/customer-service/\#(shop.orderID)/""#))
            #expect(page.text.contains(#"<label for="chat-message-input">"#))
            #expect(page.text.contains(#"aria-live="polite""#))
            #expect(page.text.contains(#"href="/orders/\#(shop.orderID)/""#))

            let agent = TestBrowser(client: browser.client)
            try await agent.signInDirectly(shop.agent, db: db)
            let staffPage = try await agent.get(room)
            #expect(staffPage.status == .ok)
            #expect(staffPage.text.contains(#"href="/office-admin/order/\#(shop.orderID)/""#))

            let stranger = TestBrowser(client: browser.client)
            try await stranger.signInDirectly(shop.stranger, db: db)
            #expect(try await stranger.get(room).status == .notFound)
            #expect(try await agent.get(Routes.chatRoom(orderID: 424_242)).status == .notFound)
            #expect(try await TestBrowser(client: browser.client).get(room).status == .seeOther)

            // "Chat with us" on the customer's order page.
            #expect(try await customer.get(Routes.order(id: shop.orderID)).text.contains(#"href="\#(room)""#))
        }
    }

    /// The order page's stream carries what staff change: statuses of the order and its lines.
    @Test func theLiveOrderStreamFollowsTheWorkflow() async throws {
        try await withTestApp { browser, db in
            let shop = try await ChatFixture.make(db)
            let customer = TestBrowser(client: browser.client)
            try await customer.signInDirectly(shop.customer, db: db)
            let events = Routes.orderEvents(id: shop.orderID) + "?nopoll"
            var state = try #require(try Self.event(try await customer.get(events)) as? [String: Any])
            #expect(state["status"] as? String == OrderStatus.new.label)

            let lines = try await db.reader.read { try OrderLine.filter(Column("orderId") == shop.orderID).order(Column("id")).fetchAll($0) }
            try await db.orders.setOrderStatus(orderID: shop.orderID, to: .paid, by: shop.agent.id)
            try await db.orders.setOrderLineStatus(lineID: lines[0].id!, to: .sent, by: shop.agent.id)
            state = try #require(try Self.event(try await customer.get(events)) as? [String: Any])
            #expect(state["status"] as? String == OrderStatus.paid.label)
            let lineStates = try #require(state["lines"] as? [[String: Any]])
            #expect(lineStates.first { ($0["id"] as? Int).map(Int64.init) == lines[0].id }?["status"] as? String == OrderLineStatus.sent.label)
            #expect((state["history"] as? [Any])?.count == 3)

            let page = try await customer.get(Routes.order(id: shop.orderID)).text
            #expect(page.contains(#"data-live-order="\#(Routes.orderEvents(id: shop.orderID))""#))
            #expect(page.contains(#"data-line-status="\#(lines[0].id!)""#))

            let stranger = TestBrowser(client: browser.client)
            try await stranger.signInDirectly(shop.stranger, db: db)
            #expect(try await stranger.get(events).status == .notFound)
        }
    }
}
