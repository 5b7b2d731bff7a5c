import Foundation
import Mustache

/// A product card as templates see it: every value formatted, every URL built.
struct ProductCardView {
    let name: String
    let author: String
    let hasAuthor: Bool
    let url: String
    let priceText: String
    let imageURL: String
    let inStock: Bool

    init(_ card: ProductCard, currency: Currency) {
        name = card.name
        author = card.author
        hasAuthor = !card.author.isEmpty
        url = Routes.product(slug: card.slug)
        priceText = currency.format(card.price)
        imageURL = card.thumbnailHash.map { Routes.image(hash: $0) } ?? Routes.cover(slug: card.slug)
        inStock = card.inStock
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
        summary = "\(totalCount) \(noun)\(totalCount == 1 ? "" : "s")" + (pageCount > 1 ? " · page \(page) of \(pageCount)" : "")
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
