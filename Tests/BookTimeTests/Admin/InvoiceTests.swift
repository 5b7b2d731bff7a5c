import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// The book's invoice tests (§11.4: `test_invoice_renders_exactly_as_expected`, HTML and PDF),
/// with the prices paid, a total, and a PDF checked by a parser.
@Suite struct InvoiceTests {
    @Test func theInvoicePageShowsThePricesPaid() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.employee, .owner])
            let id = shop.order.id!
            try await db.dbWriter.write { try $0.execute(sql: "UPDATE product SET price = 1") }
            for prefix in ["/admin", "/office-admin"] {
                let user = prefix == "/admin" ? shop.owner : shop.employee
                let page = try await user.get("\(prefix)/invoice/\(id)/")
                #expect(page.status == .ok)
                let text = page.text
                #expect(text.contains("<h1>BookTime</h1>") && text.contains("<h2>Invoice</h2>"))
                #expect(text.contains("Invoice number BT\(id)"))
                #expect(text.contains("Date: \(utcLongDate(shop.order.dateAdded))"))
                #expect(text.contains("John Smith<br>1 the road<br>Smithland LC11RA<br>United Kingdom<br>"))
                #expect(
                    text.contains(#"<td>The cathedral and the bazaar</td><td class="numeric">2</td><td class="numeric">£10.00</td><td class="numeric">£20.00</td>"#),
                    "one row per title, with its quantity"
                )
                #expect(text.contains("<th scope=\"row\" colspan=\"3\">Total</th><td class=\"numeric\">£20.00</td>"))
                #expect(text.contains("<p class=\"invoice-payment\">Paid</p>"), "the fixture's order is paid")
                #expect(!text.contains("Please pay within 30 days"))
                let order = try await user.get("\(prefix)/order/\(id)/").text
                #expect(order.contains("href=\"\(prefix)/invoice/\(id)/\">View Invoice<"))
                #expect(order.contains("href=\"\(prefix)/invoice/\(id)/?format=pdf\">Download Invoice as PDF<"))
            }
        }
    }

    @Test func thePDFIsARealPDFWithTheSameText() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let id = shop.order.id!
            let response = try await shop.owner.get("/admin/invoice/\(id)/?format=pdf")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/pdf")
            let pdf = try ParsedPDF(Array(response.body.readableBytesView))
            #expect(pdf.pageCount == 1)
            #expect(pdf.title == "Invoice BT\(id)")
            #expect(pdf.lines.starts(with: ["BookTime", "Invoice", "Invoice number BT\(id)", "Date: \(utcLongDate(shop.order.dateAdded))"]))
            #expect(pdf.lines.filter { $0 == "The cathedral and the bazaar" }.count == 1)
            #expect(pdf.lines.contains("Quantity"))
            #expect(pdf.lines.filter { $0 == "£10.00" }.count == 1)
            #expect(pdf.lines.filter { $0 == "£20.00" }.count == 2, "the line total and the total")
            #expect(pdf.lines.contains("Smithland LC11RA"))
            #expect(pdf.lines.contains("United Kingdom"))
            #expect(pdf.lines.contains("Paid"))
        }
    }

    /// An unpaid order asks to be paid; the seller's name and address come from the settings.
    @Test func anUnpaidInvoiceAsksForPaymentFromTheSeller() async throws {
        let address = SellerSettings.addressLines(from: "1 High Street, Meryton HT1 1LB,United Kingdom")
        try await withTestApp(configure: { $0.seller = SellerSettings(name: "Longbourn Books", addressLines: address) }) { browser, db in
            let shop = try await AdminShop.make(browser, db, orderStatus: .new, signIn: [.owner])
            let id = shop.order.id!
            let text = try await shop.owner.get("/admin/invoice/\(id)/").text
            #expect(text.contains("<h1>Longbourn Books</h1>"))
            #expect(text.contains("<address>1 High Street<br>Meryton HT1 1LB<br>United Kingdom<br></address>"))
            #expect(text.contains("Please pay within 30 days"))
            let pdf = try ParsedPDF(Array(try await shop.owner.get("/admin/invoice/\(id)/?format=pdf").body.readableBytesView))
            #expect(pdf.lines.first == "Longbourn Books")
            #expect(pdf.lines.contains("Meryton HT1 1LB"))
            #expect(pdf.lines.contains("Please pay within 30 days"))
        }
    }

    @Test func aLongOrderRunsOntoMorePages() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.owner])
            let id = shop.order.id!
            try await db.dbWriter.write { db in
                for _ in 0..<70 {
                    try db.execute(sql: "INSERT INTO orderLine (orderId, productId, unitPrice) VALUES (?, ?, 250)", arguments: [id, shop.product.id])
                }
            }
            let pdf = try ParsedPDF(Array(try await shop.owner.get("/admin/invoice/\(id)/?format=pdf").body.readableBytesView))
            #expect(pdf.pageCount == 3)
            #expect(pdf.lines.filter { $0 == "The cathedral and the bazaar" }.count == 71)
            #expect(pdf.lines.contains("£195.00"))
            #expect(pdf.lines.contains("Invoice BT\(id), continued"))
        }
    }

    @Test func onlyOwnersAndTheOfficeSeeInvoices() async throws {
        try await withTestApp { browser, db in
            let shop = try await AdminShop.make(browser, db, signIn: [.customer, .dispatcher, .owner])
            let id = shop.order.id!
            #expect(try await shop.dispatcher.get("/dispatch-admin/invoice/\(id)/").status == .notFound)
            #expect(try await shop.customer.get("/admin/invoice/\(id)/").status == .forbidden)
            #expect(try await shop.customer.get("/office-admin/invoice/\(id)/?format=pdf").status == .forbidden)
            #expect(try await shop.anonymous.get("/admin/invoice/\(id)/").status == .seeOther)
            #expect(try await shop.owner.get("/admin/invoice/999/").status == .notFound)
            #expect(try await shop.owner.get("/admin/invoice/\(id)/?format=doc").status == .badRequest)
        }
    }

    @Test func pdfStringsAreEscapedAndWinAnsiEncoded() throws {
        #expect(PDFWriter.literal("a (b) \\ c") == "(a \\(b\\) \\\\ c)")
        #expect(PDFWriter.literal("£5 – “ok”") == "(\\2435 \\226 \\223ok\\224)")
        #expect(PDFWriter.literal("日本") == "(??)")
        var writer = PDFWriter(title: "T")
        writer.text("Zoë (2)", x: 10, y: 10, size: 12)
        let parsed = try ParsedPDF(writer.bytes())
        #expect(parsed.lines == ["Zoë (2)"])
        var shifted = writer.bytes()
        shifted.insert(UInt8(ascii: " "), at: 20)
        #expect(throws: ParsedPDF.Failure.self, "the parser notices offsets that point nowhere") { try ParsedPDF(shifted) }
    }
}
