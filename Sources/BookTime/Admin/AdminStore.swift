import Foundation
import GRDB

/// What a list page asks for: search words, filter values, sort and page.
struct AdminListQuery: Sendable, Equatable {
    var search = ""
    /// Filter name → value; a date range uses `<name>__from` and `<name>__to` (`YYYY-MM-DD`).
    var filters: [String: String] = [:]
    /// A sortable column's name, `-name` for descending.
    var sort: String? = nil
    var page = 1

    static let pageSize = 100
}

/// One row of a list page: its id, each column's value, and the list-editable values.
struct AdminListRow: Sendable {
    let id: Int64
    let values: [DatabaseValue]
    let editable: [String: DatabaseValue]
}

/// A record as its change form needs it.
struct AdminRecord: Sendable {
    struct InlineRow: Sendable {
        let id: Int64
        let values: [DatabaseValue]
        let editable: [String: DatabaseValue]
    }

    let id: Int64
    let title: String
    /// Column → stored value.
    let columns: [String: DatabaseValue]
    /// Many-to-many field name → linked ids.
    let links: [String: Set<Int64>]
    /// Inline table → its rows.
    let inlineRows: [String: [InlineRow]]
    /// Changes whenever anything on the form changes: optimistic concurrency.
    let fingerprint: String

    func value(of field: AdminField) -> DatabaseValue { columns[field.column] ?? .null }
}

/// What deleting some rows would take with it, and what stops it.
struct AdminDeletePlan: Sendable {
    /// The rows this site may see among those asked for, by id, in id order.
    let named: [(id: Int64, title: String)]
    var titles: [String] { named.map(\.title) }
    /// Rows that would go too ("2 order lines"), and rows that forbid the delete.
    let cascades: [String]
    let blockers: [String]
}

/// Why a save or delete was refused.
enum AdminSaveError: Error, Equatable {
    case notFound
    /// Someone else saved the record since the form was opened.
    case conflict
    case fieldErrors([String: String])
    case formError(String)
    case protected
}

/// The admin engine's database side: every list, record, save, delete and action of every model
/// goes through here, built from the model's declaration alone.
struct AdminStore: Sendable {
    let db: AppDatabase
    /// For writes that email the customer (an order marked paid or dispatched); nil sends none.
    var orderEmail: OrderEmailSettings? = nil

    // MARK: Lists

    /// `WHERE ...` for the site's scope, the search words and the filters, or nothing.
    func whereClause(_ model: AdminModel, _ query: AdminListQuery) -> SQL {
        var clauses: [SQL] = []
        if let scope = model.scope { clauses.append("(\(literal: scope))") }
        for word in query.search.split(whereSeparator: \.isWhitespace).prefix(8) where !model.search.isEmpty {
            let pattern = AdminSQL.containsPattern(String(word))
            clauses.append("(\(literal: model.search.map { "\(literal: $0) LIKE \(pattern) ESCAPE '\\'" as SQL }.joined(separator: " OR ")))")
        }
        for filter in model.filters {
            switch filter {
            case .choice(let name, _, let sql, let choices):
                if let value = query.filters[name], choices.contains(where: { $0.value == value }) {
                    clauses.append("\(literal: sql) = \(value)")
                }
            case .boolean(let name, _, let sql):
                if let value = query.filters[name], value == "1" || value == "0" {
                    clauses.append("\(literal: sql) = \(value == "1")")
                }
            case .dateRange(let name, _, let sql):
                if let from = query.filters[name + "__from"].flatMap(Self.day) {
                    clauses.append("\(literal: sql) >= \(from)")
                }
                if let to = query.filters[name + "__to"].flatMap(Self.day) {
                    clauses.append("\(literal: sql) < date(\(to), '+1 day')")
                }
            }
        }
        return clauses.isEmpty ? "" : "WHERE \(literal: clauses.joined(separator: " AND "))"
    }

    /// `YYYY-MM-DD`, or nil for anything else.
    static func day(_ text: String) -> String? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...9999).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        return text
    }

    func orderClause(_ model: AdminModel, _ sort: String?) -> SQL {
        if let sort {
            let descending = sort.hasPrefix("-")
            let name = descending ? String(sort.dropFirst()) : sort
            if let column = model.columns.first(where: { $0.name == name && $0.sortable }) {
                return "ORDER BY \(literal: column.sql) \(sql: descending ? "DESC" : "ASC"), t.id"
            }
        }
        return "ORDER BY \(literal: model.defaultOrder)"
    }

    /// One page of rows, or with `everything` all of them (CSV exports).
    func list(_ model: AdminModel, query: AdminListQuery, everything: Bool = false) async throws -> (rows: [AdminListRow], total: Int) {
        let whereSQL = whereClause(model, query)
        let editable = model.listEditable.compactMap(model.field)
        let selects: [SQL] = ["t.id"] + model.columns.map(\.sql) + editable.map { "t.\(identifier: $0.column)" }
        let from: SQL = "FROM \(identifier: model.table) t \(literal: whereSQL)"
        let limit = everything ? -1 : AdminListQuery.pageSize
        return try await db.reader.read { db in
            let total = try SQLRequest<Int>(literal: "SELECT COUNT(*) \(literal: from)").fetchOne(db) ?? 0
            let offset = everything ? 0 : Pager(page: query.page, pageSize: AdminListQuery.pageSize, totalCount: total).offset
            let rows = try SQLRequest<Row>(
                literal: "SELECT \(literal: selects.joined(separator: ", ")) \(literal: from) \(literal: orderClause(model, query.sort)) LIMIT \(limit) OFFSET \(offset)"
            ).fetchAll(db)
            let list = rows.map { row in
                let values = (0..<model.columns.count).map { row[$0 + 1] as DatabaseValue }
                var editableValues: [String: DatabaseValue] = [:]
                for (index, field) in editable.enumerated() { editableValues[field.name] = row[1 + model.columns.count + index] }
                return AdminListRow(id: row[0], values: values, editable: editableValues)
            }
            return (list, total)
        }
    }

    /// Every id the list query matches (Django's "select all N across pages"), at most `limit`.
    func ids(_ model: AdminModel, query: AdminListQuery, limit: Int = 10_000) async throws -> [Int64] {
        let whereSQL = whereClause(model, query)
        return try await db.reader.read { db in
            try SQLRequest<Int64>(
                literal: "SELECT t.id FROM \(identifier: model.table) t \(literal: whereSQL) ORDER BY t.id LIMIT \(limit + 1)"
            ).fetchAll(db)
        }
    }

    // MARK: Records

    func record(_ model: AdminModel, id: Int64) async throws -> AdminRecord? {
        try await db.reader.read { db in try Self.record(db, model, id: id) }
    }

    /// The model's warning about record `id`, if it has one.
    func warning(_ model: AdminModel, id: Int64) async throws -> AdminWarning? {
        guard let warning = model.warning else { return nil }
        return try await db.reader.read { db in try warning(db, id) }
    }

    static func record(_ db: Database, _ model: AdminModel, id: Int64) throws -> AdminRecord? {
        let request = SQLRequest<Row>(
            literal: "SELECT t.*, \(literal: model.titleSQL) AS adminTitle FROM \(identifier: model.table) t WHERE t.id = \(id) \(literal: scopeClause(model))"
        )
        guard let row = try request.fetchOne(db) else { return nil }
        var links: [String: Set<Int64>] = [:]
        for field in model.fields {
            guard case .manyToMany(let m2m) = field.kind else { continue }
            links[field.name] = try Set(
                SQLRequest<Int64>(literal: "SELECT \(identifier: m2m.otherKey) FROM \(identifier: m2m.linkTable) WHERE \(identifier: m2m.ownKey) = \(id)").fetchAll(db)
            )
        }
        var inlineRows: [String: [AdminRecord.InlineRow]] = [:]
        for inline in model.inlines {
            let selects: [SQL] = ["t.id"] + inline.columns.map(\.sql) + inline.fields.map { "t.\(identifier: $0.column)" }
            let rows = try SQLRequest<Row>(
                literal: """
                    SELECT \(literal: selects.joined(separator: ", ")) FROM \(identifier: inline.table) t
                    WHERE t.\(identifier: inline.foreignKey) = \(id) ORDER BY \(literal: inline.order)
                    """
            ).fetchAll(db)
            inlineRows[inline.table] = rows.map { row in
                var editable: [String: DatabaseValue] = [:]
                for (index, field) in inline.fields.enumerated() { editable[field.name] = row[1 + inline.columns.count + index] }
                return AdminRecord.InlineRow(id: row[0], values: (0..<inline.columns.count).map { row[$0 + 1] as DatabaseValue }, editable: editable)
            }
        }
        var state = row.description
        for name in links.keys.sorted() { state += "|\(name):" + (links[name] ?? []).sorted().map(String.init).joined(separator: ",") }
        for table in inlineRows.keys.sorted() {
            for line in inlineRows[table] ?? [] { state += "|\(table):\(line.id):" + line.editable.keys.sorted().map { "\(line.editable[$0] ?? .null)" }.joined(separator: ",") }
        }
        return AdminRecord(
            id: id, title: row["adminTitle"] ?? "#\(id)",
            columns: Dictionary(row.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }), links: links, inlineRows: inlineRows,
            fingerprint: sha256Hex(Data(state.utf8))
        )
    }

    /// The rows a many-to-many or foreign-key field can point at.
    func options(_ m2m: AdminManyToMany) async throws -> [AdminChoice] {
        try await db.reader.read { db in
            try SQLRequest<Row>(
                literal: "SELECT id, \(identifier: m2m.label) AS label FROM \(identifier: m2m.otherTable) ORDER BY \(identifier: m2m.label)"
            ).fetchAll(db).map {
                AdminChoice(value: String($0["id"] as Int64), label: $0["label"] ?? "")
            }
        }
    }

    /// How a foreign key's target is named (`user` 3 → its email).
    func label(table: String, column: String, id: DatabaseValue) async throws -> String? {
        guard let id = Int64.fromDatabaseValue(id) else { return nil }
        return try await db.reader.read { db in
            try SQLRequest<String>(literal: "SELECT \(identifier: column) FROM \(identifier: table) WHERE id = \(id)").fetchOne(db)
        }
    }

    // MARK: Saving

    /// A parsed form: plain values by field name, many-to-many ids, inline values by row id.
    struct Submission: Sendable {
        var values: [String: DatabaseValue] = [:]
        var links: [String: Set<Int64>] = [:]
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
                    guard case .manyToMany(let m2m) = field.kind, let wanted = submission.links[field.name] else { continue }
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

    // MARK: Deleting and actions

    func deletePlan(_ model: AdminModel, ids: [Int64]) async throws -> AdminDeletePlan {
        try await db.reader.read { db in try Self.deletePlan(db, model, ids: ids) }
    }

    /// How the rows this site may see among `ids` are named, by id, in id order.
    static func titles(_ db: Database, _ model: AdminModel, ids: [Int64]) throws -> [(id: Int64, title: String)] {
        try SQLRequest<Row>(
            literal: """
                SELECT t.id, \(literal: model.titleSQL) FROM \(identifier: model.table) t
                WHERE t.id IN \(ids) \(literal: scopeClause(model)) ORDER BY t.id
                """
        ).fetchAll(db).map { ($0[0], $0[1] ?? "#\($0[0] as Int64)") }
    }

    func titles(_ model: AdminModel, ids: [Int64]) async throws -> [(id: Int64, title: String)] {
        try await db.reader.read { db in try Self.titles(db, model, ids: ids) }
    }

    /// What deleting `ids` would do, read from the foreign keys that point at the model's table:
    /// `CASCADE` rows go too, `RESTRICT` rows forbid it, `SET NULL` rows stay and lose the link.
    static func deletePlan(_ db: Database, _ model: AdminModel, ids: [Int64]) throws -> AdminDeletePlan {
        let named = try Self.titles(db, model, ids: ids)
        var cascades: [String] = []
        var blockers: [String] = []
        for reference in try AdminSchema.references(to: model.table, db) where reference.effect != .unlinks {
            let count = try SQLRequest<Int>(
                literal: "SELECT COUNT(*) FROM \(identifier: reference.table) WHERE \(identifier: reference.column) IN \(ids)"
            ).fetchOne(db) ?? 0
            guard count > 0 else { continue }
            let noun = reference.noun
            let text = "\(count) \(count == 1 ? noun.singular : noun.plural)"
            if reference.effect == .blocks { blockers.append(text) } else { cascades.append(text) }
        }
        return AdminDeletePlan(named: named, cascades: cascades, blockers: blockers)
    }

    /// Deletes the rows (all or none), refusing when anything protects them.
    func delete(_ model: AdminModel, site: AdminSite, ids: [Int64], actor: AdminActor) async throws -> Int {
        try await db.dbWriter.write { db in
            let plan = try Self.deletePlan(db, model, ids: ids)
            guard plan.blockers.isEmpty else { throw AdminSaveError.protected }
            guard plan.named.count == ids.count else { throw AdminSaveError.notFound }
            for (id, title) in plan.named {
                try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: title, action: .delete)
            }
            try db.execute(
                literal: "DELETE FROM \(identifier: model.table) WHERE id IN \(plan.named.map(\.id))"
            )
            return db.changesCount
        }
    }

    func run(_ action: AdminAction, on model: AdminModel, site: AdminSite, ids: [Int64], actor: AdminActor) async throws -> Int {
        try await db.dbWriter.write { db in
            let named = try Self.titles(db, model, ids: ids)
            guard named.count == ids.count else { throw AdminSaveError.notFound }
            let changed = try action.run(db, ids, write(by: actor))
            for (id, title) in named {
                try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: title, action: .bulk(action.name))
            }
            return changed
        }
    }

    // MARK: SQL pieces

    /// ` AND (scope)` for a site that sees only some rows, or nothing.
    static func scopeClause(_ model: AdminModel) -> SQL {
        model.scope.map { "AND (\(literal: $0))" } ?? ""
    }

    /// `UPDATE table SET a = ?, b = ? WHERE id = ?`.
    static func update(_ model: AdminModel, _ assignments: [(column: String, value: DatabaseValue)], id: Int64) -> SQL {
        let set = assignments.map { "\(identifier: $0.column) = \($0.value)" as SQL }.joined(separator: ", ")
        return "UPDATE \(identifier: model.table) SET \(literal: set) WHERE id = \(id)"
    }

    // MARK: Audit log

    /// Names record `id` and writes its audit entry when anything changed (or `always`, an add),
    /// in the caller's transaction: the one place a write and its entry are tied together.
    static func logged(
        _ db: Database, _ model: AdminModel, site: AdminSite, id: Int64, action: AdminLogAction, changes: [AdminLogEntry.Change],
        actor: AdminActor, always: Bool = false
    ) throws -> String {
        let title = try titles(db, model, ids: [id]).first?.title ?? "#\(id)"
        if always || !changes.isEmpty {
            try AdminLog.record(db, user: actor, site: site, model: model, objectID: id, title: title, action: action, changes: changes)
        }
        return title
    }

    func logEntries(page: Int, model: String?) async throws -> (entries: [AdminLogEntry], total: Int) {
        try await db.reader.read { db in
            var request = AdminLogEntry.all()
            if let model { request = request.filter(Column("model") == model) }
            let total = try request.fetchCount(db)
            let pager = Pager(page: page, pageSize: AdminListQuery.pageSize, totalCount: total)
            let entries = try request.order(Column("id").desc).limit(AdminListQuery.pageSize, offset: pager.offset).fetchAll(db)
            return (entries, total)
        }
    }
}
