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

    public var isValid: Bool { errors.isEmpty }

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
    public func field(_ name: String, label: String, maxLength: Int? = nil, required: Bool = true) -> FieldView {
        FieldView(name: name, label: label, value: data.value(name) ?? "", error: errors[name], maxLength: maxLength, required: required)
    }
}

/// One form field as templates see it (`form_field` and `form_textarea` partials).
public struct FieldView: Sendable {
    public let name: String
    public let label: String
    public let value: String
    public let error: String?
    public let maxLength: Int?
    public let required: Bool
    /// `id` for the input and `for` of its label (stored: Mustache sees stored properties only).
    public let inputID: String
    public let errorID: String

    public init(name: String, label: String, value: String = "", error: String? = nil, maxLength: Int? = nil, required: Bool = true) {
        self.name = name
        self.label = label
        self.value = value
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
        case "value": value
        case "error": error
        case "maxLength": maxLength
        case "required": required
        case "inputID": inputID
        case "errorID": errorID
        default: nil
        }
    }
}

/// An invalid form, carried in a `Result`.
struct FormValidatorFailure: Error {
    let validator: FormValidator
    init(_ validator: FormValidator) { self.validator = validator }
}
