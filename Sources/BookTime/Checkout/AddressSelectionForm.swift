/// The book's `AddressSelectionForm`: billing and shipping address, each one of the user's own.
struct AddressSelectionForm {
    let billingAddressID: Int64
    let shippingAddressID: Int64

    static let invalidChoice = "Select a valid choice. That choice is not one of the available choices."
    /// The hidden field naming the basket the form was shown for (a resubmitted form finds its order).
    static let basketField = "basket"

    static func validate(_ data: FormData, addresses: [Address]) -> Result<AddressSelectionForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let owned = Set(addresses.compactMap(\.id))
        var ids: [Int64] = []
        for field in ["billing_address", "shipping_address"] {
            let value = validator.text(field, maxLength: 20)
            if validator.errors[field] == nil {
                if let id = Int64(value), owned.contains(id) {
                    ids.append(id)
                } else {
                    validator.addError(invalidChoice, to: field)
                }
            }
        }
        guard validator.isValid, ids.count == 2 else { return .failure(FormValidatorFailure(validator)) }
        return .success(AddressSelectionForm(billingAddressID: ids[0], shippingAddressID: ids[1]))
    }

    /// One basket line as the review before "Place order" shows it.
    struct ReviewLine {
        let name: String
        let quantity: Int
        let unitPriceText: String
        let lineTotalText: String
    }

    /// What is being bought: the basket's lines and the total the order will have.
    struct Review {
        let lines: [ReviewLine]
        let totals: TotalsView
        let itemsText: String

        init(items: [BasketItem], currency: Currency, delivery: DeliveryRate = DeliveryRate()) {
            lines = items.map {
                ReviewLine(name: $0.name, quantity: $0.quantity, unitPriceText: currency.format($0.price), lineTotalText: currency.format($0.lineTotal))
            }
            let subtotal = items.reduce(0) { $0 + $1.lineTotal }
            totals = TotalsView(
                OrderTotals(subtotal: subtotal, delivery: delivery.charge(forSubtotal: subtotal)), currency: currency,
                shopChargesDelivery: delivery.chargesAnything
            )
            itemsText = LayoutContext.itemCount(items.reduce(0) { $0 + $1.quantity })
        }
    }

    struct Page {
        let review: Review
        let basketField = AddressSelectionForm.basketField
        let basketID: Int64
        let billing: FieldView
        let shipping: FieldView
        let hasAddresses: Bool
        let hasErrors: Bool
        let formErrors: [String]
        let addAddressURL = Routes.addressCreate + "?next=" + Routes.queryEncoded(Routes.addressSelect)
        let basketURL = Routes.basket
    }

    static func page(for validator: FormValidator, addresses: [Address], review: Review, basketID: Int64, formErrors: [String] = []) -> Page {
        let choices = addresses.map { (value: String($0.id ?? 0), label: $0.summary) }
        var source = validator
        // Preselect the first address when nothing was chosen yet.
        if validator.data.fields.isEmpty, let first = choices.first {
            source = FormValidator(FormData(fields: [("billing_address", first.value), ("shipping_address", first.value)]))
        }
        return Page(
            review: review, basketID: basketID,
            billing: source.selectField("billing_address", label: "Billing address", choices: choices),
            shipping: source.selectField("shipping_address", label: "Shipping address", choices: choices), hasAddresses: !addresses.isEmpty, hasErrors: !validator.isValid || !formErrors.isEmpty,
            formErrors: formErrors
        )
    }
}
