import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's order dashboard: staff only, the OrderFilter's fields, sorting, CSV of what is shown.
@Suite struct OrderDashboardTests {
    static func orderNumbers(_ html: String) -> [String] {
        html.matches(of: /<tr><td>(BT\d+)<\/td>/).map { String($0.1) }
    }

    /// Three orders: the fixture's (paid, buyer@), one new for "=cmd()@evil.test" added 40 days ago.
    static func shop(_ browser: TestBrowser, _ db: AppDatabase) async throws -> (AdminShop, Int64) {
        let shop = try await AdminShop.make(browser, db)
        let other = try await ShopFixtures.customer(db, "=cmd()@evil.test")
        let id = try await db.dbWriter.write { db -> Int64 in
            try db.execute(
                sql: """
                    INSERT INTO shopOrder (userId, status, billingName, billingAddress1, billingZipCode, billingCity, billingCountry,
                        shippingName, shippingAddress1, shippingZipCode, shippingCity, shippingCountry, dateAdded, dateUpdated)
                    VALUES (?, 10, 'Eve, "the" tester', 'x', 'x', 'x', 'uk', 'Eve', 'x', 'x', 'x', 'uk', ?, ?)
                    """,
                arguments: [other.id, Date.now.addingTimeInterval(-40 * 86_400), Date.now.addingTimeInterval(-40 * 86_400)]
            )
            return db.lastInsertedRowID
        }
        return (shop, id)
    }

    /// A dispatcher's dashboard is their site's scope: paid orders, no customer emails, in the page,
    /// its filters and its CSV (it listed every unpaid order with its customer's email).
    @Test func dispatchersSeePaidOrdersWithoutCustomerEmails() async throws {
        try await withTestApp { browser, db in
            let (shop, other) = try await Self.shop(browser, db)
            let paid = "BT\(shop.order.id!)", new = "BT\(other)"
            for query in ["", "?status=10", "?q=evil", "?date_added__from=2000-01-01", "?o=-id"] {
                let page = try await shop.dispatcher.get("/order-dashboard/" + query).text
                #expect(!Self.orderNumbers(page).contains(new), "\(query)")
                #expect(!page.contains("buyer@booktime.domain") && !page.contains("evil.test"), "\(query)")
            }
            #expect(Self.orderNumbers(try await shop.dispatcher.get("/order-dashboard/").text) == [paid])
            for query in ["?format=csv", "?format=csv&status=10", "?format=csv&q=buyer"] {
                let csv = try await shop.dispatcher.get("/order-dashboard/" + query).text
                #expect(!csv.contains(new) && !csv.contains("@"), "\(query): \(csv)")
                #expect(csv.hasPrefix("Order,Shipping name,Status"))
            }
            #expect(try await shop.dispatcher.get("/order-dashboard/?format=csv").text.contains(paid))
            // Owners and the office still see every order and its customer.
            let office = try await shop.employee.get("/order-dashboard/?format=csv").text
            #expect(office.contains(new) && office.contains("buyer@booktime.domain"))
        }
    }

    @Test func staffFilterAndSortOrders() async throws {
        try await withTestApp { browser, db in
            let (shop, other) = try await Self.shop(browser, db)
            let paid = "BT\(shop.order.id!)", new = "BT\(other)"
            for user in [shop.owner, shop.employee] {
                let page = try await user.get("/order-dashboard/")
                #expect(page.status == .ok)
                #expect(Self.orderNumbers(page.text) == [new, paid], "newest id first")
            }
            #expect(try await shop.customer.get("/order-dashboard/").status == .forbidden)
            #expect(try await shop.anonymous.get("/order-dashboard/").headers[.location] == "/login/?next=/order-dashboard/")

            let user = shop.employee
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?q=BUYER").text) == [paid], "email contains, any case")
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?q=%3Dcmd%28%29%40evil").text) == [new])
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?status=10").text) == [new])
            let lastMonth = utcISODay(Date.now.addingTimeInterval(-30 * 86_400))
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?date_added__from=\(lastMonth)").text) == [paid])
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?date_updated__to=\(lastMonth)").text) == [new])
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?o=-total").text) == [paid, new])
            #expect(Self.orderNumbers(try await user.get("/order-dashboard/?o=date_added").text) == [new, paid])
            #expect(try await user.get("/order-dashboard/?format=xls").status == .badRequest)
            #expect(try await shop.employee.get("/about-us/").text.contains("href=\"/order-dashboard/\""), "staff find it in the header")
            #expect(!(try await shop.customer.get("/about-us/").text.contains("href=\"/order-dashboard/\"")))
        }
    }

    @Test func csvExportsTheFilteredRowsSafely() async throws {
        try await withTestApp { browser, db in
            let (shop, other) = try await Self.shop(browser, db)
            let all = try await shop.owner.get("/order-dashboard/?format=csv")
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(all.headers[.contentDisposition] == "attachment; filename=orders.csv")
            let lines = all.text.split(separator: "\r\n").map(String.init)
            #expect(lines.first == "Order,Customer,Status,Books,Total,Date added,Date updated")
            #expect(lines.count == 3)
            #expect(lines[1].hasPrefix("BT\(other),'=cmd()@evil.test,New,0,0.00,"), "a formula is defused")
            #expect(lines[2].hasPrefix("BT\(shop.order.id!),buyer@booktime.domain,Paid,2,20.00,"))
            let filtered = try await shop.owner.get("/order-dashboard/?status=20&format=csv")
            #expect(filtered.text.split(separator: "\r\n").count == 2)
            let page = try await shop.owner.get("/order-dashboard/?status=20")
            #expect(page.text.contains("href=\"/order-dashboard/?status=20&amp;format=csv\""))
        }
    }

    @Test func csvFieldsAreQuotedWhenNeeded() {
        #expect(CSV.field("plain") == "plain")
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("=SUM(A1)") == "'=SUM(A1)")
        #expect(CSV.field("-2") == "'-2")
        #expect(CSV.document(header: ["a"], rows: [["line\nbreak"]]) == "a\r\n\"line\nbreak\"\r\n")
    }
}
