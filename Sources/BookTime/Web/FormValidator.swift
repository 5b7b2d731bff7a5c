import Foundation
import Mustache

/// Validates posted fields one by one, collecting every error (Django's `Form.is_valid()`),
/// and builds the view models that re-display a form with the visitor's input kept.
public struct FormValidator: Sendable {
    public let data: FormData
    public private(set) var errors: [String: String] = [:]

    public init(_ data: FormData) {
        self.data = data
    }

    /// Errors about the form as a whole (Django's `non_field_errors`).
    public private(set) var formErrors: [String] = []

    public var isValid: Bool { errors.isEmpty && formErrors.isEmpty }

    /// Records an error found after the field checks (a duplicate email, a mismatch). The first
    /// error of a field wins, as it is the one the visitor should fix first.
    public mutating func addError(_ message: String, to field: String? = nil) {
        if let field {
            if errors[field] == nil { errors[field] = message }
        } else {
            formErrors.append(message)
        }
    }

    /// An email address, normalised (Django's `EmailField`).
    public mutating func email(_ name: String) -> String {
        let raw = text(name, maxLength: EmailAddress.maxLength)
        guard errors[name] == nil else { return raw }
        guard let email = EmailAddress.normalize(raw) else {
            errors[name] = "Enter a valid email address."
            return raw
        }
        return email
    }

    /// A password: required, never trimmed (Django's `strip=False`), at most 4096 characters so
    /// that nobody can make the server hash megabytes.
    public mutating func password(_ name: String) -> String {
        let value = data.value(name) ?? ""
        if value.isEmpty {
            errors[name] = "This field is required."
        } else if value.count > 4096 {
            errors[name] = "Ensure this value has at most 4096 characters (it has \(value.count))."
        }
        return value
    }

    /// One of `choices` (value, label), Django's `ChoiceField` message otherwise.
    public mutating func choice(_ name: String, from choices: [(value: String, label: String)]) -> String {
        let value = text(name, maxLength: 100)
        if errors[name] == nil, !choices.contains(where: { $0.value == value }) {
            errors[name] = "Select a valid choice. \(value) is not one of the available choices."
        }
        return value
    }

    /// A text field, trimmed. Django's messages for a missing or over-long value.
    public mutating func text(_ name: String, required: Bool = true, maxLength: Int) -> String {
        let value = (data.value(name) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if required, value.isEmpty {
            errors[name] = "This field is required."
        } else if value.count > maxLength {
            errors[name] = "Ensure this value has at most \(maxLength) characters (it has \(value.count))."
        }
        return value
    }

    /// The view model of one field: what was typed and its error, if any.
    public func field(
        _ name: String, label: String, type: FieldView.InputType = .text, maxLength: Int? = nil, required: Bool = true,
        autocomplete: String? = nil, help: String? = nil
    ) -> FieldView {
        // A password is never sent back to the browser.
        let value = type == .password ? "" : data.value(name) ?? ""
        return FieldView(
            name: name, label: label, type: type, value: value, error: errors[name], maxLength: maxLength, required: required,
            autocomplete: autocomplete, help: help
        )
    }

    /// A `<select>` field with the posted choice selected.
    public func selectField(_ name: String, label: String, choices: [(value: String, label: String)]) -> FieldView {
        let current = data.value(name) ?? ""
        var field = FieldView(name: name, label: label, type: .select, value: current, error: errors[name])
        field.options = choices.map { FieldView.Option(value: $0.value, label: $0.label, selected: $0.value == current) }
        return field
    }
}

/// One form field as templates see it (`form_field` and `form_textarea` partials).
public struct FieldView: Sendable {
    public enum InputType: String, Sendable {
        case text, email, password, select
    }

    /// One `<option>` of a select.
    public struct Option: Sendable {
        public let value: String
        public let label: String
        public let selected: Bool
    }

    public let name: String
    public let label: String
    public let type: InputType
    public let value: String
    public let error: String?
    public let maxLength: Int?
    public let required: Bool
    /// `id` for the input and `for` of its label (stored: Mustache sees stored properties only).
    public let inputID: String
    public let errorID: String
    public let autocomplete: String?
    /// A hint under the field (the password rules).
    public let help: String?
    public var options: [Option] = []
    /// Shown but not typed in (the signed-in customer's own email on the contact form).
    public var readOnly = false

    public init(
        name: String, label: String, type: InputType = .text, value: String = "", error: String? = nil, maxLength: Int? = nil,
        required: Bool = true, autocomplete: String? = nil, help: String? = nil
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.value = value
        self.autocomplete = autocomplete
        self.help = help
        self.error = error
        self.maxLength = maxLength
        self.required = required
        self.inputID = "id_\(name)"
        self.errorID = "error_\(name)"
    }
}

extension FieldView: MustacheParent {
    public func child(named key: String) -> Any? {
        switch key {
        case "name": name
        case "label": label
        case "type": type.rawValue
        case "value": value
        case "autocomplete": autocomplete
        case "help": help
        case "options": options
        case "readOnly": readOnly
        case "describedBy": describedBy
        case "error": error
        case "maxLength": maxLength
        case "required": required
        case "inputID": inputID
        case "errorID": errorID
        default: nil
        }
    }
}

extension FieldView {
    /// `aria-describedby`: the error and the help text, when there are any.
    var describedBy: String? {
        let ids = [error.map { _ in errorID }, help.map { _ in "help_\(name)" }].compactMap { $0 }
        return ids.isEmpty ? nil : ids.joined(separator: " ")
    }
}

extension FieldView.Option: MustacheParent {
    public func child(named key: String) -> Any? {
        switch key {
        case "value": value
        case "label": label
        case "selected": selected
        default: nil
        }
    }
}

/// An invalid form, carried in a `Result`.
struct FormValidatorFailure: Error {
    let validator: FormValidator
    init(_ validator: FormValidator) { self.validator = validator }
}
