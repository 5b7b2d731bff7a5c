import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The back office's index: today's figures, what waits, low stock, latest orders; and the
/// outbox saying when mail is not sent.
@Suite struct AdminDashboardTests {
    @Test func figuresCountOrdersAndRevenueByUTCDay() async throws {
        let test = try TestDatabase()
        let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06 UTC
        let customer = try await ShopFixtures.customer(test.db, "buyer@booktime.domain")
        let book = try await ShopFixtures.product(test.db, "Emma", price: 1000, stock: 2)
        let address = try await ShopFixtures.address(test.db, userID: customer.id!)
        try await test.db.dbWriter.write { db in
            // Today: 2 copies + £3.50 delivery, and an order whose only line was cancelled.
            // Five days ago: one copy. Twenty days ago: one copy. Forty days ago: not counted.
            for (daysAgo, quantity, delivery, lineStatus) in [
                (0.0, 2, 350, OrderLineStatus.new), (0.0, 1, 0, .cancelled), (5.0, 1, 0, .sent), (20.0, 1, 0, .sent), (40.0, 1, 0, .sent),
            ] {
                var order = Order(userId: customer.id!, basketId: nil, billing: address, shipping: address, now: now.addingTimeInterval(-daysAgo * 86_400))
                order.status = daysAgo == 0 ? .new : .paid
                order.deliveryCharge = delivery
                try order.insert(db)
                try db.execute(
                    sql: "INSERT INTO orderLine (orderId, productId, status, quantity, unitPrice) VALUES (?, ?, ?, ?, 1000)",
                    arguments: [db.lastInsertedRowID, book.id, lineStatus, quantity]
                )
            }
        }
        let dashboard = try await test.db.reader.read { try AdminDashboard.read($0, now: now, lowStockThreshold: 2) }
        #expect(dashboard.periods.map(\.orders) == [2, 3, 4])
        #expect(dashboard.periods.map(\.revenue) == [2350, 3350, 4350])
        #expect(dashboard.periods.map(\.fromDay) == ["2026-11-18", "2026-11-12", "2026-10-20"])
        #expect(dashboard.waitingForPayment == 2)
        #expect(dashboard.waitingToShip == 3)
        #expect(dashboard.lowStock.map(\.name) == ["Emma"])
        #expect(dashboard.latest.count == AdminDashboard.latestShown)
        #expect(dashboard.latest.first?.total == 1000)
    }

    @Test func aShopWithoutOrdersShowsZeros() async throws {
        let test = try TestDatabase()
        let dashboard = try await test.db.reader.read { try AdminDashboard.read($0, lowStockThreshold: 3) }
        #expect(dashboard.periods.map(\.orders) == [0, 0, 0])
        #expect(dashboard.periods.map(\.revenue) == [0, 0, 0])
        #expect(dashboard.latest.isEmpty && dashboard.lowStock.isEmpty)
    }

    @Test func theIndexOpensOnTheFiguresWithLinksIntoTheLists() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, orderStatus: .paid)
            let html = try await shop.owner.get("/admin/").text
            #expect(html.contains(#"<span class="admin-figure-label">Today</span><strong>£20.00</strong><span>1 order</span>"#))
            #expect(html.contains(#"href="/admin/order/?status=20"><span class="admin-figure-label">Waiting to ship</span><strong>1</strong>"#))
            #expect(html.contains(#"href="/admin/order/?date_added__from=\#(utcISODay(.now))""#))
            #expect(html.contains("BT\(shop.order.id!) · buyer@booktime.domain"))
            // The office sees them too; the dispatchers' site has no figures.
            #expect(try await shop.employee.get("/office-admin/").text.contains("Waiting for payment"))
            #expect(!(try await shop.dispatcher.get("/dispatch-admin/").text.contains("Waiting for payment")))
            // The links lead to lists filtered as they say.
            let waiting = try await shop.owner.get("/admin/order/?status=20").text
            #expect(waiting.contains("BT\(shop.order.id!)"))
        }
    }

    @Test func lowStockFollowsTheOwnersThreshold() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            _ = try await ShopFixtures.product(db, "Nearly Gone", price: 100, stock: 4)
            #expect(!(try await shop.owner.get("/admin/").text.contains("Nearly Gone")))
            _ = try await shop.owner.post("/admin/settings/", form: [("delivery_charge", ""), ("free_delivery_from", ""), ("low_stock_threshold", "4")])
            let html = try await shop.owner.get("/admin/").text
            #expect(html.contains(">Nearly Gone</a> <span class=\"muted\">4 copies</span>"))
            #expect(html.contains("(4 copies or fewer)"))
        }
    }

    @Test func theOutboxSaysWhenMailIsNotSent() async throws {
        let sites = AdminSite.all.map { $0.with(models: $0.models.map(OutboxAdmin.explainingUnsentMail)) }
        let outbox = try #require(sites[0].model(named: "email"))
        #expect(outbox.listNotice?.contains("BOOKTIME_SMTP_URL") == true)
        #expect(sites[0].model(named: "product")?.listNotice == nil)
        // With a transport (as every test app has), no banner.
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            #expect(!(try await shop.owner.get("/admin/email/").text.contains("Mail is queued here and not sent")))
        }
    }

    @Test func anOrderPageNamesItsCustomerAndWhatItComesTo() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE shopOrder SET deliveryCharge = 350 WHERE id = ?", arguments: [shop.order.id]) }
            let owners = try await shop.owner.get("/admin/order/\(shop.order.id!)/").text
            let name = shop.order.billingName
            #expect(owners.contains(#"<dt>Customer</dt><dd><a href="/admin/user/\#(shop.customerID)/">\#(name) &lt;buyer@booktime.domain&gt;</a></dd>"#))
            #expect(owners.contains("<dt>Delivery</dt><dd>£3.50</dd>"))
            #expect(owners.contains("<dt>Total</dt><dd>£23.50</dd>"))
            // Dispatchers have no user pages: the name, no link.
            let dispatch = try await shop.dispatcher.get("/dispatch-admin/order/\(shop.order.id!)/").text
            #expect(dispatch.contains("<dt>Customer</dt><dd>\(name) &lt;buyer@booktime.domain&gt;</dd>"))
        }
    }

    @Test func theOrderDashboardWearsTheBackOfficeLayout() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE shopOrder SET deliveryCharge = 350 WHERE id = ?", arguments: [shop.order.id]) }
            let owner = try await shop.owner.get(Routes.orderDashboard).text
            #expect(owner.contains(#"<a class="admin-brand" href="/admin/">BookTime owners administration</a>"#))
            #expect(owner.contains("<td>£23.50</td>"), "the total counts delivery")
            let dispatcher = try await shop.dispatcher.get(Routes.orderDashboard).text
            #expect(dispatcher.contains(#"<a class="admin-brand" href="/dispatch-admin/">"#))
        }
    }

    @Test func anOrdersAddressesReadAsPostalAddressesAndEditsAreAudited() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db)
            let url = "/admin/order/\(shop.order.id!)/"
            let page = try await shop.owner.get(url)
            let billing = shop.order.billing.linesWithName.map(HTML.escape).joined(separator: "<br>") + "<br>"
            #expect(page.text.contains("<address>\(billing)</address>"))
            #expect(page.text.contains("data-edit-fieldset hidden>Edit</button>"))
            #expect(page.text.contains(#"<div class="admin-fieldset-fields" data-collapsible>"#))
            // The fields are still in the form: a change is saved and written to the audit log.
            var fields = page.text.matches(of: /name="((?:billing|shipping)_[a-z0-9_]+)" type="text" value="([^"]*)"/).map { (String($0.1), String($0.2)) }
            fields += [("billing_country", shop.order.billingCountry), ("shipping_country", shop.order.shippingCountry), ("status", "20"), ("user", String(shop.customerID))]
            fields = fields.map { $0.0 == "billing_city" ? ($0.0, "Bath") : $0 }
            let saved = try await shop.owner.post(url, form: [("_fingerprint", page.fingerprint)] + fields)
            #expect(saved.status == .seeOther)
            #expect(try await db.reader.read { try Order.fetchOne($0, key: shop.order.id) }?.billingCity == "Bath")
            let entry = try #require(try await db.adminLog().last)
            #expect(entry.decodedChanges.contains { $0.field == "billing_city" && $0.new == "Bath" })
            // A field in error keeps its fieldset open.
            let refused = try await shop.owner.post(url, form: [("_fingerprint", try await shop.owner.get(url).fingerprint)] + fields.map { $0.0 == "billing_name" ? ($0.0, "") : $0 })
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains(#"data-collapsible data-open>"#))
        }
    }
}
