import Foundation
import Hummingbird

/// Adding to the basket and the basket page (the book's `add_to_basket` and `manage_basket`).
struct BasketController {
    let db: AppDatabase
    let baskets: BasketReads
    let views: Views
    let currency: Currency
    let settings: ShopSettings

    func addRoutes(to router: Router<AppRequestContext>) {
        router.post(RouterPath(Routes.addToBasket), use: addToBasket)
        router.get(RouterPath(Routes.basket), use: basket)
        router.post(RouterPath(Routes.basket), use: updateBasket)
    }

    /// `product_id` and an optional `quantity` (default 1); back to `next` (a list the card was
    /// on) or to the product page. A script that asks for JSON (`Accept: application/json`) gets
    /// the message and the basket's new count instead, and the visitor stays where they are.
    /// One write on the way in (it also names the product); a refusal reads the slug afterwards.
    @Sendable func addToBasket(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        let wantsJSON = request.headers[.accept]?.contains("application/json") == true
        guard let productID = form.value("product_id").flatMap({ Int64($0) }) else {
            throw HTTPError(.badRequest, message: "No such product.")
        }
        let next = form.value("next").flatMap { LocalRedirect.isLocalPath($0) ? $0 : nil }
        let quantityText = form.value("quantity").map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        do {
            guard let quantity = quantityText.isEmpty ? 1 : Int(quantityText) else { throw BasketError.invalidQuantity }
            let added = try await db.baskets.addToBasket(
                basketID: context.basket?.id, userID: context.currentUserID, productID: productID, quantity: quantity,
                keepingIn: baskets
            )
            if context.basket?.id != added.basketID { context.rememberBasket(added.basketID) }
            let capped = added.quantity == BasketLine.maxQuantity ? " (\(BasketLine.maxQuantity) is the most per order)" : ""
            let message = "\(added.productName) is in your basket: \(added.quantity) in all\(capped)."
            if wantsJSON {
                let count = try await baskets.state(id: added.basketID)?.itemCount ?? added.quantity
                return Self.json(.ok, AddedAnswer(ok: true, message: message, basketCount: LayoutContext.itemCount(count)))
            }
            context.flash.add(.success, message, link: .init(label: "View basket", url: Routes.basket))
            return .redirect(to: next ?? Routes.product(slug: added.productSlug), type: .normal)
        } catch let error as BasketError {
            guard error != .unknownProduct, let slug = try await db.catalog.productSlug(id: productID) else {
                throw HTTPError(.badRequest, message: "No such product.")
            }
            if wantsJSON { return Self.json(.conflict, AddedAnswer(ok: false, message: error.description, basketCount: nil)) }
            context.flash.add(.error, error.description)
            return .redirect(to: next ?? Routes.product(slug: slug), type: .normal)
        }
    }

    /// What a script adding from a card is told.
    struct AddedAnswer: Encodable {
        let ok: Bool
        let message: String
        /// "3 items", for the header's basket link.
        let basketCount: String?
    }

    static func json(_ status: HTTPResponse.Status, _ answer: AddedAnswer) -> Response {
        let body = (try? JSONEncoder().encode(answer)) ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }

    @Sendable func basket(_ request: Request, context: AppRequestContext) async throws -> Response {
        var items: [BasketItem] = []
        if let basket = context.basket { items = try await baskets.items(basketID: basket.id) }
        let signedIn = context.currentUser != nil
        let rate = settings.delivery
        // Rendered once per basket content; reloads and returns to the page come from memory.
        return try await views.renderCached(
            "basket_basket", key: BasketPage.cacheKey(items: items, signedIn: signedIn, delivery: rate), title: "Basket",
            request: request, context: context, cache: baskets.pages
        ) {
            BasketPage(items: items, errors: [], signedIn: signedIn, currency: currency, delivery: rate)
        }
    }

    /// One POST for the whole basket: `quantity_<line id>` fields, and `remove` naming a line.
    @Sendable func updateBasket(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let form = try await request.formData(context: context)
        guard let basket = context.basket else { return .redirect(to: Routes.basket, type: .normal) }
        switch BasketForm.parse(form) {
        case .failure(let error):
            let items = try await db.baskets.basketItems(basketID: basket.id)
            return renderBasket(items: items, errors: [error.message], request: request, context: context, status: .unprocessableContent)
        case .success(let change):
            do {
                try await db.baskets.updateBasket(basketID: basket.id, quantities: change.quantities, remove: change.remove, keepingIn: baskets)
            } catch let error as BasketUpdateError {
                let items = try await db.baskets.basketItems(basketID: basket.id)
                return renderBasket(items: items, errors: error.messages, request: request, context: context, status: .unprocessableContent)
            }
            context.flash.add(.success, change.remove.isEmpty ? "Your basket was updated." : "The line was removed from your basket.")
            return .redirect(to: Routes.basket, type: .normal)
        }
    }

    private func renderBasket(
        items: [BasketItem], errors: [String], request: Request, context: AppRequestContext, status: HTTPResponse.Status = .ok
    ) -> Response {
        let page = BasketPage(items: items, errors: errors, signedIn: context.currentUser != nil, currency: currency, delivery: settings.delivery)
        return views.render("basket_basket", page: page, title: "Basket", request: request, context: context, status: status)
    }
}
