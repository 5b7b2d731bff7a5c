/// The book's `AddressSelectionForm`: billing and shipping address, each one of the user's own.
struct AddressSelectionForm {
    let billingAddressID: Int64
    let shippingAddressID: Int64

    static let invalidChoice = "Select a valid choice. That choice is not one of the available choices."

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

    struct Page {
        let billing: FieldView
        let shipping: FieldView
        let hasAddresses: Bool
        let hasErrors: Bool
        let formErrors: [String]
        let addAddressURL = Routes.addressCreate + "?next=" + Routes.queryEncoded(Routes.addressSelect)
        let basketURL = Routes.basket
    }

    static func page(for validator: FormValidator, addresses: [Address], formErrors: [String] = []) -> Page {
        let choices = addresses.map { (value: String($0.id ?? 0), label: $0.summary) }
        var source = validator
        // Preselect the first address when nothing was chosen yet.
        if validator.data.fields.isEmpty, let first = choices.first {
            source = FormValidator(FormData(fields: [("billing_address", first.value), ("shipping_address", first.value)]))
        }
        return Page(
            billing: source.selectField("billing_address", label: "Billing address", choices: choices),
            shipping: source.selectField("shipping_address", label: "Shipping address", choices: choices), hasAddresses: !addresses.isEmpty, hasErrors: !validator.isValid || !formErrors.isEmpty,
            formErrors: formErrors
        )
    }
}
