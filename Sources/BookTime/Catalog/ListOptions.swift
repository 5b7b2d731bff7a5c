import Foundation

/// How a product list or a search is ordered and narrowed: `?sort=`, `?in_stock=1` and, for
/// search, `?subject=<tag slug>`. Anything unknown falls back to the default, so the number of
/// distinct pages (and cached renders) stays bounded.
struct ListOptions: Equatable, Sendable {
    enum Sort: String, CaseIterable, Sendable {
        case relevance, title, author
        case priceAscending = "price"
        case priceDescending = "-price"
        case newest

        var label: String {
            switch self {
            case .relevance: "Best match"
            case .title: "Title"
            case .author: "Author"
            case .priceAscending: "Price, low to high"
            case .priceDescending: "Price, high to low"
            case .newest: "Newest"
            }
        }

        /// `ORDER BY` over `product` aliased `p`; relevance is the search's own rank.
        var orderSQL: String {
            switch self {
            // By the index on (active, name): no sort step for the default order.
            case .relevance, .title: "p.name, p.id"
            case .author: "p.author = '', p.author COLLATE NOCASE, p.name COLLATE NOCASE, p.id"
            case .priceAscending: "p.price, p.name COLLATE NOCASE, p.id"
            case .priceDescending: "p.price DESC, p.name COLLATE NOCASE, p.id"
            case .newest: "p.id DESC"
            }
        }
    }

    var sort: Sort
    var inStockOnly: Bool
    /// A subject's slug, search only.
    var subject: String?

    /// The sorts a page offers: search adds "Best match", its default.
    static func sorts(forSearch: Bool) -> [Sort] {
        forSearch ? Sort.allCases : Sort.allCases.filter { $0 != .relevance }
    }

    static func defaultSort(forSearch: Bool) -> Sort { forSearch ? .relevance : .title }

    init(sort: Sort = .title, inStockOnly: Bool = false, subject: String? = nil) {
        self.sort = sort
        self.inStockOnly = inStockOnly
        self.subject = subject
    }

    /// From a request's query string.
    init(_ query: FormData, forSearch: Bool) {
        let requested = query.value("sort").flatMap(Sort.init(rawValue:))
        sort = requested.flatMap { Self.sorts(forSearch: forSearch).contains($0) ? $0 : nil } ?? Self.defaultSort(forSearch: forSearch)
        inStockOnly = query.value("in_stock") == "1"
        let subject = query.value("subject") ?? ""
        self.subject = forSearch && !subject.isEmpty && subject.count <= 80 && subject.unicodeScalars.allSatisfy { Slug.isASCIIAlphanumeric($0) || $0 == "-" } ? subject : nil
    }

    /// The query parameters that differ from the defaults, in a fixed order (for URLs and cache keys).
    func queryItems(forSearch: Bool) -> [(String, String)] {
        var items: [(String, String)] = []
        if let subject { items.append(("subject", subject)) }
        if sort != Self.defaultSort(forSearch: forSearch) { items.append(("sort", sort.rawValue)) }
        if inStockOnly { items.append(("in_stock", "1")) }
        return items
    }

    var cacheKey: String { "\(sort.rawValue)|\(inStockOnly ? 1 : 0)|\(subject ?? "")" }
}
