import Foundation
import GRDB
import Hummingbird

/// An order's invoice as a page or a PDF.
extension AdminController {
    /// `invoice/<order id>/`: the invoice as a page, or with `?format=pdf` as a PDF file.
    @Sendable func invoice(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try actor(context)
        guard let id = context.parameters.get("order", as: Int64.self), let detail = try await store.db.orders.order(id: id, userID: nil) else {
            throw HTTPError(.notFound)
        }
        let orders = site.model(named: "order").map { site.changeURL($0, id: id) } ?? site.indexURL
        let invoice = Invoice(detail: detail, currency: currency, seller: seller, url: site.invoiceURL(orderID: id), backURL: orders)
        switch request.uri.queryParameters["format"] {
        case nil, "html":
            return views.render("admin_invoice", page: invoice, title: "Invoice \(invoice.number)", request: request, context: context)
        case "pdf":
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/pdf", .contentDisposition: "inline; filename=invoice-\(invoice.number).pdf",
                    .cacheControl: "private, no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: invoice.pdf()))
            )
        default:
            throw HTTPError(.badRequest, message: "The invoice comes as format=html or format=pdf.")
        }
    }
}
