import GRDB

/// What the admin engine reads from the schema instead of restating it: which rows point at a
/// table and what deleting does to them (from `PRAGMA foreign_key_list`), and whether a model's
/// declaration still matches its table (Django's admin system checks).
enum AdminSchema {
    /// A foreign key of another table that points at the one being deleted from.
    struct Reference: Sendable, Equatable {
        enum Effect: Sendable, Equatable {
            /// `ON DELETE CASCADE`: the rows go too.
            case cascades
            /// `RESTRICT` or `NO ACTION`: the delete is refused while such rows exist.
            case blocks
            /// `SET NULL` or `SET DEFAULT`: the rows stay and forget the link.
            case unlinks
        }

        let table: String
        let column: String
        let effect: Effect

        /// "order line" / "order lines": what the rows of the pointing table are called.
        var noun: (singular: String, plural: String) { AdminSchema.noun(table) }
    }

    /// Every foreign key in the database that points at `table`, by table and column.
    static func references(to table: String, _ db: Database) throws -> [Reference] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT m.name AS tableName, f."from" AS columnName, f.on_delete AS onDelete
                FROM sqlite_master m JOIN pragma_foreign_key_list(m.name) f
                WHERE m.type = 'table' AND f."table" = ? COLLATE NOCASE
                ORDER BY m.name, f."from"
                """,
            arguments: [table]
        ).map { row in
            let effect: Reference.Effect =
                switch (row["onDelete"] as String? ?? "").uppercased() {
                case "CASCADE": .cascades
                case "SET NULL", "SET DEFAULT": .unlinks
                default: .blocks
                }
            return Reference(table: row["tableName"], column: row["columnName"], effect: effect)
        }
    }

    /// Tables whose rows need a name other than their table name's words.
    private static let nouns: [String: (String, String)] = [
        "shopOrder": ("order", "orders"),
        "orderHistory": ("history entry", "history entries"),
        "address": ("address", "addresses"),
    ]

    /// `basketLine` → ("basket line", "basket lines").
    static func noun(_ table: String) -> (singular: String, plural: String) {
        if let known = nouns[table] { return known }
        var words = ""
        for character in table {
            if character.isUppercase { words.append(" ") }
            words.append(contentsOf: character.lowercased())
        }
        return (words, words + "s")
    }

    // MARK: Checks

    /// Declarations that do not match the schema, one line each.
    struct Mismatch: Error, CustomStringConvertible {
        let problems: [String]
        var description: String { "The back office's models do not match the database:\n" + problems.joined(separator: "\n") }
    }

    /// Throws `Mismatch` when any of `models` names something the schema does not have.
    static func check(_ models: [AdminModel], _ db: Database) throws {
        let problems = try models.flatMap { try Self.problems(in: $0, db) }
        if !problems.isEmpty { throw Mismatch(problems: problems) }
    }

    /// What in `model`'s declaration the schema does not have: its table, a field's, inline's or
    /// link's column, or an SQL expression that no longer prepares. Empty when all is well.
    static func problems(in model: AdminModel, _ db: Database) throws -> [String] {
        var problems: [String] = []
        let name = "\(model.name) (\(model.table))"
        func columns(_ table: String) throws -> Set<String>? {
            guard try db.tableExists(table) else { return nil }
            return Set(try db.columns(in: table).map(\.name))
        }
        func prepares(_ sql: SQL, _ what: String) {
            do {
                _ = try db.makeStatement(literal: sql)
            } catch {
                problems.append("\(name): \(what) does not prepare: \((error as? DatabaseError)?.message ?? "\(error)")")
            }
        }
        func require(_ column: String, in table: String, _ what: String) throws {
            guard let known = try columns(table) else { return problems.append("\(name): \(what) names table \(table), which does not exist") }
            if !known.contains(column) { problems.append("\(name): \(what) names \(table).\(column), which does not exist") }
        }

        guard try db.tableExists(model.table) else { return ["\(name): the table does not exist"] }
        let table: SQL = "\(identifier: model.table) t"
        // An add form's own fields (a role, a password) are read by the model's `create`, not here.
        for field in model.fields {
            switch field.kind {
            case .manyToMany(let m2m):
                try require(m2m.ownKey, in: m2m.linkTable, "field \(field.name)")
                try require(m2m.otherKey, in: m2m.linkTable, "field \(field.name)")
                try require(m2m.label, in: m2m.otherTable, "field \(field.name)")
            case .foreignKey(let other, let label):
                try require(field.column, in: model.table, "field \(field.name)")
                try require(label, in: other, "field \(field.name)")
            default:
                try require(field.column, in: model.table, "field \(field.name)")
            }
        }
        for column in model.touch + model.addDefaults { try require(column, in: model.table, "a date column") }
        prepares("SELECT \(literal: model.titleSQL) FROM \(literal: table) ORDER BY \(literal: model.defaultOrder)", "the title or default order")
        for column in model.columns { prepares("SELECT \(literal: column.sql) FROM \(literal: table)", "column \(column.name)") }
        for filter in model.filters {
            switch filter {
            case .choice(_, _, let sql, _), .boolean(_, _, let sql), .dateRange(_, _, let sql):
                prepares("SELECT \(literal: sql) FROM \(literal: table)", "filter \(filter.name)")
            }
        }
        for expression in model.search { prepares("SELECT \(literal: expression) FROM \(literal: table)", "a search expression") }
        if let scope = model.scope { prepares("SELECT 1 FROM \(literal: table) WHERE \(literal: scope)", "the scope") }
        for inline in model.inlines {
            try require(inline.foreignKey, in: inline.table, "inline \(inline.title)")
            for field in inline.fields { try require(field.column, in: inline.table, "inline \(inline.title) field \(field.name)") }
            let inlineTable: SQL = "\(identifier: inline.table) t"
            for column in inline.columns { prepares("SELECT \(literal: column.sql) FROM \(literal: inlineTable)", "inline \(inline.title) column \(column.name)") }
            prepares("SELECT 1 FROM \(literal: inlineTable) ORDER BY \(literal: inline.order)", "inline \(inline.title) order")
        }
        return problems
    }
}
