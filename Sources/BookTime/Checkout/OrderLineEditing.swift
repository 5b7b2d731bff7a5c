import Foundation
import GRDB

/// Employees adding and removing books of an unpaid order (the book's admin lets them edit an
/// order's lines). The same rules as checkout: a book must be buyable with enough copies left,
/// added copies cost today's price and come out of stock, removed ones go back, and the delivery
/// charge is worked out again from the shop's rate for the new subtotal. Paid orders are fixed:
/// the customer paid for what they ordered.
enum OrderLineEditing {
    enum Failure: Error, Equatable, CustomStringConvertible {
        case notFound
        case paid(String)
        case noSuchBook(String)
        case severalBooks(String, [String])
        case unavailable(String, left: Int?)
        case quantity
        case lastLine

        var description: String {
            switch self {
            case .notFound: "No such order or order line."
            case .paid(let number): "Order \(number) is no longer unpaid: its books cannot change."
            case .noSuchBook(let query): "No book matches “\(query)”. Type its ISBN, its exact title or its number."
            case .severalBooks(let query, let names):
                "Several books match “\(query)”: \(names.joined(separator: "; ")). Type the ISBN or the exact title."
            case .unavailable(let name, let left):
                if let left, left > 0 { "Only \(left) left of \(name)." } else { "\(name) cannot be bought now (inactive or out of stock)." }
            case .quantity: "Enter a quantity from 1 to \(BasketLine.maxQuantity)."
            case .lastLine: "An order needs at least one book: delete the order instead."
            }
        }
    }

    /// The lines that may be removed now, with their books' names, or nil when the order's books
    /// cannot change (it is paid).
    static func changeableLines(_ db: Database, orderID: Int64) throws -> [(line: OrderLine, name: String)]? {
        guard let order = try Order.fetchOne(db, key: orderID), canChange(order) else { return nil }
        let rows = try Row.fetchAll(
            db, sql: "SELECT l.*, p.name AS productName FROM orderLine l JOIN product p ON p.id = l.productId WHERE l.orderId = ? ORDER BY l.id",
            arguments: [orderID]
        )
        return try rows.map { (line: try OrderLine(row: $0), name: $0["productName"] as String) }.filter { !$0.line.status.isFinal }
    }

    /// Until it is paid: the customer paid for what they ordered.
    static func canChange(_ order: Order) -> Bool { order.status == .new }

    /// The book an employee typed: its number (`#12` or `12`), its ISBN, its exact title (any
    /// case), or the one book whose title contains the text.
    static func findBook(_ db: Database, _ query: String) throws -> Product {
        let text = query.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw Failure.noSuchBook(text) }
        let number = text.hasPrefix("#") ? String(text.dropFirst()) : text
        if let id = Int64(number), let product = try Product.fetchOne(db, key: id) { return product }
        if let isbn = ISBN.normalized(text), let product = try Product.fetchOne(db, sql: "SELECT * FROM product WHERE isbn = ?", arguments: [isbn]) {
            return product
        }
        if let product = try Product.fetchOne(
            db, sql: "SELECT * FROM product WHERE name = ? COLLATE NOCASE ORDER BY active DESC, id LIMIT 1", arguments: [text]
        ) {
            return product
        }
        let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let matches = try Product.fetchAll(
            db, sql: "SELECT * FROM product WHERE name LIKE ? ESCAPE '\\' AND active ORDER BY name LIMIT 6", arguments: [pattern]
        )
        switch matches.count {
        case 0: throw Failure.noSuchBook(text)
        case 1: return matches[0]
        default: throw Failure.severalBooks(text, matches.prefix(5).map(\.name))
        }
    }

    /// Adds `quantity` copies of `productID` at today's price: to the order's line for that book
    /// at that price if there is one, else as a new line. Returns the line.
    @discardableResult
    static func add(
        _ db: Database, orderID: Int64, productID: Int64, quantity: Int, delivery: DeliveryRate, at now: Date = .now
    ) throws -> OrderLine {
        let order = try unpaidOrder(db, orderID)
        guard (1...BasketLine.maxQuantity).contains(quantity) else { throw Failure.quantity }
        guard let product = try Product.fetchOne(db, key: productID) else { throw Failure.notFound }
        guard product.isAvailable else { throw Failure.unavailable(product.name, left: nil) }
        if let count = product.stockCount {
            guard count >= quantity else { throw Failure.unavailable(product.name, left: count) }
            try db.execute(sql: "UPDATE product SET stockCount = stockCount - ? WHERE id = ?", arguments: [quantity, productID])
        }
        var line =
            try OrderLine.fetchOne(
                db, sql: "SELECT * FROM orderLine WHERE orderId = ? AND productId = ? AND unitPrice = ? AND status = ?",
                arguments: [orderID, productID, product.price, OrderLineStatus.new]
            ) ?? OrderLine(orderId: orderID, productId: productID, quantity: 0, unitPrice: product.price)
        guard line.quantity + quantity <= BasketLine.maxQuantity else { throw Failure.quantity }
        line.quantity += quantity
        try line.save(db)
        try reprice(db, order, delivery: delivery, at: now)
        return line
    }

    /// Removes a line that has not been sent or cancelled, putting its copies back in stock.
    /// Returns what was removed.
    @discardableResult
    static func remove(_ db: Database, orderID: Int64, lineID: Int64, delivery: DeliveryRate, at now: Date = .now) throws -> OrderLine {
        let order = try unpaidOrder(db, orderID)
        guard let line = try OrderLine.fetchOne(db, key: lineID), line.orderId == orderID, !line.status.isFinal else { throw Failure.notFound }
        let others = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM orderLine WHERE orderId = ? AND id != ? AND status != ?",
            arguments: [orderID, lineID, OrderLineStatus.cancelled]
        ) ?? 0
        guard others > 0 else { throw Failure.lastLine }
        try db.execute(
            sql: "UPDATE product SET stockCount = stockCount + ? WHERE id = ? AND stockCount IS NOT NULL", arguments: [line.quantity, line.productId]
        )
        _ = try OrderLine.deleteOne(db, key: lineID)
        try reprice(db, order, delivery: delivery, at: now)
        return line
    }

    private static func unpaidOrder(_ db: Database, _ orderID: Int64) throws -> Order {
        guard let order = try Order.fetchOne(db, key: orderID) else { throw Failure.notFound }
        guard canChange(order) else { throw Failure.paid(order.number) }
        return order
    }

    /// The delivery charge for the books now in the order (cancelled lines are not charged).
    private static func reprice(_ db: Database, _ order: Order, delivery: DeliveryRate, at now: Date) throws {
        var order = order
        order.deliveryCharge = delivery.charge(forSubtotal: try Order.chargedBooks(db, orderID: order.id ?? 0))
        order.dateUpdated = now
        try order.update(db)
    }
}
