import Foundation
import GRDB

/// One field as the form template draws it: which input, its value, its error.
struct AdminFieldView {
    struct Option {
        let value: String
        let label: String
        let selected: Bool
    }

    let name: String
    let inputID: String
    let label: String
    let help: String?
    let error: String?
    let readOnly: Bool
    /// The value as text, for read-only fields.
    let display: String
    let value: String
    let isInput: Bool
    let isTextarea: Bool
    let isCheckbox: Bool
    let isSelect: Bool
    let isMultiSelect: Bool
    /// A many-to-many field that can create what it links: the name of the input for new ones.
    let newInputName: String?
    let checked: Bool
    let inputType: String
    let maxLength: Int?
    let options: [Option]

    init(
        field: AdminField, inputName: String? = nil, value: DatabaseValue, posted: String? = nil, readOnly: Bool, error: String?,
        currency: Currency, options choices: [AdminChoice] = [], selected: Set<String> = [], foreignLabel: String? = nil
    ) {
        name = inputName ?? field.name
        inputID = "id_" + name
        label = field.label
        // An editable foreign key is typed as an id: say whose it is.
        help = field.help ?? (readOnly ? nil : foreignLabel)
        self.error = error
        self.readOnly = readOnly
        let text = posted ?? AdminValues.formText(value, kind: field.kind)
        var shown = text
        var display = AdminValues.display(value, kind: field.kind, currency: currency)
        var isInput = false, isTextarea = false, isCheckbox = false, isSelect = false, isMultiSelect = false
        var newInput: String?
        var inputType = "text"
        var maxLength: Int? = nil
        var options: [Option] = []
        switch field.kind {
        case .text(let length, _):
            isInput = true
            maxLength = length
        case .slug:
            isInput = true
            maxLength = Slug.maxLength
        case .multiline:
            isTextarea = true
        case .integer, .optionalInteger:
            isInput = true
            inputType = "number"
        case .money:
            isInput = true
            inputType = "text"
        case .boolean:
            isCheckbox = true
        case .choice(let list), .integerChoice(let list):
            isSelect = true
            options = list.map { Option(value: $0.value, label: $0.label, selected: $0.value == text) }
        case .foreignKey:
            isInput = true
            inputType = "number"
            if let foreignLabel { display = foreignLabel }
        case .isbn:
            isInput = true
            inputType = "text"
            maxLength = 17
        case .email:
            isInput = true
            inputType = "email"
            maxLength = EmailAddress.maxLength
        case .password:
            isInput = true
            inputType = "password"
            shown = ""
        case .dateTime:
            break
        case .manyToMany(let m2m):
            isMultiSelect = true
            newInput = m2m.create == nil ? nil : AdminManyToMany.newInputName(inputName ?? field.name)
            options = choices.map { Option(value: $0.value, label: $0.label, selected: selected.contains($0.value)) }
            display = options.filter(\.selected).map(\.label).joined(separator: ", ")
            if display.isEmpty { display = "–" }
        }
        self.display = display
        self.value = shown
        self.isInput = isInput
        self.isTextarea = isTextarea
        self.isCheckbox = isCheckbox
        self.isSelect = isSelect
        self.isMultiSelect = isMultiSelect
        self.newInputName = newInput
        self.checked = text == "1"
        self.inputType = inputType
        self.maxLength = maxLength
        self.options = options
    }
}

/// The add and change form (Django's change form): fieldsets, read-only fields per role,
/// inlines, errors next to their fields, and the fingerprint that catches concurrent edits.
struct AdminFormPage {
    struct Fieldset {
        let title: String?
        let fields: [AdminFieldView]
        /// `AdminFieldset.summary`'s lines, shown above the fields with an "Edit" button.
        var summaryLines: [String] = []
        /// The fields stay open (a field of the set has an error).
        var open = false
    }

    struct InlineRow {
        let id: Int64
        /// The hidden input listing the rows this form edits.
        let idsName: String
        let cells: [AdminListPage.Cell]
        let inputs: [AdminFieldView]
    }

    struct Inline {
        let title: String
        let headers: [String]
        let rows: [InlineRow]
    }

    struct Link {
        let label: String
        let url: String
    }

    let site: AdminSiteView
    let heading: String
    let modelPlural: String
    let listURL: String
    let actionURL: String
    let fingerprint: String
    let fieldsets: [Fieldset]
    let inlines: [Inline]
    let hasErrors: Bool
    let formErrors: [String]
    let canSave: Bool
    let deleteURL: String?
    let links: [Link]
    /// Where the image upload button posts (the change form, as multipart), when this record takes images.
    let uploadURL: String?
    /// What is wrong with the saved record, linking to the field that fixes it.
    let warning: Link?
    /// `AdminModel.summary`, with links built for this site.
    var summary: [Fact] = []
    /// `AdminModel.lineEditor`'s section, when the record can be changed that way now.
    var lineEditor: LineEditor? = nil

    struct LineEditor {
        let title: String
        let help: String
        let url: String
        let maxQuantity: Int
        let lines: [AdminLineEditor.Line]
    }

    struct Fact {
        let label: String
        let text: String
        let url: String?
    }
}
