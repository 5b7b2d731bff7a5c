import Foundation
import GRDB

/// Reading a posted change form into a submission, and building the form page.
enum AdminForm {
    /// Parses every field the user may change; errors are keyed by input name.
    static func parse(_ form: FormData, model: AdminModel, readOnly: Set<String>) -> (AdminStore.Submission, [String: String]) {
        var submission = AdminStore.Submission()
        var errors: [String: String] = [:]
        for name in model.formFieldNames where !readOnly.contains(name) {
            guard let field = model.field(name) else { continue }
            switch field.kind {
            case .dateTime:
                continue
            case .manyToMany(let m2m):
                submission.links[name] = Set(form.values(name).compactMap { Int64($0) })
                if m2m.create != nil {
                    let typed = (form.value(AdminManyToMany.newInputName(name)) ?? "").split(separator: ",")
                        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    if let long = typed.first(where: { $0.count > 40 }) {
                        errors[name] = "“\(long.prefix(20))…” is longer than 40 characters."
                    } else if !typed.isEmpty {
                        submission.newLinks[name] = typed
                    }
                }
            default:
                switch AdminValues.parse(form.value(name), kind: field.kind) {
                case .success(let value): submission.values[name] = value
                case .failure(let error): errors[name] = error.description
                }
            }
        }
        for inline in model.inlines {
            for id in Set(form.values("\(inline.table)-ids").compactMap { Int64($0) }) {
                for field in inline.fields where !inline.readOnly.contains(field.name) && !readOnly.contains("\(inline.table).\(field.name)") {
                    let name = "\(inline.table)-\(id)-\(field.name)"
                    guard let posted = form.value(name) else { continue }
                    switch AdminValues.parse(posted, kind: field.kind) {
                    case .success(let value): submission.inline[inline.table, default: [:]][id, default: [:]][field.name] = value
                    case .failure(let error): errors[name] = error.description
                    }
                }
            }
        }
        return (submission, errors)
    }

    static func page(
        site: AdminSite, model: AdminModel, record: AdminRecord?, actor: AdminActor, form: FormData?, errors: [String: String],
        formErrors: [String], store: AdminStore, currency: Currency, warning: AdminFormPage.Link? = nil
    ) async throws -> AdminFormPage {
        let adding = record == nil
        let readOnly = model.readOnlyFields(isOwner: actor.isOwner, adding: adding)
        // An add form starts from the schema's defaults (a product is Active and In stock).
        let defaults = adding ? try await store.columnDefaults(model.table) : [:]
        func view(_ field: AdminField) async throws -> AdminFieldView {
            let value = record?.value(of: field) ?? defaults[field.column] ?? .null
            let fixed = readOnly.contains(field.name)
            switch field.kind {
            case .manyToMany(let m2m):
                let options = try await store.options(m2m)
                let selected = form.map { Set($0.values(field.name)) } ?? Set((record?.links[field.name] ?? []).map(String.init))
                return AdminFieldView(
                    field: field, value: value, readOnly: fixed, error: errors[field.name], currency: currency, options: options, selected: selected
                )
            case .foreignKey(let table, let label):
                let name = try await store.label(table: table, column: label, id: value)
                return AdminFieldView(
                    field: field, value: value, posted: fixed ? nil : form?.value(field.name), readOnly: fixed, error: errors[field.name],
                    currency: currency, foreignLabel: name.map { "\($0) (#\(Int64.fromDatabaseValue(value) ?? 0))" }
                )
            case .boolean:
                let posted = form.map { $0.value(field.name) == nil ? "" : "1" }
                return AdminFieldView(field: field, value: value, posted: fixed ? nil : posted, readOnly: fixed, error: errors[field.name], currency: currency)
            default:
                return AdminFieldView(
                    field: field, value: value, posted: fixed ? nil : form?.value(field.name), readOnly: fixed,
                    error: errors[field.name], currency: currency
                )
            }
        }
        var sets = model.fieldsets.isEmpty ? [AdminFieldset(title: nil, fields: model.fields.map(\.name))] : model.fieldsets
        let ownAddForm = adding && model.create != nil
        if ownAddForm { sets = [AdminFieldset(title: nil, fields: model.addFields.map(\.name))] }
        var fieldsets: [AdminFormPage.Fieldset] = []
        for set in sets {
            var views: [AdminFieldView] = []
            for name in set.fields {
                guard let field = ownAddForm ? model.addFields.first(where: { $0.name == name }) : model.field(name) else { continue }
                // Dates and the like are set by the shop, not on an add form.
                if adding, !ownAddForm, readOnly.contains(name) { continue }
                views.append(try await view(field))
            }
            guard !views.isEmpty else { continue }
            var fieldset = AdminFormPage.Fieldset(title: set.title, fields: views)
            if let summary = set.summary, let record, views.contains(where: { !$0.readOnly }) {
                fieldset.summaryLines = try await store.db.reader.read { db in try summary(db, record.id) }
                fieldset.open = views.contains { $0.error != nil }
            }
            fieldsets.append(fieldset)
        }
        let inlines = model.inlines.map { inline in
            let rows = (record?.inlineRows[inline.table] ?? []).map { row in
                AdminFormPage.InlineRow(
                    id: row.id, idsName: "\(inline.table)-ids",
                    cells: zip(inline.columns, row.values).map { column, value in
                        if case .thumbnail = column.format, let hash = String.fromDatabaseValue(value) {
                            return AdminListPage.Cell(text: "", thumbnailURL: Routes.image(hash: hash), linkURL: nil)
                        }
                        return AdminListPage.Cell(text: AdminValues.display(value, format: column.format, currency: currency), thumbnailURL: nil, linkURL: nil)
                    },
                    inputs: inline.fields.map { field in
                        let name = "\(inline.table)-\(row.id)-\(field.name)"
                        return AdminFieldView(
                            field: field, inputName: name, value: row.editable[field.name] ?? .null, posted: form?.value(name),
                            readOnly: !model.can(.change) || inline.readOnly.contains(field.name), error: errors[name], currency: currency
                        )
                    }
                )
            }
            return AdminFormPage.Inline(
                title: inline.title, headers: inline.columns.map(\.label) + inline.fields.map(\.label), rows: rows
            )
        }
        let heading = record.map { "\(model.can(.change) ? "Change" : "View") \(model.label.lowercased()): \($0.title)" } ?? "Add \(model.label.lowercased())"
        return AdminFormPage(
            site: AdminSiteView(site, actor: actor), heading: heading, modelPlural: model.plural, listURL: site.listURL(model),
            actionURL: record.map { site.changeURL(model, id: $0.id) } ?? site.addURL(model), fingerprint: record?.fingerprint ?? "",
            fieldsets: fieldsets, inlines: inlines, hasErrors: !errors.isEmpty || !formErrors.isEmpty, formErrors: formErrors,
            canSave: model.can(record == nil ? .add : .change)
                && (fieldsets.contains { $0.fields.contains { !$0.readOnly } } || inlines.contains { $0.rows.contains { $0.inputs.contains { !$0.readOnly } } }), deleteURL: record != nil && model.can(.delete) ? record.map { site.deleteURL(model, id: $0.id) } : nil,
            links: record.map { site.links(model, id: $0.id) } ?? [],
            uploadURL: record != nil && model.acceptsImages && model.can(.change) ? record.map { site.imagesURL(model, id: $0.id) } : nil,
            warning: warning
        )
    }
}

extension AdminFieldKind {
    /// Everything but passwords may be written to the audit log.
    var isShownInLog: Bool {
        if case .password = self { return false }
        return true
    }
}
