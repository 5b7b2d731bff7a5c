import Mustache

/// What `basket_basket.mustache` shows: lines with formatted prices, the total, the next step.
struct BasketPage {
    struct Line {
        let lineID: Int64
        let name: String
        let productURL: String
        let thumbnailURL: String
        let hasThumbnail: Bool
        let coverURL: String
        let unitPriceText: String
        let quantity: Int
        let maxQuantity = BasketLine.maxQuantity
        let lineTotalText: String
        let unavailable: Bool
    }

    let lines: [Line]
    let totals: TotalsView
    /// "Free delivery on orders of £30.00 or more."
    let deliveryNote: String?
    let errors: [String]
    let signedIn: Bool
    let anyUnavailable: Bool
    let checkoutURL = Routes.addressSelect
    let signupURL = Routes.signup(next: Routes.addressSelect)
    let loginURL = Routes.login(next: Routes.addressSelect)

    init(items: [BasketItem], errors: [String], signedIn: Bool, currency: Currency, delivery: DeliveryRate = DeliveryRate()) {
        self.lines = items.map { item in
            Line(
                lineID: item.lineId, name: item.name, productURL: Routes.product(slug: item.slug),
                thumbnailURL: item.thumbnailHash.map { Routes.image(hash: $0) } ?? "", hasThumbnail: item.thumbnailHash != nil,
                coverURL: Routes.cover(slug: item.slug), unitPriceText: currency.format(item.price), quantity: item.quantity,
                lineTotalText: currency.format(item.lineTotal), unavailable: !item.available
            )
        }
        let subtotal = items.reduce(0) { $0 + $1.lineTotal }
        self.totals = TotalsView(
            OrderTotals(subtotal: subtotal, delivery: delivery.charge(forSubtotal: subtotal)), currency: currency, shopChargesDelivery: delivery.chargesAnything
        )
        self.deliveryNote = delivery.freeDeliveryNote(currency)
        self.errors = errors
        self.signedIn = signedIn
        self.anyUnavailable = items.contains { !$0.available }
    }

    /// Everything the page shows, as a cache key (strings length-prefixed, so no two baskets meet).
    static func cacheKey(items: [BasketItem], signedIn: Bool, delivery: DeliveryRate = DeliveryRate()) -> String {
        var key = (signedIn ? "in" : "out") + "|\(delivery.charge)/\(delivery.freeFrom ?? -1)"
        for item in items {
            key += "|\(item.lineId)/\(item.productId)/\(item.quantity)/\(item.price)/\(item.available)/\(item.thumbnailHash ?? "-")"
            key += "/\(item.slug.utf8.count):\(item.slug)/\(item.name.utf8.count):\(item.name)"
        }
        return key
    }
}

// Direct lookups instead of `Mirror`: the basket page is rendered on every visit.
extension BasketPage: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "lines": lines
        case "totals": totals
        case "deliveryNote": deliveryNote
        case "errors": errors
        case "signedIn": signedIn
        case "anyUnavailable": anyUnavailable
        case "checkoutURL": checkoutURL
        case "signupURL": signupURL
        case "loginURL": loginURL
        default: nil
        }
    }
}

extension BasketPage.Line: MustacheParent {
    func child(named key: String) -> Any? {
        switch key {
        case "lineID": lineID
        case "name": name
        case "productURL": productURL
        case "thumbnailURL": thumbnailURL
        case "hasThumbnail": hasThumbnail
        case "coverURL": coverURL
        case "unitPriceText": unitPriceText
        case "quantity": quantity
        case "maxQuantity": maxQuantity
        case "lineTotalText": lineTotalText
        case "unavailable": unavailable
        default: nil
        }
    }
}
