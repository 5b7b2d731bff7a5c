import Foundation
import GRDB

/// SQL fragments shared by the admin engine.
enum AdminSQL {
    /// A `LIKE ... ESCAPE '\'` pattern matching `text` anywhere.
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%" + escaped + "%"
    }
}

/// Converting one field's value between the database, the form and the page.
enum AdminValues {
    /// What an input shows for a stored value (money as `12.50`, booleans as "1").
    static func formText(_ value: DatabaseValue, kind: AdminFieldKind) -> String {
        if value.isNull { return "" }
        switch kind {
        case .money:
            guard let minor = Int.fromDatabaseValue(value) else { return "" }
            return Currency.plain(minor)
        case .boolean:
            return (Bool.fromDatabaseValue(value) ?? false) ? "1" : ""
        default:
            return String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map(String.init) ?? ""
        }
    }

    /// A value as the audit log keeps it: readable, and at most 200 characters.
    static func logText(_ value: DatabaseValue, kind: AdminFieldKind) -> String {
        if value.isNull { return "(empty)" }
        let text: String
        switch kind {
        case .boolean: text = (Bool.fromDatabaseValue(value) ?? false) ? "Yes" : "No"
        case .choice(let choices), .integerChoice(let choices):
            let raw = formText(value, kind: kind)
            text = choices.first { $0.value == raw }?.label ?? raw
        default: text = formText(value, kind: kind)
        }
        return text.count > 200 ? String(text.prefix(199)) + "…" : text
    }

    /// A stored value as a page shows it.
    static func display(_ value: DatabaseValue, format: AdminFormat, currency: Currency) -> String {
        if value.isNull { return "–" }
        switch format {
        case .text, .thumbnail:
            return String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map(String.init) ?? ""
        case .money:
            return Int.fromDatabaseValue(value).map(currency.format) ?? ""
        case .boolean:
            return (Bool.fromDatabaseValue(value) ?? false) ? "Yes" : "No"
        case .choice(let choices):
            let raw = formText(value, kind: .text(maxLength: 0))
            return choices.first { $0.value == raw }?.label ?? raw
        case .dateTime:
            return Date.fromDatabaseValue(value).map(utcDateTime) ?? ""
        }
    }

    /// How a field's stored value is shown when it cannot be changed.
    static func display(_ value: DatabaseValue, kind: AdminFieldKind, currency: Currency) -> String {
        switch kind {
        case .money: display(value, format: .money, currency: currency)
        case .boolean: display(value, format: .boolean, currency: currency)
        case .choice(let choices), .integerChoice(let choices): display(value, format: .choice(choices), currency: currency)
        case .dateTime: display(value, format: .dateTime, currency: currency)
        default: display(value, format: .text, currency: currency)
        }
    }

    /// Parses a posted value (nil: the field was not posted, i.e. an unticked box). Returns the
    /// value to store, or the error to show next to the field. Many-to-many fields and slugs
    /// made from another field are handled by the caller.
    static func parse(_ posted: String?, kind: AdminFieldKind) -> Result<DatabaseValue, AdminFieldError> {
        let text = (posted ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        switch kind {
        case .text(let maxLength, let required):
            if text.isEmpty && required { return .failure(.required) }
            if text.count > maxLength { return .failure(.message("Ensure this value has at most \(maxLength) characters (it has \(text.count)).")) }
            return .success(text.databaseValue)
        case .slug:
            if text.count > Slug.maxLength { return .failure(.message("Ensure this value has at most \(Slug.maxLength) characters.")) }
            if !text.isEmpty && Slug.make(text) != text {
                return .failure(.message("Enter a valid “slug” consisting of lower-case letters, numbers or hyphens."))
            }
            return .success(text.databaseValue)
        case .multiline:
            return .success((posted ?? "").replacingOccurrences(of: "\r\n", with: "\n").databaseValue)
        case .integer(let range):
            guard let number = Int(text) else { return .failure(text.isEmpty ? .required : .message("Enter a whole number.")) }
            guard range.contains(number) else { return .failure(.message("Enter a number from \(range.lowerBound) to \(range.upperBound).")) }
            return .success(number.databaseValue)
        case .optionalInteger(let range):
            if text.isEmpty { return .success(.null) }
            guard let number = Int(text) else { return .failure(.message("Enter a whole number, or leave it empty.")) }
            guard range.contains(number) else { return .failure(.message("Enter a number from \(range.lowerBound) to \(range.upperBound).")) }
            return .success(number.databaseValue)
        case .money:
            guard !text.isEmpty else { return .failure(.required) }
            guard let minor = Currency.parseMinorUnits(text) else { return .failure(.message("Enter a price such as 12.50.")) }
            return .success(minor.databaseValue)
        case .boolean:
            return .success((posted != nil && posted != "" && posted != "0").databaseValue)
        case .choice(let choices):
            guard choices.contains(where: { $0.value == text }) else { return .failure(text.isEmpty ? .required : .invalidChoice) }
            return .success(text.databaseValue)
        case .integerChoice(let choices):
            guard choices.contains(where: { $0.value == text }), let number = Int(text) else {
                return .failure(text.isEmpty ? .required : .invalidChoice)
            }
            return .success(number.databaseValue)
        case .foreignKey:
            guard let id = Int64(text), id > 0 else { return .failure(text.isEmpty ? .required : .invalidChoice) }
            return .success(id.databaseValue)
        case .isbn:
            guard !text.isEmpty else { return .success("".databaseValue) }
            guard let isbn = ISBN.normalized(text) else { return .failure(.message(ISBN.problem)) }
            return .success(isbn.databaseValue)
        case .email:
            guard !text.isEmpty else { return .failure(.required) }
            guard let email = EmailAddress.normalize(text) else { return .failure(.message("Enter a valid email address.")) }
            return .success(email.databaseValue)
        case .password:
            guard let posted, !posted.isEmpty else { return .failure(.required) }
            return .success(posted.databaseValue)
        case .dateTime, .manyToMany:
            return .failure(.message("This field cannot be set from a form."))
        }
    }
}

/// Why a posted value was refused, worded as Django words it.
enum AdminFieldError: Error, Equatable, CustomStringConvertible {
    case required
    case invalidChoice
    case message(String)

    var description: String {
        switch self {
        case .required: "This field is required."
        case .invalidChoice: "Select a valid choice. That choice is not one of the available choices."
        case .message(let text): text
        }
    }
}
