import Foundation
import GRDB

/// A product as a list or search shows it: no description, first thumbnail only.
public struct ProductCard: Sendable, Equatable, FetchableRecord, Decodable {
    public var id: Int64
    public var name: String
    public var slug: String
    public var author: String
    public var price: Int
    public var inStock: Bool
    public var stockCount: Int?
    public var thumbnailHash: String?
}

/// One page of a list, with the total for pagination.
public struct ProductPage: Sendable, Equatable {
    public var products: [ProductCard]
    public var totalCount: Int
    public var page: Int
    public var pageSize: Int

    public var pageCount: Int { Pager.pageCount(totalCount: totalCount, pageSize: pageSize) }
}

/// Everything the product page shows.
public struct ProductDetail: Sendable, Equatable {
    public var product: Product
    public var tags: [ProductTag]
    public var images: [ProductImage]
}

/// A tag with the number of active products carrying it (home page navigation).
public struct TagSummary: Sendable, Equatable, FetchableRecord, Decodable {
    public var id: Int64
    public var name: String
    public var slug: String
    public var productCount: Int
}

/// A search hit: the card plus highlighted fragments (HTML-escaped, `<mark>` around matches).
public struct SearchHit: Sendable, Equatable {
    public var card: ProductCard
    public var nameHTML: String
    public var snippetHTML: String
}

/// The database side of the catalogue: products, tags, search, images and the catalogue version.
public struct CatalogStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var catalog: CatalogStore { CatalogStore(db: self) }
}

extension CatalogStore {
    /// The card columns, with the first image's thumbnail.
    static let cardSelection = """
        p.id, p.name, p.slug, p.author, p.price, (p.inStock AND (p.stockCount IS NULL OR p.stockCount > 0)) AS inStock, p.stockCount,
        (SELECT i.thumbnailHash FROM productImage i WHERE i.productId = p.id ORDER BY i.position, i.id LIMIT 1) AS thumbnailHash
        """

    /// An active tag by slug; nil for an unknown or inactive one.
    public func activeTag(slug: String) async throws -> ProductTag? {
        try await db.reader.read { db in
            try ProductTag.filter(ProductTag.Columns.slug == slug && ProductTag.Columns.active == true).fetchOne(db)
        }
    }

    /// Active products, optionally with one tag, sorted and filtered by `options`; `page` counts
    /// from 1 and is clamped to the last page.
    func productPage(tagID: Int64?, page: Int, pageSize: Int, options: ListOptions = ListOptions()) async throws -> ProductPage {
        try await db.reader.read { db in
            let tagJoin = tagID == nil ? "" : "JOIN productTagLink l ON l.productId = p.id AND l.productTagId = :tag"
            let stock = options.inStockOnly ? "AND \(Product.availableSQL)" : ""
            let total = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM product p \(tagJoin) WHERE p.active = 1 \(stock)", arguments: ["tag": tagID]
            ) ?? 0
            let pager = Pager(page: page, pageSize: pageSize, totalCount: total)
            let products = try ProductCard.fetchAll(
                db,
                sql: """
                    SELECT \(Self.cardSelection) FROM product p \(tagJoin)
                    WHERE p.active = 1 \(stock) ORDER BY \(options.sort.orderSQL) LIMIT :limit OFFSET :offset
                    """,
                arguments: ["tag": tagID, "limit": pageSize, "offset": pager.offset]
            )
            return ProductPage(products: products, totalCount: total, page: pager.page, pageSize: pageSize)
        }
    }

    /// The most recently added active products (the home page's new arrivals).
    func newestProducts(limit: Int) async throws -> [ProductCard] {
        try await db.reader.read { db in
            try ProductCard.fetchAll(
                db, sql: "SELECT \(Self.cardSelection) FROM product p WHERE p.active = 1 ORDER BY p.id DESC LIMIT ?", arguments: [limit]
            )
        }
    }

    /// Up to `limit` active products of a tag, those that can be bought first, then newest, leaving
    /// out `excluded` (the product itself on its page, books already shown on the home page).
    func productsTagged(_ tagID: Int64, limit: Int, excluding excluded: Set<Int64> = []) async throws -> [ProductCard] {
        try await db.reader.read { db in
            let excludedIDs = Array(excluded)
            return try ProductCard.fetchAll(
                db,
                sql: """
                    SELECT \(Self.cardSelection) FROM productTagLink l JOIN product p ON p.id = l.productId
                    WHERE l.productTagId = ? AND p.active = 1 AND p.id NOT IN (\(databaseQuestionMarks(count: excludedIDs.count)))
                    ORDER BY \(Product.availableSQL) DESC, p.id DESC LIMIT ?
                    """,
                arguments: StatementArguments([tagID] + excludedIDs + [Int64(limit)])
            )
        }
    }

    /// Any product's slug by id (where "add to basket" sends the visitor back to).
    public func productSlug(id: Int64) async throws -> String? {
        try await db.reader.read { db in try String.fetchOne(db, sql: "SELECT slug FROM product WHERE id = ?", arguments: [id]) }
    }

    /// An active product by slug, with its active tags and its images; nil when missing or inactive.
    public func productDetail(slug: String) async throws -> ProductDetail? {
        try await db.reader.read { db in
            guard let product = try Product.filter(Product.Columns.slug == slug).active().fetchOne(db), let id = product.id else {
                return nil
            }
            let tags = try ProductTag.fetchAll(
                db,
                sql: """
                    SELECT t.* FROM productTag t JOIN productTagLink l ON l.productTagId = t.id
                    WHERE l.productId = ? AND t.active = 1 ORDER BY t.name
                    """,
                arguments: [id]
            )
            let images = try ProductImage.filter(ProductImage.Columns.productId == id)
                .order(ProductImage.Columns.position, ProductImage.Columns.id).fetchAll(db)
            return ProductDetail(product: product, tags: tags, images: images)
        }
    }

    /// Active tags that have at least one active product, by name.
    public func tagSummaries() async throws -> [TagSummary] {
        try await db.reader.read { db in
            try TagSummary.fetchAll(
                db,
                sql: """
                    SELECT t.id, t.name, t.slug, COUNT(*) AS productCount FROM productTag t
                    JOIN productTagLink l ON l.productTagId = t.id
                    JOIN product p ON p.id = l.productId AND p.active = 1
                    WHERE t.active = 1 GROUP BY t.id ORDER BY t.name
                    """
            )
        }
    }

    /// One page of search results, the number of all of them, and the subjects they fall under.
    public struct SearchResult: Sendable {
        public var hits: [SearchHit]
        public var totalCount: Int
        public var page: Int
        /// Subjects among all the matches (whatever subject is chosen), most matches first.
        public var subjects: [TagSummary] = []
        /// "Did you mean …": a query that finds books, when this one found none.
        public var suggestion: String?
    }

    /// The search's statements (`:pattern`, `:subject`, `:limit`, `:offset`), by what `options` ask.
    ///
    /// `CROSS JOIN` fixes the FTS table as the outer loop: with a plain JOIN SQLite may scan
    /// `product` and run one FTS lookup per row (5 s instead of 15 ms on 10,000 products).
    enum SearchSQL {
        static let from = "FROM productSearch s CROSS JOIN product p ON p.id = s.rowid"

        static func filters(_ options: ListOptions) -> String {
            var sql = "WHERE productSearch MATCH :pattern AND p.active = 1"
            if options.inStockOnly { sql += " AND \(Product.availableSQL)" }
            if options.subject != nil {
                sql += " AND p.id IN (SELECT l.productId FROM productTagLink l JOIN productTag t ON t.id = l.productTagId WHERE t.slug = :subject)"
            }
            return sql
        }

        static func count(_ options: ListOptions) -> String { "SELECT COUNT(*) \(from) \(filters(options))" }

        static func page(_ options: ListOptions) -> String {
            let order = options.sort == .relevance ? "bm25(productSearch, 10.0, 6.0, 1.0, 4.0), p.name" : options.sort.orderSQL
            return "SELECT \(cardSelection) \(from) \(filters(options)) ORDER BY \(order) LIMIT :limit OFFSET :offset"
        }

        /// The subjects of every match (the chosen subject aside), most matches first.
        static func subjects(_ options: ListOptions) -> String {
            var all = options
            all.subject = nil
            return """
                SELECT t.id, t.name, t.slug, COUNT(*) AS productCount \(from)
                JOIN productTagLink l ON l.productId = p.id JOIN productTag t ON t.id = l.productTagId AND t.active = 1
                \(filters(all)) GROUP BY t.id ORDER BY productCount DESC, t.name LIMIT 12
                """
        }
    }

    /// Full-text search with prefix matching, ranked by bm25 (name and author weigh most) unless
    /// `options` sorts otherwise, narrowed to a subject and to what is in stock when asked.
    ///
    /// The visitor's words become an FTS5 pattern (`SearchQuery`: prefixes, and multi-word subjects
    /// as phrases), so no input can produce an FTS syntax error; a query with no searchable word
    /// finds nothing. When nothing matches, `suggestion` may offer a respelt query.
    public func search(_ query: String, page: Int, pageSize: Int) async throws -> SearchResult {
        try await search(query, page: page, pageSize: pageSize, options: ListOptions(sort: .relevance))
    }

    func search(_ query: String, page: Int, pageSize: Int, options: ListOptions) async throws -> SearchResult {
        guard !SearchQuery(query).isEmpty else { return SearchResult(hits: [], totalCount: 0, page: 1) }
        return try await db.reader.read { db in
            let subjects = try String.fetchAll(db, sql: "SELECT name FROM productTag WHERE active = 1 AND name LIKE '% %'")
            guard let pattern = try SearchQuery(query, subjects: subjects).pattern(db) else { return SearchResult(hits: [], totalCount: 0, page: 1) }
            var arguments: StatementArguments = ["pattern": pattern]
            if let subject = options.subject { arguments += ["subject": subject] }
            let total = try Int.fetchOne(db, sql: SearchSQL.count(options), arguments: arguments) ?? 0
            let pager = Pager(page: page, pageSize: pageSize, totalCount: total)
            // Rank and page first: snippet() and highlight() are costly, so they run for this page only.
            let cards = try ProductCard.fetchAll(
                db, sql: SearchSQL.page(options), arguments: arguments + ["limit": pageSize, "offset": pager.offset]
            )
            let subjectCounts = try TagSummary.fetchAll(db, sql: SearchSQL.subjects(options), arguments: ["pattern": pattern])
            var marked: [Int64: (String, String)] = [:]
            if !cards.isEmpty {
                let ids = cards.map(\.id)
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT rowid, highlight(productSearch, 0, char(2), char(3)) AS nameMarked,
                            snippet(productSearch, 2, char(2), char(3), '…', 24) AS snippetMarked
                        FROM productSearch WHERE productSearch MATCH ? AND rowid IN (\(databaseQuestionMarks(count: ids.count)))
                        """,
                    arguments: StatementArguments([pattern.databaseValue] + ids.map(\.databaseValue))
                )
                for row in rows { marked[row["rowid"]] = (row["nameMarked"] ?? "", row["snippetMarked"] ?? "") }
            }
            let hits = cards.map { card in
                SearchHit(
                    card: card,
                    nameHTML: Self.markedToHTML(marked[card.id]?.0 ?? card.name),
                    snippetHTML: Self.markedToHTML(marked[card.id]?.1 ?? "")
                )
            }
            let suggestion = total == 0 && options.subject == nil && !options.inStockOnly ? try SearchSuggestion.suggestion(for: query, db) : nil
            return SearchResult(hits: hits, totalCount: total, page: pager.page, subjects: subjectCounts, suggestion: suggestion)
        }
    }

    /// Escapes FTS output for HTML, then turns the \u{2}…\u{3} markers into `<mark>`.
    static func markedToHTML(_ text: String) -> String {
        HTML.escape(text).replacingOccurrences(of: "\u{2}", with: "<mark>").replacingOccurrences(of: "\u{3}", with: "</mark>")
    }
}

extension CatalogStore {
    /// Bumped by triggers on every catalogue write, from any process.
    public func catalogVersion() async throws -> Int64 {
        try await db.reader.read { db in try Self.catalogVersion(db) }
    }

    static func catalogVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT version FROM catalogVersion WHERE id = 1") ?? 0
    }
}
