import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's report test (`test_most_bought_products`) and the orders-per-day chart.
@Suite struct ReportTests {
    /// Product name → count, from the report's data table.
    static func table(_ html: String) -> [String: Int] {
        var result: [String: Int] = [:]
        for match in html.matches(of: /<tr><td>([^<]*)<\/td><td>(\d+)<\/td>/) { result[String(match.1)] = Int(match.2) }
        return result
    }

    static func placeBookOrders(_ db: AppDatabase) async throws {
        let a = try await ShopFixtures.product(db, "A", price: 100)
        let b = try await ShopFixtures.product(db, "B", price: 200)
        let c = try await ShopFixtures.product(db, "C", price: 300)
        let user = try await ShopFixtures.customer(db, "reader@booktime.domain")
        let address = try await ShopFixtures.address(db, userID: user.id!)
        let email = OrderEmailSettings(mail: MailSettings(), publicURL: "http://shop.test", currency: .gbp)
        for lines in [[(a, 2), (b, 2)], [(a, 2), (c, 2)], [(a, 2), (b, 1)]] {
            var basket: Int64? = nil
            for (product, quantity) in lines {
                basket = try await db.baskets.addToBasket(basketID: basket, userID: user.id, productID: product.id!, quantity: quantity).basketID
            }
            _ = try await db.orders.placeOrder(basketID: basket!, userID: user.id!, billingAddressID: address.id!, shippingAddressID: address.id!, email: email)
        }
    }

    @Test func mostBoughtProducts() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.customer, .dispatcher, .employee, .owner])
            try await Self.placeBookOrders(db)
            let form = try await shop.owner.get("/admin/most_bought_products/")
            #expect(form.status == .ok)
            #expect(form.text.contains("Set period"))
            // It opens on the shortest period, which holds today's orders.
            #expect(form.text.contains("<title id=\"most-bought-title\">Most bought products, last 30 days</title>"))
            #expect(Self.table(form.text)["A"] == 6)
            let posted = try await shop.owner.post("/admin/most_bought_products/", form: [("period", "90")])
            #expect(posted.status == .ok)
            #expect(Self.table(posted.text) == ["A": 6, "B": 3, "C": 2, "The cathedral and the bazaar": 2])
            let office = try await shop.employee.get("/office-admin/most_bought_products/?period=30")
            #expect(Self.table(office.text)["A"] == 6)
            #expect(office.text.contains("<svg class=\"chart\""))
            #expect(office.text.contains("role=\"img\""))
            #expect(office.text.contains("<title id=\"most-bought-title\">Most bought products, last 30 days</title>"))
            #expect(office.text.contains("<title>A: 6</title>"))
            #expect(office.text.contains(">No of purchases</text>"), "the y axis is labelled")
            #expect(try await shop.owner.get("/admin/most_bought_products/?period=7").status == .badRequest)
            #expect(try await shop.dispatcher.get("/dispatch-admin/most_bought_products/?period=30").status == .notFound)
            #expect(try await shop.customer.get("/admin/most_bought_products/?period=30").status == .forbidden)
        }
    }

    @Test func ordersPerDay() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.dispatcher, .owner])
            try await Self.placeBookOrders(db)
            try await db.dbWriter.write { db in
                try db.execute(sql: "UPDATE shopOrder SET dateAdded = ? WHERE id = ?", arguments: [Date.now.addingTimeInterval(-3 * 86_400), shop.order.id])
                try db.execute(sql: "UPDATE shopOrder SET dateAdded = ? WHERE id = 2", arguments: [Date.now.addingTimeInterval(-400 * 86_400)])
            }
            let page = try await shop.owner.get("/admin/orders_per_day/")
            #expect(page.status == .ok)
            let today = utcISODay(.now)
            let threeDaysAgo = utcISODay(Date.now.addingTimeInterval(-3 * 86_400))
            #expect(Self.table(page.text) == [today: 2, threeDaysAgo: 1], "an order older than 180 days is left out")
            #expect(page.text.components(separatedBy: "<rect ").count - 1 == 2 * 180, "a bar for every day, quiet days too, in both charts")
            #expect(page.text.contains("<title>\(today): 2</title>"))
            let index = try await shop.owner.get("/admin/").text
            #expect(index.contains("href=\"/admin/orders_per_day/\"") && index.contains("href=\"/admin/most_bought_products/\""))
            #expect(try await shop.dispatcher.get("/dispatch-admin/").text.contains("No reports"))
        }
    }

    @Test func reportsShowRevenueRankByItAndDownloadAsCSV() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner, .employee])
            try await Self.placeBookOrders(db)
            // A: 6 copies at £1.00; B: 3 at £2.00; C: 2 at £3.00; the cathedral: 2 at £10.00.
            let byRevenue = try await shop.owner.get("/admin/most_bought_products/?period=30&by=revenue").text
            let names = byRevenue.matches(of: /<tr><td>([^<]*)<\/td><td>\d+<\/td><td>(£[0-9.,]+)<\/td><\/tr>/).map { "\($0.1)=\($0.2)" }
            #expect(names == ["The cathedral and the bazaar=£20.00", "A=£6.00", "B=£6.00", "C=£6.00"])
            #expect(byRevenue.contains(#"<span class="chip chip-current" aria-current="true">By revenue</span>"#))
            #expect(byRevenue.contains("<title>The cathedral and the bazaar: £20.00</title>"))
            #expect(byRevenue.contains(#"class="chart-bar""#) && !byRevenue.contains(#"fill="blue""#))
            let csv = try await shop.owner.get("/admin/most_bought_products/?period=30&by=copies&format=csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[.contentDisposition] == "attachment; filename=most-bought-30-days.csv")
            #expect(csv.text.hasPrefix("Product,Copies,Revenue\r\nA,6,6.00\r\n") || csv.text.hasPrefix("Product,Copies,Revenue\nA,6,6.00\n"))
            #expect(try await shop.owner.get("/admin/most_bought_products/?by=price").status == .badRequest)

            let perDay = try await shop.employee.get("/office-admin/orders_per_day/").text
            #expect(perDay.contains("<title id=\"revenue-per-day-title\">Revenue per day</title>"))
            #expect(perDay.contains("<tr><td>\(utcISODay(.now))</td><td>4</td><td>£38.00</td></tr>"))
            let dayCSV = try await shop.employee.get("/office-admin/orders_per_day/?format=csv").text
            #expect(dayCSV.contains("\(utcISODay(.now)),4,38.00"))
            #expect(try await shop.employee.get("/office-admin/orders_per_day/?format=xml").status == .badRequest)
        }
    }

    @Test func gridLinesAreRound() {
        #expect(BarChart.tickStep(1) == 1)
        #expect(BarChart.tickStep(8) == 1)
        #expect(BarChart.tickStep(9) == 2)
        #expect(BarChart.tickStep(40) == 5)
        #expect(BarChart.tickStep(70) == 10)
        #expect(BarChart.tickStep(1500) == 200)
    }
}
