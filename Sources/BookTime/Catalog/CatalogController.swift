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

    struct ListPage {
        let title: String
        let heading: String
        let tagDescription: String?
        let products: [ProductCardView]
        let isEmpty: Bool
        let pagination: PaginationView
    }

    /// Django's `ProductListView`: `all` or a tag slug; unknown tag → 404; `?page=` past the end → last page.
    @Sendable func productList(_ request: Request, context: AppRequestContext) async throws -> Response {
        let tagSlug = try context.parameters.require("tag")
        let pageNumber = requestedPage(request.uri.queryParameters["page"].map(String.init))
        let version = catalogVersion.current
        return try await views.renderCached("catalog_product_list", key: "v\(version)|\(pageNumber)", request: request, context: context) {
            try await listPage(tagSlug: tagSlug, pageNumber: pageNumber)
        }
    }

    private func listPage(tagSlug: String, pageNumber: Int) async throws -> ListPage {
        var tag: ProductTag?
        if tagSlug != "all" {
            guard let found = try await db.catalog.activeTag(slug: tagSlug) else { throw HTTPError(.notFound) }
            tag = found
        }
        let page = try await db.catalog.productPage(tagID: tag?.id, page: pageNumber, pageSize: Self.pageSize)
        let heading = tag?.name ?? "All books"
        return ListPage(
            title: heading, heading: heading,
            tagDescription: tag.flatMap { $0.description.isEmpty ? nil : $0.description },
            products: page.products.map { ProductCardView($0, currency: currency) },
            isEmpty: page.products.isEmpty,
            pagination: PaginationView(page: page.page, pageCount: page.pageCount, totalCount: page.totalCount, noun: "book") {
                Routes.products(tag: tagSlug, page: $0)
            }
        )
    }

    struct DetailPage {
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

        let title: String
        let productID: Int64
        let name: String
        let author: String
        let hasAuthor: Bool
        let priceText: String
        let paragraphs: [String]
        let tags: [TagLink]
        let pictures: [Picture]
        let hasSeveralPictures: Bool
        let mainImageURL: String
        let inStockText: String
        let canBuy: Bool
        let updated: String
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
        return DetailPage(
            title: product.name, productID: id, name: product.name, author: product.author, hasAuthor: !product.author.isEmpty,
            priceText: currency.format(product.price), paragraphs: paragraphs(product.description),
            tags: detail.tags.map { .init(name: $0.name, url: Routes.products(tag: $0.slug)) }, pictures: pictures, hasSeveralPictures: pictures.count > 1,
            mainImageURL: pictures.first?.imageURL ?? Routes.cover(slug: product.slug),
            inStockText: product.isAvailable ? "Yes" : "Out of stock", canBuy: product.isAvailable,
            updated: monthAndYear(product.dateUpdated)
        )
    }

    struct SearchPage {
        struct Hit {
            let card: ProductCardView
            let nameHTML: String
            let snippetHTML: String
        }

        let title: String
        let query: String
        let hasQuery: Bool
        let hits: [Hit]
        let noHits: Bool
        let pagination: PaginationView
    }

    /// `/search/?q=`: FTS5, ranked, with highlighted fragments; empty or odd queries find nothing.
    @Sendable func search(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = request.queryForm
        let query = String((form.value("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        let pageNumber = requestedPage(form.value("page"))
        let version = catalogVersion.current
        return try await views.renderCached("catalog_search", key: "v\(version)|\(pageNumber)|\(query)", request: request, context: context) {
            try await searchPage(query: query, pageNumber: pageNumber)
        }
    }

    private func searchPage(query: String, pageNumber: Int) async throws -> SearchPage {
        let result = try await db.catalog.search(query, page: pageNumber, pageSize: Self.pageSize)
        let pageCount = Pager.pageCount(totalCount: result.totalCount, pageSize: Self.pageSize)
        return SearchPage(
            title: query.isEmpty ? "Search" : "Search: \(query)", query: query, hasQuery: !query.isEmpty,
            hits: result.hits.map { .init(card: ProductCardView($0.card, currency: currency), nameHTML: $0.nameHTML, snippetHTML: $0.snippetHTML) },
            noHits: !query.isEmpty && result.hits.isEmpty,
            pagination: PaginationView(page: result.page, pageCount: pageCount, totalCount: result.totalCount, noun: "result") {
                Routes.search(query: query, page: $0)
            }
        )
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
