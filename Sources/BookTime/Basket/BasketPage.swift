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
    let hasLines: Bool
    let totalText: String
    let errors: [String]
    let signedIn: Bool
    let anyUnavailable: Bool
    let checkoutURL = Routes.addressSelect
    let signupURL = Routes.signup(next: Routes.addressSelect)
    let loginURL = Routes.login(next: Routes.addressSelect)

    init(items: [BasketItem], errors: [String], signedIn: Bool, currency: Currency) {
        self.lines = items.map { item in
            Line(
                lineID: item.lineId, name: item.name, productURL: Routes.product(slug: item.slug),
                thumbnailURL: item.thumbnailHash.map { Routes.image(hash: $0) } ?? "", hasThumbnail: item.thumbnailHash != nil,
                coverURL: Routes.cover(slug: item.slug), unitPriceText: currency.format(item.price), quantity: item.quantity,
                lineTotalText: currency.format(item.lineTotal), unavailable: !item.available
            )
        }
        self.hasLines = !items.isEmpty
        self.totalText = currency.format(items.reduce(0) { $0 + $1.lineTotal })
        self.errors = errors
        self.signedIn = signedIn
        self.anyUnavailable = items.contains { !$0.available }
    }
}
