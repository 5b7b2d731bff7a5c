import Foundation
import Hummingbird

/// The customer's order history and order pages; someone else's order is not found.
struct OrdersController {
    let db: AppDatabase
    let views: Views
    let currency: Currency
    let changes: OrderChanges

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group().add(middleware: RequireRoleMiddleware())
        group.get(RouterPath(Routes.orders), use: list)
        group.get(Routes.Pattern.order.routerPath, use: detail)
        router.get(Routes.Pattern.orderEvents.routerPath, use: events)
    }

    struct ListPage {
        struct Entry {
            let number: String
            let url: String
            let date: String
            let summary: String
            let totalText: String
            let status: String
        }

        let orders: [Entry]
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let userID = context.currentUserID else { throw HTTPError(.unauthorized) }
        let entries = try await db.orders.orders(userID: userID).map { summary in
            ListPage.Entry(
                number: summary.order.number, url: Routes.order(id: summary.order.id ?? 0), date: utcLongDate(summary.order.dateAdded),
                summary: summary.items.joined(separator: ", "), totalText: currency.format(summary.total), status: summary.order.status.label
            )
        }
        return views.render("orders_list", page: ListPage(orders: entries), title: "Your orders", request: request, context: context)
    }

    @Sendable func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let userID = context.currentUserID else { throw HTTPError(.unauthorized) }
        guard let id = context.parameters.get("id", as: Int64.self), let detail = try await db.orders.order(id: id, userID: userID) else {
            throw HTTPError(.notFound)
        }
        let page = OrderPage(detail: detail, currency: currency)
        return views.render("orders_detail", page: page, title: "Order \(detail.order.number)", request: request, context: context)
    }

    /// `GET /orders/<id>/events/`: the order's status, lines and history as Server-Sent Events,
    /// sent when they change (the page's script updates itself); with `?nopoll`, the current state
    /// once. Only the order's customer.
    @Sendable func events(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let userID = context.currentUserID, let id = context.parameters.get("id", as: Int64.self),
            try await db.orders.order(id: id, userID: userID) != nil
        else { throw HTTPError(.notFound) }
        let db = db
        let currency = currency
        let changes = changes
        let state = LiveOrderState()
        return EventStream.response(once: EventStream.isNoPoll(request)) {
            // Re-read after a change here, and every 10 s for writes by other processes (the CLI).
            guard await state.due(version: changes.version) else { return nil }
            guard let detail = try await db.orders.order(id: id, userID: userID) else { return nil }
            return await state.ifChanged(OrderPage(detail: detail, currency: currency).liveJSON)
        }
    }
}

/// What one live order stream last read and sent.
private actor LiveOrderState {
    var version = -1
    var readAt = ContinuousClock.now
    var last: String?

    func due(version now: Int) -> Bool {
        guard now != version || ContinuousClock.now - readAt > .seconds(10) else { return false }
        version = now
        readAt = .now
        return true
    }

    func ifChanged(_ json: String) -> String? {
        guard json != last else { return nil }
        last = json
        return json
    }
}

/// One order as its page shows it: lines with the price paid, both addresses, the history.
struct OrderPage {
    struct Line {
        let id: Int64
        let name: String
        let productURL: String
        let quantity: Int
        let unitPriceText: String
        let lineTotalText: String
        let status: String
    }

    struct AddressLines {
        let lines: [String]
    }

    struct Change {
        let date: String
        let what: String
    }

    let number: String
    let date: String
    let status: String
    let lines: [Line]
    let totals: TotalsView
    let billing: AddressLines
    let shipping: AddressLines
    let history: [Change]
    let eventsURL: String
    let chatURL: String

    init(detail: OrderDetail, currency: Currency) {
        let order = detail.order
        number = order.number
        eventsURL = Routes.orderEvents(id: order.id ?? 0)
        chatURL = Routes.chatRoom(orderID: order.id ?? 0)
        date = utcLongDate(order.dateAdded)
        status = order.status.label
        lines = detail.lines.map {
            Line(
                id: $0.id, name: $0.productName, productURL: Routes.product(slug: $0.productSlug), quantity: $0.quantity,
                unitPriceText: currency.format($0.unitPrice), lineTotalText: currency.format($0.lineTotal), status: $0.status.label
            )
        }
        totals = TotalsView(detail.totals, currency: currency)
        billing = AddressLines(lines: order.billing.linesWithName)
        shipping = AddressLines(lines: order.shipping.linesWithName)
        let names = Dictionary(detail.lines.map { ($0.id, $0.productName) }, uniquingKeysWith: { first, _ in first })
        history = detail.history.map { entry in
            let what: String
            if let lineID = entry.orderLineId {
                let from = entry.fromStatus.flatMap(OrderLineStatus.init(rawValue:))?.label ?? "—"
                let to = OrderLineStatus(rawValue: entry.toStatus)?.label ?? "?"
                what = "\(names[lineID] ?? "A line"): \(from) → \(to)"
            } else if let from = entry.fromStatus.flatMap(OrderStatus.init(rawValue:)) {
                what = "Order: \(from.label) → \(OrderStatus(rawValue: entry.toStatus)?.label ?? "?")"
            } else {
                what = "Order placed"
            }
            return Change(date: utcDateTime(entry.changedAt), what: what)
        }
    }
}

extension OrderPage {
    /// What the live page replaces: the order's status, each line's status, the history.
    var liveJSON: String {
        let object: [String: Any] = [
            "status": status,
            "lines": lines.map { ["id": $0.id, "status": $0.status] as [String: Any] },
            "history": history.map { ["date": $0.date, "what": $0.what] },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
