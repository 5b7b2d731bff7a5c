import Foundation
import GRDB

/// What a role may do with a model on a site (Django's view, add, change and delete permissions).
enum AdminPermission: String, Sendable, CaseIterable {
    case view, add, change, delete
}

/// One value of a choice field, as stored and as shown.
struct AdminChoice: Sendable, Equatable {
    let value: String
    let label: String
}

/// How a field is parsed from a form, stored and shown.
enum AdminFieldKind: Sendable {
    /// Single-line text, trimmed.
    case text(maxLength: Int, required: Bool = true)
    /// A unique slug; left empty, it is made from the field `from` (Django's `prepopulated_fields`).
    case slug(from: String)
    case multiline
    case integer(ClosedRange<Int>)
    /// An integer that may be left empty (stock: empty = not counted).
    case optionalInteger(ClosedRange<Int>)
    /// Minor units, typed as `12.50`.
    case money
    case boolean
    /// Stored as text.
    case choice([AdminChoice])
    /// Stored as an integer (statuses).
    case integerChoice([AdminChoice])
    /// The id of a row of `table`, named by its column `label`.
    case foreignKey(table: String, label: String)
    /// Read-only everywhere: a date and time, shown in UTC.
    case dateTime
    /// Rows of another table linked through a link table (a product's tags, a user's groups).
    case manyToMany(AdminManyToMany)
    /// An email address, normalised as sign-up does.
    /// ISBN-10 or -13, checked and kept as digits; empty allowed.
    case isbn
    case email
    /// A new password: never shown, never trimmed; only a model's `create` reads it.
    case password
}

/// Adds a record that the generic insert cannot make (a user: the password is hashed first).
/// Gets the posted add-form values by field name and does the slow checks outside any
/// transaction, throwing `AdminSaveError` for the form; returns the write, which the store runs in
/// one transaction with the audit entry and which returns the new id.
typealias AdminCreate = @Sendable (_ db: AppDatabase, _ values: [String: String]) async throws -> AdminInsert
typealias AdminInsert = @Sendable (_ db: Database) throws -> Int64

/// A many-to-many field: `linkTable(ownKey, otherKey)` pointing at `otherTable`, named by its
/// column `label`.
struct AdminManyToMany: Sendable {
    let linkTable: String
    let ownKey: String
    let otherKey: String
    let otherTable: String
    let label: String
    /// Makes (or finds) the other record by name, so the form can link one that does not
    /// exist yet (`<field>__new`, names separated by commas); nil: choose existing ones only.
    var create: (@Sendable (Database, String) throws -> Int64)? = nil

    /// The input that names new records to create and link.
    static func newInputName(_ field: String) -> String { field + "__new" }
}

/// Writes a field somewhere other than a plain column: statuses go through `OrderWorkflow`.
typealias AdminFieldWriter = @Sendable (_ db: Database, _ id: Int64, _ value: DatabaseValue, _ write: AdminWrite) throws -> Void

/// Who is writing, and what a write that tells customers needs (order status emails).
struct AdminWrite: Sendable {
    let userID: Int64
    let orderEmail: OrderEmailSettings?
}

/// One editable or displayed field of a model (Django's model field as the admin sees it).
struct AdminField: Sendable {
    /// The form field's name (Django's field name, e.g. `in_stock`).
    let name: String
    /// The column it is stored in (`inStock`).
    let column: String
    let label: String
    let kind: AdminFieldKind
    var help: String? = nil
    var writer: AdminFieldWriter? = nil
}

/// A warning about a saved record and the form field that fixes it.
/// One fact shown above a change form ("Customer: Anne Elliot <anne@…>", "Total: £23.50"),
/// optionally linking to another record's change page on the same site.
struct AdminSummaryItem: Sendable, Equatable {
    let label: String
    let text: String
    var link: (model: String, id: Int64)? = nil

    static func == (a: Self, b: Self) -> Bool {
        a.label == b.label && a.text == b.text && a.link?.model == b.link?.model && a.link?.id == b.link?.id
    }
}

struct AdminWarning: Sendable, Equatable {
    let text: String
    let field: String
}

/// A group of fields on the change form (Django's fieldsets).
struct AdminFieldset: Sendable {
    let title: String?
    let fields: [String]
    /// Lines that stand for the saved fields (an address as it is posted): the page shows them
    /// with an "Edit" button that opens the fields (with JavaScript; without it, both show).
    var summary: (@Sendable (Database, Int64) throws -> [String])? = nil
}

/// How a list cell is shown.
enum AdminFormat: Sendable {
    case text
    case money
    case boolean
    case choice([AdminChoice])
    case dateTime
    /// An image hash shown as a thumbnail.
    case thumbnail
}

/// A list column (Django's `list_display`): an SQL expression over the model's table, aliased `t`.
/// Values in it are interpolated as bound arguments (GRDB's `SQL`), never pasted into the text.
struct AdminColumn: Sendable {
    let name: String
    let label: String
    let sql: SQL
    var format: AdminFormat = .text
    var sortable = true
}

/// A list filter (Django's `list_filter`).
enum AdminFilter: Sendable {
    case choice(name: String, label: String, sql: SQL, choices: [AdminChoice])
    case boolean(name: String, label: String, sql: SQL)
    /// From and to dates (inclusive), compared on the UTC day.
    case dateRange(name: String, label: String, sql: SQL)

    var name: String {
        switch self {
        case .choice(let name, _, _, _), .boolean(let name, _, _), .dateRange(let name, _, _): name
        }
    }
}

/// A bulk action on selected rows (Django's admin actions); returns how many rows changed.
struct AdminAction: Sendable {
    let name: String
    let label: String
    let run: @Sendable (_ db: Database, _ ids: [Int64], _ write: AdminWrite) throws -> Int
}

/// A change page's section that adds and removes a record's child rows through the domain's
/// own rules rather than as plain rows (an unpaid order's books: stock, today's price, delivery).
/// Each closure runs in the write transaction that also writes the audit entry; what it returns
/// is said to the user and logged. A refusal is thrown as `Refusal`.
struct AdminLineEditor: Sendable {
    struct Line: Sendable {
        let id: Int64
        let text: String
    }

    struct Refusal: Error {
        let message: String
    }

    /// What the rules need from the shop: its settings now, how it writes money, and how it
    /// tells the customer (nil tells no one).
    struct Shop: Sendable {
        let settings: ShopSettings.Values
        let currency: Currency
        var orderEmail: OrderEmailSettings? = nil
    }

    let title: String
    let help: String
    /// The most copies one add may ask for.
    let maxQuantity: Int
    /// The rows that may be removed now, or nil when the record cannot be changed this way.
    let lines: @Sendable (_ db: Database, _ id: Int64, _ shop: Shop) throws -> [Line]?
    let add: @Sendable (_ db: Database, _ id: Int64, _ query: String, _ quantity: Int, _ shop: Shop) throws -> String
    let remove: @Sendable (_ db: Database, _ id: Int64, _ lineID: Int64, _ shop: Shop) throws -> String
}

/// Rows of a child table edited on the parent's page (Django's `TabularInline`).
struct AdminInline: Sendable {
    let title: String
    let table: String
    let foreignKey: String
    /// Read-only columns, SQL over the child table aliased `t`.
    let columns: [AdminColumn]
    /// Fields editable per row, named `<inline>-<row id>-<field>` in the form.
    let fields: [AdminField]
    let order: SQL
    /// Fields read-only for everyone but owners (and for everyone on some sites).
    var readOnly: Set<String> = []
}

/// The declarative description of one model on one site: the Swift counterpart of a `ModelAdmin`.
/// The engine (`AdminStore`, `AdminController`) renders and saves every model from this alone;
/// what deleting a row takes with it comes from the schema's foreign keys (`AdminSchema`), and
/// `AdminSchema.problems` checks the declaration against the schema at start.
struct AdminModel: Sendable {
    /// URL segment and audit name: `product`.
    let name: String
    let label: String
    let plural: String
    let table: String
    /// How one row is named in headings, messages and the audit log: SQL over `t`.
    let titleSQL: SQL
    var columns: [AdminColumn]
    var filters: [AdminFilter] = []
    /// SQL expressions searched with `LIKE` (joins as subqueries: Django's `product__name`).
    var search: [SQL] = []
    var defaultOrder: SQL = "t.id DESC"
    /// Rows this site may see at all (dispatchers: paid orders only).
    var scope: SQL? = nil
    var fields: [AdminField] = []
    var fieldsets: [AdminFieldset] = []
    /// Fields nobody on this site may change.
    var readOnly: Set<String> = []
    /// Fields only owners may change (names and slugs).
    var ownerOnly: Set<String> = []
    /// Fields editable straight from the list (Django's `list_editable`).
    var listEditable: [String] = []
    var inlines: [AdminInline] = []
    var actions: [AdminAction] = []
    var permissions: Set<AdminPermission> = [.view]
    /// Columns set to the current time on every save (`dateUpdated`).
    var touch: [String] = []
    /// Columns set once, when a row is added (`createdAt`, `dateJoined`).
    var addDefaults: [String] = []
    /// The change page takes image uploads for this record (products).
    var acceptsImages = false
    /// Said above the list, for a condition of this installation (mail not being sent).
    var listNotice: String? = nil
    /// Facts about the record shown above its change form (an order's customer and totals).
    var summary: (@Sendable (Database, Int64, Currency) throws -> [AdminSummaryItem])? = nil
    /// What is wrong with a saved record that the form still accepts (a product nobody can buy),
    /// said after a save and on its change page, with the field that fixes it.
    var warning: (@Sendable (Database, Int64) throws -> AdminWarning?)? = nil
    /// Adding and removing child rows by the domain's rules (orders' books), below the form.
    var lineEditor: AdminLineEditor? = nil
    /// The add form's own fields and how a record is made from them (Django's `add_fieldsets`).
    var addFields: [AdminField] = []
    var create: AdminCreate? = nil

    func field(_ name: String) -> AdminField? { fields.first { $0.name == name } }

    /// "1 product", "3 products".
    func counted(_ count: Int) -> String {
        BookTime.counted(count, label.lowercased(), plural: plural.lowercased())
    }

    func can(_ permission: AdminPermission) -> Bool { permissions.contains(permission) }

    /// The fields this user may not change on this site. Owner-only fields (names, slugs) can
    /// still be filled in when adding: a new product needs a name.
    func readOnlyFields(isOwner: Bool, adding: Bool = false) -> Set<String> {
        var fixed = readOnly
        if !isOwner && !adding { fixed.formUnion(ownerOnly) }
        for field in fields {
            if case .dateTime = field.kind { fixed.insert(field.name) }
        }
        if !can(adding ? .add : .change) { fixed.formUnion(fields.map(\.name)) }
        return fixed
    }

    /// The fields on the form, in fieldset order.
    var formFieldNames: [String] {
        fieldsets.isEmpty ? fields.map(\.name) : fieldsets.flatMap(\.fields)
    }
}
