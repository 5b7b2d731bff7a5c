import Foundation
import Hummingbird

/// The checkout funnel's last steps: choose the addresses, place the order, say thank you.
struct CheckoutController {
    let db: AppDatabase
    let baskets: BasketReads
    let addressBook: AddressReads
    let views: Views
    let email: OrderEmailSettings
    let settings: ShopSettings

    func addRoutes(to router: Router<AppRequestContext>) {
        let group = router.group().add(middleware: RequireRoleMiddleware())
        group.get(RouterPath(Routes.addressSelect), use: addressSelect)
        group.post(RouterPath(Routes.addressSelect), use: placeOrder)
        group.get(RouterPath(Routes.orderDone), use: done)
    }

    /// No basket, or an empty one: back to the basket with a message.
    @Sendable func addressSelect(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let basket = context.basket, basket.itemCount > 0 else { return emptyBasket(context) }
        let addresses = try await addressBook.addresses(userID: try userID(context))
        let page = AddressSelectionForm.page(
            for: FormValidator(FormData(fields: [])), addresses: addresses, review: try await review(basket.id), basketID: basket.id
        )
        return views.render("checkout_address_select", page: page, title: "Checkout", request: request, context: context)
    }

    /// The basket as it will be ordered, shown above "Place order".
    private func review(_ basketID: Int64) async throws -> AddressSelectionForm.Review {
        AddressSelectionForm.Review(items: try await baskets.items(basketID: basketID), currency: email.currency, delivery: settings.delivery)
    }

    @Sendable func placeOrder(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let userID = try userID(context)
        let form = try await request.formData(context: context)
        guard let basket = context.basket else {
            // The basket this form was shown for became an order (a double click, a retried
            // request, a second tab): show that order. Any other empty checkout goes to the basket.
            if let shown = form.value(AddressSelectionForm.basketField).flatMap({ Int64($0) }),
                try await db.orders.orderID(basketID: shown, userID: userID) != nil
            {
                return .redirect(to: Routes.orderDone, type: .normal)
            }
            return emptyBasket(context)
        }
        let addresses = try await addressBook.addresses(userID: userID)
        switch AddressSelectionForm.validate(form, addresses: addresses) {
        case .failure(let failure):
            let page = AddressSelectionForm.page(for: failure.validator, addresses: addresses, review: try await review(basket.id), basketID: basket.id)
            return views.render("checkout_address_select", page: page, title: "Checkout", request: request, context: context, status: .unprocessableContent)
        case .success(let choice):
            do {
                let order = try await db.orders.placeOrder(
                    basketID: basket.id, userID: userID, billingAddressID: choice.billingAddressID,
                    shippingAddressID: choice.shippingAddressID, email: email, delivery: settings.delivery, keepingIn: baskets
                )
                // The session still names the basket, now submitted: it reads as no basket.
                context.logger.info("Order \(order.number) placed from basket_id=\(basket.id)")
                return .redirect(to: Routes.orderDone, type: .normal)
            } catch CheckoutError.emptyBasket {
                return emptyBasket(context)
            } catch let error as CheckoutError {
                let page = AddressSelectionForm.page(
                    for: FormValidator(form), addresses: addresses, review: try await review(basket.id), basketID: basket.id,
                    formErrors: [error.description]
                )
                return views.render(
                    "checkout_address_select", page: page, title: "Checkout", request: request, context: context, status: .conflict
                )
            }
        }
    }

    struct DonePage {
        let number: String
        let totalText: String
        let orderURL: String
        let ordersURL = Routes.orders
    }

    /// "Thanks for your order.", naming the newest order of this user.
    @Sendable func done(_ request: Request, context: AppRequestContext) async throws -> Response {
        let userID = try userID(context)
        guard let id = try await db.orders.latestOrderID(userID: userID), let detail = try await db.orders.order(id: id, userID: userID) else {
            return .redirect(to: Routes.basket, type: .normal)
        }
        let page = DonePage(number: detail.order.number, totalText: email.currency.format(detail.total), orderURL: Routes.order(id: id))
        return views.render("checkout_done", page: page, title: "Thank you", request: request, context: context)
    }

    private func emptyBasket(_ context: AppRequestContext) -> Response {
        context.flash.add(.warning, "Your basket is empty: add a book before you check out.")
        return .redirect(to: Routes.basket, type: .normal)
    }

    private func userID(_ context: AppRequestContext) throws -> Int64 {
        guard let id = context.currentUserID else { throw HTTPError(.unauthorized) }
        return id
    }
}
