import Foundation
import GRDB
import Mustache
import Synchronization

/// What the shop charges to send an order: a flat charge, free from a subtotal if the owner
/// says so. The default charges nothing, so a shop that never sets it keeps its totals.
public struct DeliveryRate: Sendable, Equatable {
    public var charge: Int
    /// Orders whose books come to at least this much travel free; nil: never free.
    public var freeFrom: Int?

    public init(charge: Int = 0, freeFrom: Int? = nil) {
        self.charge = charge
        self.freeFrom = freeFrom
    }

    /// The delivery charge for books costing `subtotal` in all.
    public func charge(forSubtotal subtotal: Int) -> Int {
        guard charge > 0 else { return 0 }
        if let freeFrom, subtotal >= freeFrom { return 0 }
        return charge
    }

    public var chargesAnything: Bool { charge > 0 }

    /// "Free delivery from £30.00" (nil when there is no threshold or no charge).
    func freeDeliveryNote(_ currency: Currency) -> String? {
        guard chargesAnything, let freeFrom else { return nil }
        return "Free delivery on orders of \(currency.format(freeFrom)) or more."
    }
}

/// An order's money: its books, its delivery, and the total paid.
public struct OrderTotals: Sendable, Equatable {
    public var subtotal: Int
    public var delivery: Int
    public var total: Int { subtotal + delivery }

    public init(subtotal: Int, delivery: Int) {
        self.subtotal = subtotal
        self.delivery = delivery
    }
}

/// Totals as pages, emails and invoices show them. The delivery line shows when something is
/// charged, or when the shop charges delivery and this order travels free.
struct TotalsView {
    let subtotalText: String
    let deliveryText: String
    let totalText: String
    let showsDelivery: Bool

    init(_ totals: OrderTotals, currency: Currency, shopChargesDelivery: Bool = false) {
        subtotalText = currency.format(totals.subtotal)
        deliveryText = totals.delivery == 0 ? "Free" : currency.format(totals.delivery)
        totalText = currency.format(totals.total)
        showsDelivery = totals.delivery > 0 || shopChargesDelivery
    }
}

// Order emails render inside the checkout's transaction: direct lookups, no reflection.
extension TotalsView: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "subtotalText": subtotalText
        case "deliveryText": deliveryText
        case "totalText": totalText
        case "showsDelivery": showsDelivery
        default: nil
        }
    }
}
