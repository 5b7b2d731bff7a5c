import BookTimeResources
import Foundation
import GRDB
import Mustache

/// What the order emails need besides the order: who sends them, the shop's address for links,
/// and the currency.
public struct OrderEmailSettings: Sendable {
    let mail: MailSettings
    let link: PublicURL
    let currency: Currency
    var publicURL: String { link.current }

    public init(mail: MailSettings, publicURL: PublicURL, currency: Currency) {
        self.mail = mail
        self.link = publicURL
        self.currency = currency
    }

    public init(mail: MailSettings, publicURL: String, currency: Currency) {
        self.init(mail: mail, publicURL: PublicURL(publicURL), currency: currency)
    }
}

/// The emails a customer gets about an order: confirmed, changed by the shop while unpaid, paid,
/// dispatched. Each is HTML
/// (`email_order`) with a plain-text part (`email_order_text`), written to the outbox in the
/// transaction that made the change.
enum OrderEmail {
    enum Kind: Equatable {
        case confirmation, paid, dispatched
        /// Books added or removed by the shop, with what changed ("Added 2 × …").
        case changed(String)
    }

    struct Line {
        let name: String
        let quantity: Int
        let unitPrice: Int

        var lineTotal: Int { quantity * unitPrice }
    }

    /// What both templates show.
    struct Content {
        struct Line {
            let name: String
            let quantity: Int
            let unitPriceText: String
            let lineTotalText: String
        }

        let subject: String
        let heading: String
        let intro: String
        let number: String
        let lines: [Line]
        let totals: TotalsView
        let shipping: [String]
        let billing: [String]
        let orderURL: String
    }

    /// The templates, embedded (a theme restyles pages, not emails), parsed once.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for name in ["email_order", "email_order_text"] {
            if let bytes = EmbeddedResources.files["templates/\(name).mustache"],
                let template = try? MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
            {
                library.register(template, named: name)
            }
        }
        return library
    }()

    static func make(_ kind: Kind, order: Order, to customer: String, lines: [Line], settings: OrderEmailSettings, now: Date) -> OutboxEmail {
        let number = order.number
        let (subject, heading, intro): (String, String, String) =
            switch kind {
            case .confirmation:
                ("Your BookTime order \(number)", "Thank you for your order \(number).", "Here is what you ordered. We will email you again when it is paid and when it is on its way.")
            case .paid:
                ("Payment received for your BookTime order \(number)", "We have received your payment for order \(number).", "Thank you. We are now preparing your books.")
            case .dispatched:
                ("Your BookTime order \(number) is on its way", "Your order \(number) is on its way.", "We have sent these books to the address below.")
            case .changed(let change):
                (
                    "Your BookTime order \(number) has changed", "We have changed your order \(number).",
                    "\(change) Here is your order as it stands now; its total is what you will pay."
                )
            }
        let currency = settings.currency
        let content = Content(
            subject: subject, heading: heading, intro: intro, number: number,
            lines: lines.map {
                Content.Line(
                    name: $0.name, quantity: $0.quantity, unitPriceText: currency.format($0.unitPrice),
                    lineTotalText: currency.format($0.lineTotal)
                )
            },
            totals: TotalsView(OrderTotals(subtotal: lines.reduce(0) { $0 + $1.lineTotal }, delivery: order.deliveryCharge), currency: currency),
            shipping: order.shipping.linesWithName, billing: order.billing.linesWithName,
            orderURL: "\(settings.publicURL)\(Routes.order(id: order.id ?? 0))"
        )
        // Answers go to customer service, as the email's footer says.
        return OutboxEmail(
            to: customer, from: settings.mail.fromAddress, subject: subject,
            body: library.render(content, withTemplate: "email_order_text") ?? heading, htmlBody: library.render(content, withTemplate: "email_order"),
            replyTo: settings.mail.customerServiceAddress, now: now
        )
    }

    /// The email about `orderID` as it stands in the database (paid, dispatched): the lines that
    /// are not cancelled (for `.dispatched`, the ones sent).
    static func make(_ kind: Kind, _ db: Database, orderID: Int64, settings: OrderEmailSettings, now: Date) throws -> OutboxEmail? {
        guard let order = try Order.fetchOne(db, key: orderID),
            let customer = try String.fetchOne(db, sql: "SELECT email FROM user WHERE id = ?", arguments: [order.userId])
        else { return nil }
        let statuses = kind == .dispatched ? [OrderLineStatus.sent] : [.new, .processing, .sent]
        let lines = try Row.fetchAll(
            db,
            sql: """
                SELECT p.name, l.quantity, l.unitPrice FROM orderLine l JOIN product p ON p.id = l.productId
                WHERE l.orderId = ? AND l.status IN (\(statuses.map { String($0.rawValue) }.joined(separator: ", "))) ORDER BY l.id
                """,
            arguments: [orderID]
        ).map { Line(name: $0["name"], quantity: $0["quantity"], unitPrice: $0["unitPrice"]) }
        guard !lines.isEmpty else { return nil }
        return make(kind, order: order, to: customer, lines: lines, settings: settings, now: now)
    }

    /// Queues the email about `orderID`, if it has anything to say.
    static func enqueue(_ kind: Kind, _ db: Database, orderID: Int64, settings: OrderEmailSettings, now: Date) throws {
        guard var email = try make(kind, db, orderID: orderID, settings: settings, now: now) else { return }
        try email.insertFast(db)
    }
}

// Every order renders its confirmation inside the checkout's write transaction: the content
// answers Mustache's lookups directly instead of through reflection (as the page view models do).
extension OrderEmail.Content: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "subject": subject
        case "heading": heading
        case "intro": intro
        case "number": number
        case "lines": lines
        case "totals": totals
        case "shipping": shipping
        case "billing": billing
        case "orderURL": orderURL
        default: nil
        }
    }
}

extension OrderEmail.Content.Line: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "quantity": quantity
        case "unitPriceText": unitPriceText
        case "lineTotalText": lineTotalText
        default: nil
        }
    }
}
