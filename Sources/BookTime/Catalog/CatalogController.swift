import Foundation
import GRDB
import Hummingbird

/// The shop front: product lists by tag, product pages, search, images.
struct CatalogController {
    let db: AppDatabase
    let views: Views
    let currency: Currency
    let catalogVersion: CatalogVersionTracker
    let imageCache = ImageCache()
    static let pageSize = 12

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(Routes.Pattern.products.routerPath, use: productList)
        router.get(Routes.Pattern.product.routerPath, use: productDetail)
        router.get(RouterPath(Routes.search), use: search)
        router.get(Routes.Pattern.image.routerPath, use: image)
        router.get(Routes.Pattern.cover.routerPath, use: cover)
    }

    struct ListPage: PageMetaProviding {
        let title: String
        let heading: String
        let tagDescription: String?
        let breadcrumbs: BreadcrumbsView
        let toolbar: ListToolbarView
        let products: [ProductCardView]
        let isEmpty: Bool
        let emptyText: String
        let pagination: PaginationView
        /// Where "Add to basket" on a card comes back to (this page).
        let currentURL: String
        let meta: PageMeta
    }

    /// Django's `ProductListView`: `all` or a tag slug; unknown tag → 404; `?page=` past the end →
    /// last page; sorted and filtered by `ListOptions`, each combination cached on its own.
    @Sendable func productList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tagSlug = try context.parameters.require("tag")
        let query = request.queryForm
        let pageNumber = requestedPage(query.value("page"))
        let options = ListOptions(query, forSearch: false)
        let version = catalogVersion.current
        return try await views.renderCached(
            "catalog_product_list", key: "v\(version)|\(pageNumber)|\(options.cacheKey)", request: request, context: context
        ) {
            try await listPage(tagSlug: tagSlug, pageNumber: pageNumber, options: options)
        }
    }

    private func listPage(tagSlug: String, pageNumber: Int, options: ListOptions) async throws -> ListPage {
        var tag: ProductTag?
        if tagSlug != "all" {
            guard let found = try await db.catalog.activeTag(slug: tagSlug) else { throw HTTPError(.notFound) }
            tag = found
        }
        let page = try await db.catalog.productPage(tagID: tag?.id, page: pageNumber, pageSize: Self.pageSize, options: options)
        let heading = tag?.name ?? "All books"
        let description = tag.flatMap { $0.description.isEmpty ? nil : PageMeta.summary($0.description) }
            ?? "\(heading == "All books" ? "All the books" : "Books in \(heading)") at BookTime: \(counted(page.totalCount, "title")), sent to your door."
        return ListPage(
            title: page.page > 1 ? "\(heading) (page \(page.page))" : heading, heading: heading,
            tagDescription: tag.flatMap { $0.description.isEmpty ? nil : $0.description },
            breadcrumbs: BreadcrumbsView(tag == nil ? [] : [("Books", Routes.allProducts)], current: heading),
            toolbar: ListToolbarView(
                countText: counted(page.totalCount, "book"), action: Routes.products(tag: tagSlug), options: options, forSearch: false
            ),
            products: page.products.map { ProductCardView($0, currency: currency) },
            isEmpty: page.products.isEmpty,
            emptyText: options.inStockOnly ? "No books here are in stock just now." : "There are no books here yet.",
            pagination: PaginationView(page: page.page, pageCount: page.pageCount, totalCount: page.totalCount, noun: "book") {
                Routes.products(tag: tagSlug, page: $0, options: options)
            },
            currentURL: Routes.products(tag: tagSlug, page: page.page, options: options),
            // Sorted and filtered copies of a list are the same list to a search engine.
            meta: PageMeta(description: description, canonicalPath: Routes.products(tag: tagSlug, page: page.page))
        )
    }

    struct DetailPage: PageMetaProviding {
        struct Picture {
            let imageURL: String
            let thumbnailURL: String
            let number: Int
            let first: Bool
        }

        struct TagLink {
            let name: String
            let url: String
        }

        struct Fact {
            let label: String
            let value: String
        }

        let title: String
        let productID: Int64
        let name: String
        let author: String
        let hasAuthor: Bool
        let priceText: String
        let paragraphs: [String]
        let tags: [TagLink]
        /// ISBN, format, pages: those the shop has filled in.
        let facts: [Fact]
        let pictures: [Picture]
        let hasSeveralPictures: Bool
        let mainImageURL: String
        let stockText: String
        let canBuy: Bool
        let breadcrumbs: BreadcrumbsView
        /// "More in <subject>": other books of the first subject.
        let relatedHeading: String?
        let related: [ProductCardView]
        /// Where "Add to basket" on a related title's card comes back to.
        let currentURL: String
        let meta: PageMeta
    }

    /// Django's product `DetailView`; inactive products are not found.
    @Sendable func productDetail(_ request: Request, context: AppRequestContext) async throws -> Response {
        let slug = try context.parameters.require("slug")
        let version = catalogVersion.current
        return try await views.renderCached("catalog_product_detail", key: "v\(version)", request: request, context: context) {
            try await detailPage(slug: slug)
        }
    }

    private func detailPage(slug: String) async throws -> DetailPage {
        guard let detail = try await db.catalog.productDetail(slug: slug), let id = detail.product.id else { throw HTTPError(.notFound) }
        let product = detail.product
        let pictures = detail.images.enumerated().map { index, image in
            DetailPage.Picture(
                imageURL: Routes.image(hash: image.imageHash), thumbnailURL: Routes.image(hash: image.thumbnailHash),
                number: index + 1, first: index == 0
            )
        }
        let subject = detail.tags.first
        var related: [ProductCard] = []
        if let subjectID = subject?.id { related = try await db.catalog.productsTagged(subjectID, limit: 4, excluding: [id]) }
        return DetailPage(
            title: product.name, productID: id, name: product.name, author: product.author, hasAuthor: !product.author.isEmpty,
            priceText: currency.format(product.price), paragraphs: paragraphs(product.description),
            tags: detail.tags.map { .init(name: $0.name, url: Routes.products(tag: $0.slug)) },
            facts: [("ISBN", product.isbn), ("Format", product.format), ("Pages", product.pageCount.map(String.init) ?? "")]
                .filter { !$0.1.isEmpty }.map { DetailPage.Fact(label: $0.0, value: $0.1) },
            pictures: pictures, hasSeveralPictures: pictures.count > 1,
            mainImageURL: pictures.first?.imageURL ?? Routes.cover(slug: product.slug),
            stockText: product.stockText, canBuy: product.isAvailable,
            breadcrumbs: BreadcrumbsView(
                [("Books", Routes.allProducts)] + (subject.map { [($0.name, Routes.products(tag: $0.slug))] } ?? []), current: product.name
            ),
            relatedHeading: related.isEmpty ? nil : subject.map { "More in \($0.name)" },
            related: related.map { ProductCardView($0, currency: currency) },
            currentURL: Routes.product(slug: product.slug),
            meta: ProductStructuredData.meta(product: product, picturePath: pictures.first?.imageURL, tags: detail.tags, currency: currency, publicURL: views.publicURL.current)
        )
    }

    struct SearchPage: PageMetaProviding {
        struct Hit {
            let card: ProductCardView
            let nameHTML: String
            let snippetHTML: String
        }

        let title: String
        let query: String
        let hasQuery: Bool
        let breadcrumbs: BreadcrumbsView
        let toolbar: ListToolbarView
        let hits: [Hit]
        let noHits: Bool
        let advice: String
        /// "Did you mean <a>…</a>?": the respelt query and its link.
        let suggestion: String?
        let suggestionURL: String?
        let pagination: PaginationView
        let currentURL: String
        /// Result pages are not search results themselves.
        var meta: PageMeta { PageMeta(description: "Search BookTime's catalogue by title, author or subject.", canonicalPath: Routes.search, noIndex: true) }
    }

    /// `/search/?q=`: FTS5, ranked, with highlighted fragments; empty or odd queries find nothing.
    /// `?subject=`, `?sort=` and `?in_stock=1` narrow and order the results.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = request.queryForm
        let query = String((form.value("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let pageNumber = requestedPage(form.value("page"))
        let options = ListOptions(form, forSearch: true)
        let version = catalogVersion.current
        return try await views.renderCached(
            "catalog_search", key: "v\(version)|\(pageNumber)|\(options.cacheKey)|\(query)", request: request, context: context
        ) {
            try await searchPage(query: query, pageNumber: pageNumber, options: options)
        }
    }

    private func searchPage(query: String, pageNumber: Int, options: ListOptions) async throws -> SearchPage {
        let result = try await db.catalog.search(query, page: pageNumber, pageSize: Self.pageSize, options: options)
        let pageCount = Pager.pageCount(totalCount: result.totalCount, pageSize: Self.pageSize)
        var subjects = result.subjects.map { subject in
            var narrowed = options
            narrowed.subject = subject.slug
            return ListToolbarView.SubjectLink(
                label: "\(subject.name) (\(subject.productCount))", url: Routes.search(query: query, options: narrowed),
                current: subject.slug == options.subject
            )
        }
        if !subjects.isEmpty {
            var everything = options
            everything.subject = nil
            subjects.insert(.init(label: "All subjects", url: Routes.search(query: query, options: everything), current: options.subject == nil), at: 0)
        }
        return SearchPage(
            title: query.isEmpty ? "Search" : "Search: \(query)", query: query, hasQuery: !query.isEmpty,
            breadcrumbs: BreadcrumbsView([], current: "Search"),
            toolbar: ListToolbarView(
                countText: counted(result.totalCount, "result"), action: Routes.search,
                hidden: [("q", query)] + (options.subject.map { [("subject", $0)] } ?? []), options: options, forSearch: true, subjects: subjects
            ),
            hits: result.hits.map { .init(card: ProductCardView($0.card, currency: currency), nameHTML: $0.nameHTML, snippetHTML: $0.snippetHTML) },
            noHits: !query.isEmpty && result.hits.isEmpty,
            advice: Self.advice(query: query, options: options),
            suggestion: result.suggestion,
            suggestionURL: result.suggestion.map { Routes.search(query: $0) },
            pagination: PaginationView(page: result.page, pageCount: pageCount, totalCount: result.totalCount, noun: "result") {
                Routes.search(query: query, page: $0, options: options)
            },
            currentURL: Routes.search(query: query, page: result.page, options: options)
        )
    }

    /// What to try when nothing matched, for the case at hand.
    static func advice(query: String, options: ListOptions) -> String {
        if options.subject != nil || options.inStockOnly { return "Try all subjects, or books that are out of stock too." }
        if query.split(whereSeparator: \.isWhitespace).count > 1 { return "Try fewer words: every word must match." }
        return "Check the spelling, or try the start of a word, an author's name or a subject."
    }

    /// `/images/<sha256>`: immutable, with ETag and 304.
    @Sendable func image(_ request: Request, context: AppRequestContext) async throws -> Response {
        let file = try context.parameters.require("file")
        let hash = file
        guard hash.count == 64, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { throw HTTPError(.notFound) }
        let entry: ImageCache.Entry
        if let cached = imageCache.entry(hash) {
            entry = cached
        } else {
            guard let blob = try await db.catalog.imageBlob(hash: hash) else { throw HTTPError(.notFound) }
            imageCache.store(blob)
            entry = ImageCache.Entry(contentType: blob.contentType, body: ByteBuffer(bytes: blob.data))
        }
        let etag = "\"\(hash.prefix(32))\""
        var headers: HTTPFields = [.contentType: entry.contentType, .cacheControl: "public, max-age=31536000, immutable", .eTag: etag]
        if request.headers[.ifNoneMatch] == etag {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentLength] = String(entry.body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: entry.body))
    }

    /// `/covers/<slug>.svg`: a drawn cover for a book without pictures.
    @Sendable func cover(_ request: Request, context: AppRequestContext) async throws -> Response {
        let file = try context.parameters.require("file")
        guard file.hasSuffix(".svg") else { throw HTTPError(.notFound) }
        let slug = String(file.dropLast(4))
        guard let product = try await db.catalog.activeProduct(slug: slug) else { throw HTTPError(.notFound) }
        let svg = CoverArt.svg(title: product.name, author: product.author, seed: product.slug)
        let etag = "\"\(CoverArt.fingerprint(svg))\""
        var headers: HTTPFields = [
            .contentType: "image/svg+xml", .cacheControl: "public, max-age=3600", .eTag: etag,
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'",
        ]
        if request.headers[.ifNoneMatch] == etag { return Response(status: .notModified, headers: headers) }
        headers[.contentLength] = String(svg.utf8.count)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
    }
}

extension CatalogStore {
    public func activeProduct(slug: String) async throws -> Product? {
        try await db.reader.read { db in try Product.filter(Product.Columns.slug == slug).active().fetchOne(db) }
    }

    public func imageBlob(hash: String) async throws -> ImageBlob? {
        try await db.reader.read { db in try ImageBlob.fetchOne(db, key: hash) }
    }
}
