import Foundation

/// What a page tells search engines and link previews: its description, canonical address, Open
/// Graph type and picture, whether to index it, and schema.org data. A page's view model offers
/// it by conforming to `PageMetaProviding`; the layout writes the tags.
struct PageMeta: Sendable {
    static let shopDescription =
        "BookTime, an independent online bookshop: classic novels, poetry, philosophy and history, chosen with care and sent to your door."

    var description: String = PageMeta.shopDescription
    /// The path (and query, for a list's later pages) this page is known by; nil: its own path.
    var canonicalPath: String?
    /// Pages that are not worth a search result (searches, forms).
    var noIndex = false
    /// `website`, or `product` for a book.
    var openGraphType = "website"
    /// A picture for link previews (a site path).
    var imagePath: String?
    /// schema.org data as the text of a `<script type="application/ld+json">`: JSON with `<`
    /// escaped, so no value can close the element.
    var structuredDataJSON: String?

    init(
        description: String = PageMeta.shopDescription, canonicalPath: String? = nil, noIndex: Bool = false, openGraphType: String = "website",
        imagePath: String? = nil, structuredData: [String: Any]? = nil
    ) {
        self.description = description
        self.canonicalPath = canonicalPath
        self.noIndex = noIndex
        self.openGraphType = openGraphType
        self.imagePath = imagePath
        if let structuredData, let data = try? JSONSerialization.data(withJSONObject: structuredData, options: [.sortedKeys, .withoutEscapingSlashes]) {
            structuredDataJSON = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
        }
    }

    /// A description cut at a word near `limit` characters, for the meta tag.
    static func summary(_ text: String, limit: Int = 160) -> String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard flat.count > limit else { return flat }
        var cut = String(flat.prefix(limit))
        if let space = cut.lastIndex(of: " ") { cut = String(cut[..<space]) }
        return cut + "…"
    }
}

/// A page view model with its own `PageMeta`; pages without one get the shop's description.
protocol PageMetaProviding {
    var meta: PageMeta { get }
}
