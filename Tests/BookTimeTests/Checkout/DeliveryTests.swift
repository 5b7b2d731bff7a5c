import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// A delivery charge with a free-delivery threshold: set by flags or by owners, shown from the
/// basket to the invoice, and kept on each order as it was when placed.
@Suite struct DeliveryTests {
    static let rate = DeliveryRate(charge: 350, freeFrom: 3000)

    @Test func theChargeDependsOnTheBooksTotal() {
        #expect(Self.rate.charge(forSubtotal: 2000) == 350)
        #expect(Self.rate.charge(forSubtotal: 2999) == 350)
        #expect(Self.rate.charge(forSubtotal: 3000) == 0)
        #expect(DeliveryRate().charge(forSubtotal: 100) == 0)
        #expect(DeliveryRate(charge: 250).charge(forSubtotal: 1_000_000) == 250)
    }

    @Test func withoutAChargeNothingChanges() async throws {
        try await withTestApp { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 2)])
            let basket = try await browser.get("/basket/").text
            #expect(!basket.contains("Delivery"))
            #expect(basket.contains(#"<td class="numeric basket-total">£20.00</td>"#))
            _ = try await CheckoutTests.checkout(browser, billing: address)
            let order = try #require(try await db.reader.read { try Order.fetchOne($0) })
            #expect(order.deliveryCharge == 0)
            #expect(!(try await browser.get(Routes.order(id: order.id!)).text.contains("Delivery")))
        }
    }

    @Test func aChargedOrderShowsDeliveryEverywhereAndKeepsIt() async throws {
        try await withTestApp(configure: { $0.delivery = Self.rate }) { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1000)
            let (user, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 2)])
            let basket = try await browser.get("/basket/").text
            #expect(basket.contains(#"<td class="numeric basket-delivery">£3.50</td>"#))
            #expect(basket.contains(#"<td class="numeric basket-total">£23.50</td>"#))
            #expect(basket.contains("Free delivery on orders of £30.00 or more."))
            let review = try await browser.get("/order/address_select/").text
            #expect(review.contains(#"<th scope="row" colspan="3">Delivery</th><td class="numeric">£3.50</td>"#))
            #expect(review.contains("<strong>£23.50</strong>"))

            _ = try await CheckoutTests.checkout(browser, billing: address)
            let order = try #require(try await db.reader.read { try Order.fetchOne($0) })
            #expect(order.deliveryCharge == 350)
            #expect(try await browser.get(Routes.orderDone).text.contains("£23.50"))
            let page = try await browser.get(Routes.order(id: order.id!)).text
            #expect(page.contains(#"<th scope="row" colspan="3">Delivery</th><td class="numeric">£3.50</td>"#))
            #expect(page.contains(#"<th scope="row" colspan="3">Total</th><td class="numeric">£23.50</td>"#))
            #expect(try await browser.get(Routes.orders).text.contains("£23.50"))
            let email = try #require(try await db.outbox.outbox().first { $0.subject.hasPrefix("Your BookTime order") })
            #expect(email.body.contains("Books: £20.00\nDelivery: £3.50\nOrder total: £23.50"))
            #expect(email.htmlBody?.contains("£3.50") == true)
            let orders = try await db.orders.orders(userID: user.id!)
            #expect(orders.first?.total == 2350)
        }
    }

    @Test func ordersAboveTheThresholdTravelFree() async throws {
        try await withTestApp(configure: { $0.delivery = Self.rate }) { browser, db in
            let book = try await ShopFixtures.product(db, "Siddhartha", price: 1500)
            let (_, address) = try await CheckoutTests.readyToOrder(browser, db, books: [(book, 2)])
            let basket = try await browser.get("/basket/").text
            #expect(basket.contains(#"<td class="numeric basket-delivery">Free</td>"#))
            #expect(basket.contains(#"<td class="numeric basket-total">£30.00</td>"#))
            _ = try await CheckoutTests.checkout(browser, billing: address)
            #expect(try await db.reader.read { try Order.fetchOne($0) }?.deliveryCharge == 0)
        }
    }

    @Test func theInvoiceChargesDelivery() async throws {
        try await withTestApp(configure: { $0.delivery = Self.rate }) { browser, db in
            let shop = try await AdminShop.make(browser, db)
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE shopOrder SET deliveryCharge = 350 WHERE id = ?", arguments: [shop.order.id]) }
            let invoice = try await shop.owner.get("/admin/invoice/\(shop.order.id!)/").text
            #expect(invoice.contains(#"<th scope="row" colspan="3">Delivery</th><td class="numeric">£3.50</td>"#))
            #expect(invoice.contains(#"<th scope="row" colspan="3">Total</th><td class="numeric">£23.50</td>"#))
            let pdf = try await shop.owner.get("/admin/invoice/\(shop.order.id!)/?format=pdf")
            #expect(String(decoding: pdf.body.readableBytesView, as: UTF8.self).contains("(Delivery)"))
        }
    }

    @Test func ownersSetTheRateInTheBackOffice() async throws {
        try await withTestApp(configure: { $0.delivery = Self.rate }) { browser, db in
            let shop = try await AdminShop.make(browser, db)
            let form = try await shop.owner.get("/admin/settings/")
            #expect(form.status == .ok)
            #expect(form.text.contains(#"name="delivery_charge" type="text" value="3.50""#))
            #expect(form.text.contains("Not saved here yet"))
            let refused = try await shop.owner.post("/admin/settings/", form: [("delivery_charge", "lots"), ("free_delivery_from", "-3"), ("low_stock_threshold", "x")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("Enter an amount such as 3.50"))
            #expect(refused.text.contains("Enter an amount such as 30.00"))
            #expect(refused.text.contains("Enter a whole number of copies"))
            let saved = try await shop.owner.post("/admin/settings/", form: [("delivery_charge", "2.00"), ("free_delivery_from", ""), ("low_stock_threshold", "5")])
            #expect(saved.status == .seeOther)
            #expect(saved.headers[.location] == "/admin/settings/")
            #expect(try await shop.owner.get("/admin/settings/").text.contains("Saved here"))
            let stored = try await db.reader.read { try ShopSettings.read($0, configured: DeliveryRate()) }
            #expect(stored == ShopSettings.Values(delivery: DeliveryRate(charge: 200), lowStockThreshold: 5))
            // The basket shows the new rate at once (its cached page is keyed by the rate).
            let customer = TestBrowser(client: browser.client)
            try await ShopFixtures.addToBasket(customer, shop.product)
            #expect(try await customer.get("/basket/").text.contains(#"<td class="numeric basket-delivery">£2.00</td>"#))
            // Staff other than owners cannot see or change it.
            #expect(try await shop.employee.get("/admin/settings/").status == .forbidden)
            #expect(try await shop.employee.get("/office-admin/settings/").status == .notFound)
            #expect(try await shop.owner.get("/admin/").text.contains(#"href="/admin/settings/""#))
        }
    }

    @Test func badEnvironmentValuesAreRefused() {
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["BOOKTIME_DELIVERY_CHARGE": "free"]) }
        #expect(throws: ConfigurationError.self) { try AppConfiguration.fromEnvironment(["BOOKTIME_FREE_DELIVERY_FROM": "-1"]) }
        let config = try? AppConfiguration.fromEnvironment(["BOOKTIME_DELIVERY_CHARGE": "3.50", "BOOKTIME_FREE_DELIVERY_FROM": "30"])
        #expect(config?.delivery == Self.rate)
    }
}
