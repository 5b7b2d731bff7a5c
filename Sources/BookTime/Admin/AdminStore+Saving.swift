import Foundation
import GRDB

/// Saving a change form, an addition, a model's own add form and list-editable cells: each in one
/// transaction with its audit entry.
extension AdminStore {
    /// A parsed form: plain values by field name, many-to-many ids, inline values by row id.
    struct Submission: Sendable {
        var values: [String: DatabaseValue] = [:]
        var links: [String: Set<Int64>] = [:]
        /// Many-to-many field → names of records to create (or find) and link as well.
        var newLinks: [String: [String]] = [:]
        /// Inline table → row id → field name → value.
        var inline: [String: [Int64: [String: DatabaseValue]]] = [:]
    }

    /// The `DEFAULT` of each column of `table` that has one, evaluated: the schema is the one home
    /// of a new record's starting values, and an add form shows them.
    func columnDefaults(_ table: String) async throws -> [String: DatabaseValue] {
        try await db.reader.read { db in
            var defaults: [String: DatabaseValue] = [:]
            for column in try db.columns(in: table) {
                guard let sql = column.defaultValueSQL else { continue }
                // The schema's own text, as `PRAGMA table_info` gives it.
                defaults[column.name] = try DatabaseValue.fetchOne(db, sql: "SELECT \(sql)") ?? .null
            }
            return defaults
        }
    }

    /// Who writes, with what order-email settings: handed to field writers and bulk actions.
    func write(by actor: AdminActor) -> AdminWrite {
        AdminWrite(userID: actor.id, orderEmail: orderEmail)
    }

    /// Saves a change (id given) or an addition, in one transaction with its audit entry. A
    /// change is refused when the record's fingerprint is no longer `expected`.
    func save(
        _ model: AdminModel, site: AdminSite, id: Int64?, submission: Submission, expected: String?, actor: AdminActor
    ) async throws -> (id: Int64, title: String) {
        let readOnly = model.readOnlyFields(isOwner: actor.isOwner, adding: id == nil)
        do {
            return try await db.dbWriter.write { db in
                var changes: [AdminLogEntry.Change] = []
                var values = submission.values.filter { !readOnly.contains($0.key) }
                let current = try id.map { id -> AdminRecord in
                    guard let record = try Self.record(db, model, id: id) else { throw AdminSaveError.notFound }
                    guard record.fingerprint == expected else { throw AdminSaveError.conflict }
                    return record
                }
                try Self.fillSlugs(db, model, &values, id: id)
                try Self.checkForeignKeys(db, model, values)

                // Plain columns first, then fields with their own writer (statuses).
                var assignments: [(column: String, value: DatabaseValue)] = []
                for field in model.fields where values[field.name] != nil && field.writer == nil {
                    let new = values[field.name] ?? .null
                    let old = current?.value(of: field) ?? .null
                    if current != nil && old == new { continue }
                    assignments.append((field.column, new))
                    changes.append(AdminLogEntry.Change(field: field.name, old: AdminValues.logText(old, kind: field.kind), new: AdminValues.logText(new, kind: field.kind)))
                }
                var recordID = id ?? 0
                let now = Date.now.databaseValue
                if current == nil {
                    let dates = (model.addDefaults + model.touch.filter { !model.addDefaults.contains($0) }).map { ($0, now) }
                    let columns = assignments + dates
                    let names = columns.map { "\(identifier: $0.column)" as SQL }.joined(separator: ", ")
                    try db.execute(
                        literal: columns.isEmpty
                            ? "INSERT INTO \(identifier: model.table) DEFAULT VALUES"
                            : "INSERT INTO \(identifier: model.table) (\(literal: names)) VALUES \(columns.map(\.value))"
                    )
                    recordID = db.lastInsertedRowID
                } else if !assignments.isEmpty {
                    try db.execute(literal: Self.update(model, assignments + model.touch.map { ($0, now) }, id: recordID))
                }
                for field in model.fields where field.writer != nil && values[field.name] != nil {
                    let new = values[field.name] ?? .null
                    let old = current?.value(of: field) ?? .null
                    guard old != new else { continue }
                    try field.writer?(db, recordID, new, write(by: actor))
                    changes.append(AdminLogEntry.Change(field: field.name, old: AdminValues.logText(old, kind: field.kind), new: AdminValues.logText(new, kind: field.kind)))
                }
                for field in model.fields where !readOnly.contains(field.name) {
                    guard case .manyToMany(let m2m) = field.kind, var wanted = submission.links[field.name] else { continue }
                    if let create = m2m.create {
                        for name in submission.newLinks[field.name] ?? [] { wanted.insert(try create(db, name)) }
                    }
                    let old = current?.links[field.name] ?? []
                    guard wanted != old else { continue }
                    try Self.replaceLinks(db, m2m, id: recordID, with: wanted)
                    changes.append(AdminLogEntry.Change(field: field.name, old: old.sorted().map(String.init).joined(separator: ","), new: wanted.sorted().map(String.init).joined(separator: ",")))
                }
                if let current { changes += try Self.saveInlines(db, model, current, submission, readOnlyFor: actor, write: write(by: actor)) }

                let title = try Self.logged(db, model, site: site, id: recordID, action: current == nil ? .add : .change, changes: changes, actor: actor, always: current == nil)
                return (recordID, title)
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw Self.uniqueError(error, model)
        } catch let error as OrderWorkflow.Failure {
            throw AdminSaveError.formError(error.description)
        }
    }

    /// Adds a record through the model's own `create` write, in one transaction with its audit entry.
    func create(
        _ model: AdminModel, site: AdminSite, insert: @escaping AdminInsert, changes: [AdminLogEntry.Change], actor: AdminActor
    ) async throws -> (id: Int64, title: String) {
        do {
            return try await db.dbWriter.write { db in
                let id = try insert(db)
                return (id, try Self.logged(db, model, site: site, id: id, action: .add, changes: changes, actor: actor, always: true))
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw Self.uniqueError(error, model)
        }
    }

    /// "UNIQUE constraint failed: product.slug" as the form's error on that field.
    static func uniqueError(_ error: DatabaseError, _ model: AdminModel) -> AdminSaveError {
        let column = error.message?.split(separator: ".").last.map(String.init) ?? ""
        let field = model.fields.first { $0.column == column } ?? model.addFields.first { $0.name == column }
        let message = "\(model.label) with this \(field?.label ?? column) already exists."
        if let field { return .fieldErrors([field.name: message]) }
        return .formError(message)
    }

    /// An empty slug is made from its source field, unique in the table.
    static func fillSlugs(_ db: Database, _ model: AdminModel, _ values: inout [String: DatabaseValue], id: Int64?) throws {
        for field in model.fields {
            guard case .slug(let source) = field.kind, let value = values[field.name] else { continue }
            guard (String.fromDatabaseValue(value) ?? "").isEmpty else { continue }
            let base = Slug.make(values[source].flatMap(String.fromDatabaseValue) ?? "")
            values[field.name] = try Slug.unique(base) { candidate in
                try SQLRequest<Bool>(
                    literal: "SELECT EXISTS (SELECT 1 FROM \(identifier: model.table) WHERE \(identifier: field.column) = \(candidate) AND id IS NOT \(id))"
                ).fetchOne(db) ?? false
            }.databaseValue
        }
    }

    static func checkForeignKeys(_ db: Database, _ model: AdminModel, _ values: [String: DatabaseValue]) throws {
        var errors: [String: String] = [:]
        for field in model.fields {
            guard case .foreignKey(let table, _) = field.kind, let value = values[field.name] else { continue }
            let exists = try SQLRequest<Bool>(literal: "SELECT EXISTS (SELECT 1 FROM \(identifier: table) WHERE id = \(value))").fetchOne(db) ?? false
            if !exists { errors[field.name] = AdminFieldError.invalidChoice.description }
        }
        if !errors.isEmpty { throw AdminSaveError.fieldErrors(errors) }
    }

    static func replaceLinks(_ db: Database, _ m2m: AdminManyToMany, id: Int64, with ids: Set<Int64>) throws {
        let known = try Set(SQLRequest<Int64>(literal: "SELECT id FROM \(identifier: m2m.otherTable)").fetchAll(db))
        guard ids.isSubset(of: known) else { throw AdminSaveError.formError(AdminFieldError.invalidChoice.description) }
        try db.execute(literal: "DELETE FROM \(identifier: m2m.linkTable) WHERE \(identifier: m2m.ownKey) = \(id)")
        for other in ids.sorted() {
            try db.execute(
                literal: "INSERT INTO \(identifier: m2m.linkTable) (\(identifier: m2m.ownKey), \(identifier: m2m.otherKey)) VALUES (\(id), \(other))"
            )
        }
    }

    /// Inline rows: only rows of this record, only editable fields; statuses through their writer.
    static func saveInlines(
        _ db: Database, _ model: AdminModel, _ current: AdminRecord, _ submission: Submission, readOnlyFor actor: AdminActor, write: AdminWrite
    ) throws -> [AdminLogEntry.Change] {
        guard model.can(.change) else { return [] }
        var changes: [AdminLogEntry.Change] = []
        for inline in model.inlines {
            let rows = current.inlineRows[inline.table] ?? []
            for (rowID, values) in (submission.inline[inline.table] ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard let row = rows.first(where: { $0.id == rowID }) else { throw AdminSaveError.formError("That line is not part of this \(model.label.lowercased()).") }
                for field in inline.fields where !inline.readOnly.contains(field.name) {
                    guard let new = values[field.name], let old = row.editable[field.name], new != old else { continue }
                    if let writer = field.writer {
                        try writer(db, rowID, new, write)
                    } else {
                        try db.execute(literal: "UPDATE \(identifier: inline.table) SET \(identifier: field.column) = \(new) WHERE id = \(rowID)")
                    }
                    changes.append(AdminLogEntry.Change(field: "\(inline.title) #\(rowID) \(field.label.lowercased())", old: AdminValues.logText(old, kind: field.kind), new: AdminValues.logText(new, kind: field.kind)))
                }
            }
        }
        return changes
    }

    // MARK: List-editable

    /// Saves the list page's editable cells (Django's `list_editable`), each through the same rules.
    func saveListEdits(_ model: AdminModel, site: AdminSite, edits: [Int64: [String: DatabaseValue]], actor: AdminActor) async throws -> Int {
        let readOnly = model.readOnlyFields(isOwner: actor.isOwner)
        let fields = model.listEditable.compactMap(model.field).filter { !readOnly.contains($0.name) }
        do {
            return try await db.dbWriter.write { db in
                var changed = 0
                for (id, values) in edits.sorted(by: { $0.key < $1.key }) {
                    guard let record = try Self.record(db, model, id: id) else { throw AdminSaveError.notFound }
                    var changes: [AdminLogEntry.Change] = []
                    for field in fields {
                        guard let new = values[field.name] else { continue }
                        let old = record.value(of: field)
                        guard old != new else { continue }
                        if let writer = field.writer {
                            try writer(db, id, new, write(by: actor))
                        } else {
                            try db.execute(literal: Self.update(model, [(field.column, new)] + model.touch.map { ($0, Date.now.databaseValue) }, id: id))
                        }
                        changes.append(AdminLogEntry.Change(field: field.name, old: AdminValues.logText(old, kind: field.kind), new: AdminValues.logText(new, kind: field.kind)))
                    }
                    if !changes.isEmpty {
                        changed += 1
                        try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: record.title, action: .change, changes: changes)
                    }
                }
                return changed
            }
        } catch let error as OrderWorkflow.Failure {
            throw AdminSaveError.formError(error.description)
        }
    }
}
