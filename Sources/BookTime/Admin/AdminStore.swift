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
    func summary(_ model: AdminModel, id: Int64, currency: Currency) async throws -> [AdminSummaryItem] {
        guard let summary = model.summary else { return [] }
        return try await db.reader.read { db in try summary(db, id, currency) }
    }

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
