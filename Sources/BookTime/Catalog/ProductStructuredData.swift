import Foundation

/// A product page's description, link preview and schema.org `Product` with its `Offer`, which
/// search engines show as price and availability under the result.
enum ProductStructuredData {
    static func meta(product: Product, picturePath: String?, tags: [ProductTag], currency: Currency, publicURL: String) -> PageMeta {
        let byline = product.author.isEmpty ? product.name : "\(product.name) by \(product.author)"
        let description = product.description.isEmpty
            ? "\(byline): \(currency.format(product.price)) at BookTime, an independent online bookshop."
            : PageMeta.summary(product.description)
        let url = publicURL + Routes.product(slug: product.slug)
        var data: [String: Any] = [
            "@context": "https://schema.org",
            "@type": "Product",
            "name": product.name,
            "description": description,
            "url": url,
            "sku": String(product.id ?? 0),
            "image": publicURL + (picturePath ?? Routes.cover(slug: product.slug)),
            "offers": [
                "@type": "Offer",
                "url": url,
                "price": Currency.plain(product.price),
                "priceCurrency": currency.code,
                "availability": product.isAvailable ? "https://schema.org/InStock" : "https://schema.org/OutOfStock",
                "itemCondition": "https://schema.org/NewCondition",
            ] as [String: Any],
        ]
        if !product.author.isEmpty { data["brand"] = ["@type": "Brand", "name": product.author] }
        if !tags.isEmpty { data["category"] = tags.map(\.name).joined(separator: ", ") }
        if product.isbn.count == 13 { data["gtin13"] = product.isbn }
        return PageMeta(
            description: description, canonicalPath: Routes.product(slug: product.slug), openGraphType: "product", imagePath: picturePath,
            structuredData: data
        )
    }
}
