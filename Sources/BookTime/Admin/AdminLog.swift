import Foundation
import GRDB

/// The back office's audit log: every create, change, delete and bulk action, who did it, when,
/// and each changed field's old and new value. Written in the transaction of the change itself.
struct AdminLogEntry: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "adminLogEntry"

    struct Change: Codable, Sendable, Equatable {
        let field: String
        let old: String
        let new: String
    }

    var id: Int64?
    var userId: Int64?
    var userEmail: String
    var at: Date
    var site: String
    var model: String
    var objectId: Int64?
    var objectTitle: String
    var action: AdminLogAction
    /// JSON array of `Change`.
    var changes: String

    mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    var decodedChanges: [Change] {
        (try? JSONDecoder().decode([Change].self, from: Data(changes.utf8))) ?? []
    }
}

/// What an audit entry records. Stored as text (`add`, `change`, `delete`, `action:<name>`), the
/// form the log has had since migration 0012.
enum AdminLogAction: Sendable, Equatable, Codable, DatabaseValueConvertible {
    case add
    case change
    case delete
    /// A bulk action from a list, by its name (`make_inactive`, `retry`, `mark_all_sent`).
    case bulk(String)

    static let bulkPrefix = "action:"

    var text: String {
        switch self {
        case .add: "add"
        case .change: "change"
        case .delete: "delete"
        case .bulk(let name): Self.bulkPrefix + name
        }
    }

    init(text: String) {
        switch text {
        case "add": self = .add
        case "change": self = .change
        case "delete": self = .delete
        default: self = .bulk(text.hasPrefix(Self.bulkPrefix) ? String(text.dropFirst(Self.bulkPrefix.count)) : text)
        }
    }

    init(from decoder: any Decoder) throws {
        self.init(text: try decoder.singleValueContainer().decode(String.self))
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    var databaseValue: DatabaseValue { text.databaseValue }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> AdminLogAction? {
        String.fromDatabaseValue(dbValue).map(AdminLogAction.init(text:))
    }
}

enum AdminLog {
    static func createTable(_ db: Database) throws {
        try db.create(table: "adminLogEntry") { t in
            t.autoIncrementedPrimaryKey("id")
            t.belongsTo("user", onDelete: .setNull)
            // Kept when the user is deleted: the log still says who it was.
            t.column("userEmail", .text).notNull()
            t.column("at", .datetime).notNull()
            t.column("site", .text).notNull()
            t.column("model", .text).notNull()
            t.column("objectId", .integer)
            t.column("objectTitle", .text).notNull()
            t.column("action", .text).notNull()
            t.column("changes", .text).notNull().defaults(to: "[]")
        }
        try db.create(index: "adminLogEntry_on_at", on: "adminLogEntry", columns: ["at"])
    }

    static func record(
        _ db: Database, user: AdminActor, site: AdminSite, model: AdminModel, objectID: Int64?, title: String, action: AdminLogAction,
        changes: [AdminLogEntry.Change] = []
    ) throws {
        let json = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
        var entry = AdminLogEntry(
            userId: user.id, userEmail: user.email, at: .now, site: site.kind.rawValue, model: model.name, objectId: objectID,
            objectTitle: title, action: action, changes: json
        )
        try entry.insert(db)
    }
}

/// Who is acting in the back office, and whether owner-only rules apply.
struct AdminActor: Sendable {
    let id: Int64
    let email: String
    let isOwner: Bool

    init(_ user: CurrentUser) {
        id = user.id
        email = user.email
        isOwner = user.has(.owner)
    }

    init(id: Int64, email: String, isOwner: Bool) {
        self.id = id
        self.email = email
        self.isOwner = isOwner
    }
}
