import Foundation
import GRDB

/// Why a basket could not become an order, worded for the visitor.
public enum CheckoutError: Error, Equatable, CustomStringConvertible {
    case emptyBasket
    case unavailable([String])
    case invalidAddress

    public var description: String {
        switch self {
        case .emptyBasket: "Your basket is empty."
        case .unavailable(let names):
            "Sorry, not enough copies are left of \(names.joined(separator: ", ")). Change your basket and try again."
        case .invalidAddress: "Select a valid choice. That choice is not one of the available choices."
        }
    }
}

extension OrderStore {
    /// The book's `Basket.create_order`, in one write transaction: checks every product is still
    /// available (and that enough counted copies remain), takes the copies from stock, creates the
    /// order with address snapshots, one line per title at today's price and the delivery charge
    /// that applies to them, submits the basket and queues the confirmation email. SQLite runs one writer at a time, so concurrent checkouts
    /// of the last copy cannot both pass the stock check.
    ///
    /// A basket that already became an order (a double click, a second tab, a retried request)
    /// returns that order instead of making another. With `baskets`, the submitted basket's state
    /// is left in memory for the customer's next request.
    func placeOrder(
        basketID: Int64, userID: Int64, billingAddressID: Int64, shippingAddressID: Int64, email: OrderEmailSettings,
        delivery: DeliveryRate = DeliveryRate(), now: Date = .now, keepingIn baskets: BasketReads? = nil
    ) async throws -> Order {
        // Every order runs this: cached statements only (building a query-interface request and
        // preparing its statement costs several times running it).
        try await db.dbWriter.write { db in
            let existing = try Order.fetchOne(
                db.cachedStatement(sql: "SELECT * FROM shopOrder WHERE basketId = ? AND userId = ?"), arguments: [basketID, userID]
            )
            if let existing { return existing }
            guard let basket = try BasketStore.basketState(db, id: basketID), basket.status == .open, basket.userId == userID else {
                throw CheckoutError.emptyBasket
            }
            let addresses = try Address.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM address WHERE id IN (?, ?) AND userId = ?"),
                arguments: [billingAddressID, shippingAddressID, userID]
            )
            guard let billing = addresses.first(where: { $0.id == billingAddressID }),
                let shipping = addresses.first(where: { $0.id == shippingAddressID })
            else { throw CheckoutError.invalidAddress }

            let lines = try BasketLine.fetchAll(
                db.cachedStatement(sql: "SELECT * FROM basketLine WHERE basketId = ? ORDER BY id"), arguments: [basketID]
            )
            guard !lines.isEmpty else { throw CheckoutError.emptyBasket }
            let basketProducts = try Product.fetchAll(
                db.cachedStatement(sql: "SELECT p.* FROM product p JOIN basketLine l ON l.productId = p.id WHERE l.basketId = ?"),
                arguments: [basketID]
            )
            var products: [Int64: Product] = [:]
            for product in basketProducts { products[product.id ?? 0] = product }
            let short = lines.compactMap { line -> String? in
                guard let product = products[line.productId] else { return "a book that was removed" }
                let enough = product.isAvailable && (product.stockCount.map { $0 >= line.quantity } ?? true)
                return enough ? nil : product.name
            }
            guard short.isEmpty else { throw CheckoutError.unavailable(short) }

            let takeStock = try db.cachedStatement(sql: "UPDATE product SET stockCount = stockCount - ? WHERE id = ? AND stockCount >= ?")
            for line in lines where products[line.productId]?.stockCount != nil {
                try takeStock.execute(arguments: [line.quantity, line.productId, line.quantity])
                guard db.changesCount == 1 else { throw CheckoutError.unavailable([products[line.productId]?.name ?? ""]) }
            }

            var order = Order(userId: userID, basketId: basketID, billing: billing, shipping: shipping, now: now)
            order.deliveryCharge = delivery.charge(forSubtotal: lines.reduce(0) { $0 + $1.quantity * (products[$1.productId]?.price ?? 0) })
            try order.insertFast(db)
            guard let orderID = order.id else { throw CheckoutError.emptyBasket }
            for line in lines {
                var orderLine = OrderLine(
                    orderId: orderID, productId: line.productId, quantity: line.quantity, unitPrice: products[line.productId]?.price ?? 0
                )
                try orderLine.insertFast(db)
            }
            try OrderWorkflow.recordCreation(db, orderID: orderID, by: userID, at: now)
            try db.cachedStatement(sql: "UPDATE basket SET status = ? WHERE id = ?").execute(arguments: [BasketStatus.submitted, basketID])
            try baskets?.keepState(db, id: basketID)

            let customer = try String.fetchOne(db.cachedStatement(sql: "SELECT email FROM user WHERE id = ?"), arguments: [userID]) ?? ""
            let emailLines = lines.map { line in
                OrderEmail.Line(name: products[line.productId]?.name ?? "", quantity: line.quantity, unitPrice: products[line.productId]?.price ?? 0)
            }
            var confirmation = OrderEmail.make(.confirmation, order: order, to: customer, lines: emailLines, settings: email, now: now)
            try confirmation.insertFast(db)
            return order
        }
    }
}
