import Foundation

/// The book's invoice (§6.6), with the prices paid and a total: one view model for the HTML page
/// and the PDF.
struct Invoice {
    struct Line {
        let name: String
        let priceText: String
    }

    let number: String
    let date: String
    let billing: [String]
    let lines: [Line]
    let totalText: String
    let pdfURL: String
    let backURL: String

    init(detail: OrderDetail, currency: Currency, url: String, backURL: String) {
        let order = detail.order
        number = order.number
        date = utcLongDate(order.dateAdded)
        let country = Address.countries.first { $0.value == order.billingCountry }?.label ?? order.billingCountry
        billing = [order.billingName, order.billingAddress1, order.billingAddress2, order.billingZipCode, order.billingCity, country]
            .filter { !$0.isEmpty }
        lines = detail.lines.map { Line(name: $0.productName, priceText: currency.format($0.unitPrice)) }
        totalText = currency.format(detail.total)
        pdfURL = url + "?format=pdf"
        self.backURL = backURL
    }

    /// The same content as the page, laid out on A4 pages.
    func pdf() -> [UInt8] {
        var pdf = PDFWriter(title: "Invoice \(number)")
        let left = 56.0
        let right = PDFWriter.pageWidth - 56
        var y = PDFWriter.pageHeight - 72

        pdf.text("BookTime", x: left, y: y, size: 24, font: .bold)
        y -= 28
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
            pdf.rightAlignedText("Price", right: right, y: y, size: 11, font: .bold)
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
            pdf.text(line.name.count > 70 ? String(line.name.prefix(69)) + "…" : line.name, x: left, y: y, size: 11)
            pdf.rightAlignedText(line.priceText, right: right, y: y, size: 11)
            y -= 18
        }
        pdf.line(x1: left, y1: y + 10, x2: right, y2: y + 10)
        y -= 6
        pdf.text("Total", x: left, y: y, size: 11, font: .bold)
        pdf.rightAlignedText(totalText, right: right, y: y, size: 11, font: .bold)
        y -= 40
        if y < 80 {
            pdf.newPage()
            y = PDFWriter.pageHeight - 72
        }
        pdf.text("Please pay within 30 days", x: left, y: y, size: 11)
        pdf.text("BookTime inc.", x: left, y: y - 16, size: 11)
        return pdf.bytes()
    }
}
