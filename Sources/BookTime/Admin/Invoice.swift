import Foundation

/// An order's invoice, with the prices paid and a total: one view model for the HTML page
/// and the PDF.
struct Invoice {
    struct Line {
        let name: String
        let quantity: Int
        let priceText: String
        let lineTotalText: String
    }

    let number: String
    let date: String
    let sellerName: String
    let sellerAddress: [String]
    let billing: [String]
    let lines: [Line]
    let totals: TotalsView
    /// "Paid" once the order was marked paid; otherwise the book's request to pay.
    let paymentNote: String
    let pdfURL: String
    let backURL: String

    init(detail: OrderDetail, currency: Currency, seller: SellerSettings, url: String, backURL: String) {
        let order = detail.order
        number = order.number
        date = utcLongDate(order.dateAdded)
        sellerName = seller.name
        sellerAddress = seller.addressLines
        billing = order.billing.linesWithName
        // Cancelled lines are not charged.
        let charged = detail.lines.filter { $0.status != .cancelled }
        lines = charged.map {
            Line(name: $0.productName, quantity: $0.quantity, priceText: currency.format($0.unitPrice), lineTotalText: currency.format($0.lineTotal))
        }
        totals = TotalsView(OrderTotals(subtotal: charged.reduce(0) { $0 + $1.lineTotal }, delivery: order.deliveryCharge), currency: currency)
        let paid = detail.history.contains { $0.orderLineId == nil && $0.toStatus == OrderStatus.paid.rawValue }
        paymentNote = paid ? "Paid" : "Please pay within 30 days"
        pdfURL = url + "?format=pdf"
        self.backURL = backURL
    }

    /// The same content as the page, laid out on A4 pages.
    func pdf() -> [UInt8] {
        var pdf = PDFWriter(title: "Invoice \(number)")
        let left = 56.0
        let right = PDFWriter.pageWidth - 56
        var y = PDFWriter.pageHeight - 72

        pdf.text(sellerName, x: left, y: y, size: 24, font: .bold)
        var sellerY = y
        for line in sellerAddress {
            pdf.rightAlignedText(line, right: right, y: sellerY, size: 10)
            sellerY -= 13
        }
        y = min(y - 28, sellerY - 8)
        pdf.text("Invoice", x: left, y: y, size: 16, font: .bold)
        y -= 30
        var addressY = y
        pdf.text("Invoice number \(number)", x: left, y: y, size: 11)
        pdf.text("Date: \(date)", x: left, y: y - 16, size: 11)
        for line in billing {
            pdf.rightAlignedText(line, right: right, y: addressY, size: 11)
            addressY -= 16
        }
        y = min(y - 32, addressY) - 24

        func header() {
            pdf.text("Product name", x: left, y: y, size: 11, font: .bold)
            pdf.rightAlignedText("Quantity", right: right - 170, y: y, size: 11, font: .bold)
            pdf.rightAlignedText("Price", right: right - 85, y: y, size: 11, font: .bold)
            pdf.rightAlignedText("Total", right: right, y: y, size: 11, font: .bold)
            pdf.line(x1: left, y1: y - 6, x2: right, y2: y - 6)
            y -= 22
        }
        header()
        for line in lines {
            if y < 110 {
                pdf.newPage()
                y = PDFWriter.pageHeight - 72
                pdf.text("Invoice \(number), continued", x: left, y: y, size: 11)
                y -= 28
                header()
            }
            pdf.text(line.name.count > 48 ? String(line.name.prefix(47)) + "…" : line.name, x: left, y: y, size: 11)
            pdf.rightAlignedText(String(line.quantity), right: right - 170, y: y, size: 11)
            pdf.rightAlignedText(line.priceText, right: right - 85, y: y, size: 11)
            pdf.rightAlignedText(line.lineTotalText, right: right, y: y, size: 11)
            y -= 18
        }
        pdf.line(x1: left, y1: y + 10, x2: right, y2: y + 10)
        y -= 6
        if totals.showsDelivery {
            pdf.text("Books", x: left, y: y, size: 11)
            pdf.rightAlignedText(totals.subtotalText, right: right, y: y, size: 11)
            y -= 18
            pdf.text("Delivery", x: left, y: y, size: 11)
            pdf.rightAlignedText(totals.deliveryText, right: right, y: y, size: 11)
            y -= 18
        }
        pdf.text("Total", x: left, y: y, size: 11, font: .bold)
        pdf.rightAlignedText(totals.totalText, right: right, y: y, size: 11, font: .bold)
        y -= 40
        if y < 80 {
            pdf.newPage()
            y = PDFWriter.pageHeight - 72
        }
        pdf.text(paymentNote, x: left, y: y, size: 11, font: paymentNote == "Paid" ? .bold : .regular)
        pdf.text(sellerName, x: left, y: y - 16, size: 11)
        return pdf.bytes()
    }
}
