/// The `ModelForm` of `Address`: fields in the book's order, lengths from the model.
struct AddressForm {
    static let lengths = (name: 60, address1: 60, address2: 60, zipCode: 12, city: 60)

    let name: String
    let address1: String
    let address2: String
    let zipCode: String
    let city: String
    let country: String

    static func validate(_ data: FormData) -> Result<AddressForm, FormValidatorFailure> {
        var validator = FormValidator(data)
        let form = AddressForm(
            name: validator.text("name", maxLength: lengths.name),
            address1: validator.text("address1", maxLength: lengths.address1),
            address2: validator.text("address2", required: false, maxLength: lengths.address2),
            zipCode: validator.text("zip_code", maxLength: lengths.zipCode),
            city: validator.text("city", maxLength: lengths.city),
            country: validator.choice("country", from: Address.countries)
        )
        guard validator.isValid else { return .failure(FormValidatorFailure(validator)) }
        return .success(form)
    }

    func apply(to address: inout Address) {
        address.name = name
        address.address1 = address1
        address.address2 = address2
        address.zipCode = zipCode
        address.city = city
        address.country = country
    }

    /// An existing address as the form data that edits it.
    static func data(from address: Address) -> FormData {
        FormData(fields: [
            ("name", address.name), ("address1", address.address1), ("address2", address.address2),
            ("zip_code", address.zipCode), ("city", address.city), ("country", address.country),
        ])
    }

    struct Page {
        let heading: String
        let actionURL: String
        let submitLabel: String
        let name: FieldView
        let address1: FieldView
        let address2: FieldView
        let zipCode: FieldView
        let city: FieldView
        let country: FieldView
        let hasErrors: Bool
        let listURL = Routes.addressList
    }

    static func page(for validator: FormValidator, heading: String, actionURL: String, submitLabel: String) -> Page {
        Page(
            heading: heading, actionURL: actionURL, submitLabel: submitLabel,
            name: validator.field("name", label: "Name", maxLength: lengths.name, autocomplete: "name"),
            address1: validator.field("address1", label: "Address line 1", maxLength: lengths.address1, autocomplete: "address-line1"),
            address2: validator.field("address2", label: "Address line 2", maxLength: lengths.address2, required: false, autocomplete: "address-line2"),
            zipCode: validator.field("zip_code", label: "ZIP / Postal code", maxLength: lengths.zipCode, autocomplete: "postal-code"),
            city: validator.field("city", label: "City", maxLength: lengths.city, autocomplete: "address-level2"),
            country: validator.selectField("country", label: "Country", choices: Address.countries),
            hasErrors: !validator.isValid
        )
    }
}
