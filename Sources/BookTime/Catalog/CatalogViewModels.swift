import Foundation
import Mustache

/// A product card as templates see it: every value formatted, every URL built.
struct ProductCardView {
    let productID: Int64
    let name: String
    let author: String
    let hasAuthor: Bool
    let url: String
    let priceText: String
    let imageURL: String
    let inStock: Bool
    let stockText: String
    /// Few copies left: the stock line is shown on the card.
    let fewLeft: Bool

    init(_ card: ProductCard, currency: Currency) {
        productID = card.id
        name = card.name
        author = card.author
        hasAuthor = !card.author.isEmpty
        url = Routes.product(slug: card.slug)
        priceText = currency.format(card.price)
        imageURL = card.thumbnailHash.map { Routes.image(hash: $0) } ?? Routes.cover(slug: card.slug)
        inStock = card.inStock
        stockText = Product.stockText(available: card.inStock, stockCount: card.stockCount)
        fewLeft = card.inStock && (card.stockCount ?? Int.max) <= Product.fewLeft
    }
}

/// "Home › Books › Fiction": the trail above a list or a product; the last crumb is the page itself.
struct BreadcrumbsView {
    struct Crumb {
        let label: String
        let url: String?
    }

    let crumbs: [Crumb]

    /// Home, then `trail` (label and URL), then the page's own label.
    init(_ trail: [(String, String)], current: String) {
        crumbs = [Crumb(label: "Home", url: Routes.home)] + trail.map { Crumb(label: $0.0, url: $0.1) } + [Crumb(label: current, url: nil)]
    }
}

/// The bar above a list or search results: how many, sort, "in stock only", and for search the
/// subjects to narrow to. A GET form, so it works without JavaScript (which submits on change).
struct ListToolbarView {
    struct SortChoice {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Hidden {
        let name: String
        let value: String
    }

    struct SubjectLink {
        let label: String
        let url: String
        let current: Bool
    }

    let countText: String
    let action: String
    let hidden: [Hidden]
    let sorts: [SortChoice]
    let inStockOnly: Bool
    let subjects: [SubjectLink]

    init(countText: String, action: String, hidden: [(String, String)] = [], options: ListOptions, forSearch: Bool, subjects: [SubjectLink] = []) {
        self.countText = countText
        self.action = action
        self.hidden = hidden.map { Hidden(name: $0.0, value: $0.1) }
        sorts = ListOptions.sorts(forSearch: forSearch).map { SortChoice(value: $0.rawValue, label: $0.label, selected: $0 == options.sort) }
        inStockOnly = options.inStockOnly
        self.subjects = subjects
    }

}

/// Previous / next and numbered page links, with gaps for long runs (`1 … 4 5 6 … 20`).
struct PaginationView {
    struct PageLink {
        let number: Int
        let url: String
        let current: Bool
        let gap: Bool
    }

    let hasPages: Bool
    let previousURL: String?
    let nextURL: String?
    let pages: [PageLink]
    let summary: String

    /// `url(n)` builds the link to page n.
    init(page requested: Int, pageCount: Int, totalCount: Int, noun: String, url: (Int) -> String) {
        let pageCount = max(1, pageCount)
        let page = min(max(1, requested), pageCount)
        hasPages = pageCount > 1
        previousURL = page > 1 ? url(page - 1) : nil
        nextURL = page < pageCount ? url(page + 1) : nil
        var numbers = Set([1, pageCount])
        for n in (page - 2)...(page + 2) where (1...pageCount).contains(n) { numbers.insert(n) }
        var links: [PageLink] = []
        var last = 0
        for n in numbers.sorted() {
            if n > last + 1 { links.append(PageLink(number: 0, url: "", current: false, gap: true)) }
            links.append(PageLink(number: n, url: url(n), current: n == page, gap: false))
            last = n
        }
        pages = links
        summary = counted(totalCount, noun) + (pageCount > 1 ? " · page \(page) of \(pageCount)" : "")
    }
}

/// `?page=N` from a query string: anything that is not a positive number is page 1.
func requestedPage(_ value: String?) -> Int {
    Pager.requested(value)
}

/// A description as paragraphs: blank lines separate paragraphs (Django's `linebreaks`).
func paragraphs(_ text: String) -> [String] {
    text.replacingOccurrences(of: "\r\n", with: "\n")
        .components(separatedBy: "\n\n")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        .filter { !$0.isEmpty }
}
