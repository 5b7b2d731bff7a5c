import Foundation
import GRDB

/// The book's `OrderAdmin`, `CentralOfficeOrderAdmin` and `DispatchersOrderAdmin`. Statuses are
/// written through `OrderWorkflow` (history rows, automatic DONE), never as plain columns.
enum OrderAdmin {
    static let orderStatuses = OrderStatus.allCases.map { AdminChoice(value: String($0.rawValue), label: $0.label) }
    static let lineStatuses = OrderLineStatus.allCases.map { AdminChoice(value: String($0.rawValue), label: $0.label) }
    static let countries = Address.countries.map { AdminChoice(value: $0.value, label: $0.label) }
    /// The orders a dispatcher sees, on their site and on the dashboard: paid ones.
    static let dispatchScope: SQL = "t.status = \(OrderStatus.paid)"

    static let setOrderStatus: AdminFieldWriter = { db, id, value, write in
        guard let raw = Int.fromDatabaseValue(value), let status = OrderStatus(rawValue: raw) else { throw OrderWorkflow.Failure.notFound }
        try OrderWorkflow.setStatus(db, orderID: id, to: status, by: write.userID, notify: write.orderEmail)
    }

    static let setLineStatus: AdminFieldWriter = { db, id, value, write in
        guard let raw = Int.fromDatabaseValue(value), let status = OrderLineStatus(rawValue: raw) else { throw OrderWorkflow.Failure.notFound }
        try OrderWorkflow.setLineStatus(db, lineID: id, to: status, by: write.userID, notify: write.orderEmail)
    }

    /// "Mark all lines sent": every line still open in the selected orders, through the workflow
    /// (history per line, the order closes, the customer is told it is on its way).
    static let markAllLinesSent = AdminAction(name: "mark_all_sent", label: "Mark all lines sent") { db, ids, write in
        var changed = 0
        for orderID in ids {
            let open = try Int64.fetchAll(
                db, sql: "SELECT id FROM orderLine WHERE orderId = ? AND status NOT IN (?, ?) ORDER BY id",
                arguments: [orderID, OrderLineStatus.sent, OrderLineStatus.cancelled]
            )
            for lineID in open {
                try OrderWorkflow.setLineStatus(db, lineID: lineID, to: .sent, by: write.userID, notify: write.orderEmail)
            }
            if !open.isEmpty { changed += 1 }
        }
        return changed
    }

    /// An unpaid order's books, added and removed by checkout's rules (`OrderLineEditing`).
    static let bookEditor = AdminLineEditor(
        title: "Change the books",
        help: "Until the order is paid. Added copies cost today's price and come out of stock; removed ones go back; the delivery charge follows the shop's rate.",
        maxQuantity: BasketLine.maxQuantity,
        lines: { db, id, shop in
            try OrderLineEditing.changeableLines(db, orderID: id)?.map { line, name in
                AdminLineEditor.Line(id: line.id ?? 0, text: "\(line.quantity) × \(name) at \(shop.currency.format(line.unitPrice)) each")
            }
        },
        add: { db, id, query, quantity, shop in
            do {
                let book = try OrderLineEditing.findBook(db, query)
                let line = try OrderLineEditing.add(db, orderID: id, productID: book.id ?? 0, quantity: quantity, delivery: shop.settings.delivery)
                return try emailCustomer(db, id, shop, "Added \(quantity) × “\(book.name)” at \(shop.currency.format(line.unitPrice)) each." + deliveryNote(db, id, shop))
            } catch let failure as OrderLineEditing.Failure {
                throw AdminLineEditor.Refusal(message: failure.description)
            }
        },
        remove: { db, id, lineID, shop in
            do {
                let line = try OrderLineEditing.remove(db, orderID: id, lineID: lineID, delivery: shop.settings.delivery)
                let name = try String.fetchOne(db, sql: "SELECT name FROM product WHERE id = ?", arguments: [line.productId]) ?? "?"
                return try emailCustomer(db, id, shop, "Removed \(line.quantity) × “\(name)”." + deliveryNote(db, id, shop))
            } catch let failure as OrderLineEditing.Failure {
                throw AdminLineEditor.Refusal(message: failure.description)
            }
        }
    )

    /// Emails the customer the order as it now stands (its new total is what they will pay), in
    /// the change's transaction, and returns `change`, which is also what the employee is told.
    private static func emailCustomer(_ db: Database, _ id: Int64, _ shop: AdminLineEditor.Shop, _ change: String) throws -> String {
        if let settings = shop.orderEmail { try OrderEmail.enqueue(.changed(change), db, orderID: id, settings: settings, now: Date()) }
        return change
    }

    /// " Delivery: £3.50." after a change, when the shop charges for delivery at all.
    private static func deliveryNote(_ db: Database, _ id: Int64, _ shop: AdminLineEditor.Shop) throws -> String {
        guard shop.settings.delivery.chargesAnything, let order = try Order.fetchOne(db, key: id) else { return "" }
        return " Delivery: \(order.deliveryCharge == 0 ? "free" : shop.currency.format(order.deliveryCharge))."
    }

    static func addressFields(_ prefix: String, _ title: String) -> (fields: [AdminField], fieldset: AdminFieldset) {
        let fields = [
            AdminField(name: "\(prefix)_name", column: "\(prefix)Name", label: "\(title) name", kind: .text(maxLength: 60)),
            AdminField(name: "\(prefix)_address1", column: "\(prefix)Address1", label: "\(title) address line 1", kind: .text(maxLength: 60)),
            AdminField(name: "\(prefix)_address2", column: "\(prefix)Address2", label: "\(title) address line 2", kind: .text(maxLength: 60, required: false)),
            AdminField(name: "\(prefix)_zip_code", column: "\(prefix)ZipCode", label: "\(title) ZIP / postal code", kind: .text(maxLength: 12)),
            AdminField(name: "\(prefix)_city", column: "\(prefix)City", label: "\(title) city", kind: .text(maxLength: 60)),
            AdminField(name: "\(prefix)_country", column: "\(prefix)Country", label: "\(title) country", kind: .choice(countries)),
        ]
        let postal: @Sendable (Database, Int64) throws -> [String] = { db, id in
            guard let order = try Order.fetchOne(db, key: id) else { return [] }
            return (prefix == "billing" ? order.billing : order.shipping).linesWithName
        }
        return (fields, AdminFieldset(title: "\(title) info", fields: fields.map(\.name), summary: postal))
    }

    /// `CASE` mapping a status column to its labels (values and labels bound as arguments).
    static func labelSQL(_ column: SQL, _ choices: [AdminChoice]) -> SQL {
        let cases = choices.map { "WHEN \(Int($0.value) ?? 0) THEN \($0.label)" as SQL }.joined(separator: " ")
        return "CASE \(literal: column) \(literal: cases) ELSE \(literal: column) END"
    }

    /// The order's history, read-only on its page: who changed what, when, from and to.
    static let history: AdminInline = {
        func status(_ column: SQL) -> SQL {
            "CASE WHEN t.orderLineId IS NULL THEN \(literal: labelSQL(column, orderStatuses)) ELSE \(literal: labelSQL(column, lineStatuses)) END"
        }
        return AdminInline(
            title: "History", table: "orderHistory", foreignKey: "orderId",
            columns: [
                AdminColumn(name: "changed_at", label: "When", sql: "t.changedAt", format: .dateTime),
                AdminColumn(
                    name: "what", label: "What",
                    sql: """
                        CASE WHEN t.orderLineId IS NULL THEN 'The order' ELSE 'Line ' || t.orderLineId || ' (' ||
                            COALESCE((SELECT p.name FROM orderLine l JOIN product p ON p.id = l.productId WHERE l.id = t.orderLineId), '?') || ')' END
                        """
                ),
                AdminColumn(name: "from", label: "From", sql: "COALESCE(\(literal: status("t.fromStatus")), '–')"),
                AdminColumn(name: "to", label: "To", sql: status("t.toStatus")),
                AdminColumn(name: "who", label: "Who", sql: "COALESCE((SELECT u.email FROM user u WHERE u.id = t.userId), 'the shop')"),
            ],
            fields: [], order: "t.id"
        )
    }()

    static func order(for site: AdminSite.Kind) -> AdminModel {
        let customer: SQL = "(SELECT u.email FROM user u WHERE u.id = t.userId)"
        var model = AdminModel(
            name: "order", label: "Order", plural: "Orders", table: "shopOrder", titleSQL: "'BT' || t.id",
            columns: [
                AdminColumn(name: "id", label: "Order", sql: "'BT' || t.id"),
                AdminColumn(name: "user", label: "Customer", sql: customer),
                AdminColumn(name: "status", label: "Status", sql: "t.status", format: .choice(orderStatuses)),
                AdminColumn(name: "date_added", label: "Date added", sql: "t.dateAdded", format: .dateTime),
            ],
            filters: [
                .choice(name: "status", label: "Status", sql: "t.status", choices: orderStatuses),
                .choice(name: "shipping_country", label: "Shipping country", sql: "t.shippingCountry", choices: countries),
                .dateRange(name: "date_added", label: "Date added", sql: "t.dateAdded"),
            ],
            search: [customer, "'BT' || t.id", "t.billingName", "t.shippingName"],
            defaultOrder: "t.id DESC"
        )
        model.summary = Self.summary
        let billing = addressFields("billing", "Billing")
        let shipping = addressFields("shipping", "Shipping")
        model.fields = [
            AdminField(name: "user", column: "userId", label: "Customer", kind: .foreignKey(table: "user", label: "email")),
            AdminField(name: "status", column: "status", label: "Status", kind: .integerChoice(orderStatuses), writer: setOrderStatus),
        ] + billing.fields + shipping.fields + [
            AdminField(name: "date_added", column: "dateAdded", label: "Date added", kind: .dateTime),
            AdminField(name: "date_updated", column: "dateUpdated", label: "Date updated", kind: .dateTime),
        ]
        model.fieldsets = [
            AdminFieldset(title: nil, fields: ["user", "status", "date_added", "date_updated"]), billing.fieldset, shipping.fieldset,
        ]
        model.touch = ["dateUpdated"]
        model.inlines = [
            AdminInline(
                title: "Order lines", table: "orderLine", foreignKey: "orderId",
                columns: [
                    AdminColumn(name: "product", label: "Product", sql: "(SELECT p.name FROM product p WHERE p.id = t.productId)"),
                    AdminColumn(name: "quantity", label: "Quantity", sql: "t.quantity"),
                    AdminColumn(name: "unit_price", label: "Price paid (each)", sql: "t.unitPrice", format: .money),
                    AdminColumn(name: "line_total", label: "Line total", sql: "t.quantity * t.unitPrice", format: .money),
                ],
                fields: [AdminField(name: "status", column: "status", label: "Status", kind: .integerChoice(lineStatuses), writer: setLineStatus)],
                order: "t.id"
            )
        ]
        model.inlines.append(history)
        model.actions = [markAllLinesSent]
        switch site {
        case .owners:
            model.permissions = [.view, .change, .delete]
            model.listEditable = ["status"]
            model.lineEditor = bookEditor
        case .office:
            // CentralOfficeOrderAdmin: the customer is fixed; a line keeps its product (books
            // are added and removed through the line editor instead).
            model.permissions = [.view, .change]
            model.readOnly = ["user"]
            model.listEditable = ["status"]
            model.lineEditor = bookEditor
        case .dispatch:
            // DispatchersOrderAdmin: paid orders only, the shipping address only, line statuses only.
            model.permissions = [.view, .change]
            model.scope = dispatchScope
            model.columns = [
                AdminColumn(name: "id", label: "Order", sql: "'BT' || t.id"),
                AdminColumn(name: "shipping_name", label: "Shipping name", sql: "t.shippingName"),
                AdminColumn(name: "date_added", label: "Date added", sql: "t.dateAdded", format: .dateTime),
                AdminColumn(name: "status", label: "Status", sql: "t.status", format: .choice(orderStatuses)),
            ]
            model.search = ["'BT' || t.id", "t.shippingName"]
            model.fieldsets = [shipping.fieldset]
            model.readOnly = Set(model.fields.map(\.name))
        }
        return model
    }

    /// Above an order's form: who ordered it (name and email, linking to the user) and what it
    /// comes to (cancelled lines not charged, delivery as charged).
    static let summary: @Sendable (Database, Int64, Currency) throws -> [AdminSummaryItem] = { db, id, currency in
        guard let order = try Order.fetchOne(db, key: id) else { return [] }
        let email = try String.fetchOne(db, sql: "SELECT email FROM user WHERE id = ?", arguments: [order.userId]) ?? "?"
        let books = try Order.chargedBooks(db, orderID: id)
        let totals = TotalsView(OrderTotals(subtotal: books, delivery: order.deliveryCharge), currency: currency)
        let name = order.billingName.isEmpty ? email : "\(order.billingName) <\(email)>"
        var items = [AdminSummaryItem(label: "Customer", text: name, link: ("user", order.userId))]
        if totals.showsDelivery {
            items.append(AdminSummaryItem(label: "Books", text: totals.subtotalText))
            items.append(AdminSummaryItem(label: "Delivery", text: totals.deliveryText))
        }
        items.append(AdminSummaryItem(label: "Total", text: totals.totalText))
        return items
    }
}

/// The book's `BasketAdmin` with its `BasketLineInline` (owners only).
enum BasketAdmin {
    static let statuses = BasketStatus.allCases.map { AdminChoice(value: String($0.rawValue), label: $0.label) }

    static let basket: AdminModel = {
        var model = AdminModel(
            name: "basket", label: "Basket", plural: "Baskets", table: "basket", titleSQL: "'Basket ' || t.id",
            columns: [
                AdminColumn(name: "id", label: "ID", sql: "t.id"),
                AdminColumn(name: "user", label: "User", sql: "COALESCE((SELECT u.email FROM user u WHERE u.id = t.userId), '(a visitor)')"),
                AdminColumn(name: "status", label: "Status", sql: "t.status", format: .choice(statuses)),
                AdminColumn(name: "count", label: "Items", sql: "(SELECT COALESCE(SUM(l.quantity), 0) FROM basketLine l WHERE l.basketId = t.id)"),
            ],
            filters: [.choice(name: "status", label: "Status", sql: "t.status", choices: statuses)],
            search: ["(SELECT u.email FROM user u WHERE u.id = t.userId)"]
        )
        model.fields = [
            AdminField(name: "user", column: "userId", label: "User", kind: .foreignKey(table: "user", label: "email")),
            AdminField(name: "status", column: "status", label: "Status", kind: .integerChoice(statuses)),
            AdminField(name: "created_at", column: "createdAt", label: "Created", kind: .dateTime),
        ]
        model.readOnly = ["user"]
        model.listEditable = ["status"]
        model.inlines = [
            AdminInline(
                title: "Basket lines", table: "basketLine", foreignKey: "basketId",
                columns: [AdminColumn(name: "product", label: "Product", sql: "(SELECT p.name FROM product p WHERE p.id = t.productId)")],
                fields: [AdminField(name: "quantity", column: "quantity", label: "Quantity", kind: .integer(1...BasketLine.maxQuantity))],
                order: "t.id"
            )
        ]
        model.permissions = [.view, .change, .delete]
        return model
    }()
}
