import Foundation
import GRDB
import Logging

/// The book's `import_data` command: `name,description,tags,image_filename,price`, tags split by `|`
/// (plus optional `author`, `isbn`, `format` and `pages` columns). Re-importing updates products by
/// name and changes only what the file says: a missing optional column or an empty author,
/// description, tags, image, ISBN, format or pages cell leaves that field as it is. Bad rows are reported with their line number and skipped.
///
/// Rows are written in batches (one transaction each, `batchSize` rows), every row in a savepoint
/// of its own, so a row that fails leaves nothing behind and a crash never leaves a half-written
/// product. Lookups walk indexes (product and tag names, 0016) or an in-memory catalogue of slugs
/// and tag ids loaded once, so the time per row does not grow with the shop.
public struct ProductImport {
    public static let requiredColumns = ["name", "description", "tags", "image_filename", "price"]

    public struct Report: Sendable, Equatable {
        public var created = 0
        public var updated = 0
        public var unchanged = 0
        public var skipped = 0
        public var tagsProcessed = 0
        public var tagsCreated = 0
        public var imagesProcessed = 0
        public var problems: [String] = []
        /// One line per updated row: "line 3: Siddhartha: price 6.00 → 7.50", or the fields' names.
        public var changes: [String] = []

        /// At most this many changed rows are listed; the totals count them all.
        static let listedChanges = 200

        public var lines: [String] {
            var listed = changes.prefix(Self.listedChanges).map { $0 }
            if changes.count > Self.listedChanges { listed.append("… and \(changes.count - Self.listedChanges) more updated rows") }
            return ["Importing products"] + problems + listed + [
                "Products processed=\(created + updated + unchanged) (created=\(created), updated=\(updated), unchanged=\(unchanged), skipped=\(skipped))",
                "Tags processed=\(tagsProcessed) (created=\(tagsCreated))",
                "Images processed=\(imagesProcessed)",
            ]
        }
    }

    /// How far an import has come, after each batch.
    public struct Progress: Sendable {
        public let rowsDone: Int
        public let rowsTotal: Int
        public let elapsed: Duration
    }

    /// The file as a whole cannot be imported (exit code 2).
    public struct FileError: Error, CustomStringConvertible {
        public let description: String
    }

    let db: AppDatabase
    let imagesDirectory: URL?
    let batchSize: Int
    let logger: Logger
    let progress: (@Sendable (Progress) -> Void)?

    public init(
        db: AppDatabase, imagesDirectory: URL?, batchSize: Int = 1_000, logger: Logger = Logger(label: "booktime.import"),
        progress: (@Sendable (Progress) -> Void)? = nil
    ) {
        self.db = db
        self.imagesDirectory = imagesDirectory
        self.batchSize = max(1, batchSize)
        self.logger = logger
        self.progress = progress
    }

    /// Reads and imports a CSV file.
    public func run(file: URL) async throws -> Report {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw FileError(description: "Cannot read \(file.path): \((error as NSError).localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw FileError(description: "\(file.path) is not UTF-8 text.")
        }
        return try await run(csv: text)
    }

    public func run(csv text: String) async throws -> Report {
        let records: [CSVReader.Record]
        do {
            records = try CSVReader.parse(text)
        } catch let error as CSVReader.ParseError {
            throw FileError(description: "The CSV cannot be read: \(error)")
        }
        guard let header = records.first else { throw FileError(description: "The CSV is empty.") }
        let columns = header.fields.map { $0.trimmedForImport.lowercased() }
        let missing = Self.requiredColumns.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw FileError(
                description: "The header must name the columns \(Self.requiredColumns.joined(separator: ",")); missing: \(missing.joined(separator: ", "))."
            )
        }
        let catalogue = try await db.reader.read { db in try ImportCatalogue(db) }
        let clock = ContinuousClock()
        let start = clock.now
        var report = Report()
        let rows = records.dropFirst()
        var done = 0
        var batchStart = rows.startIndex
        while batchStart < rows.endIndex {
            let batchEnd = rows.index(batchStart, offsetBy: batchSize, limitedBy: rows.endIndex) ?? rows.endIndex
            var prepared: [PreparedRow] = []
            for record in rows[batchStart..<batchEnd] {
                var row: [String: String] = [:]
                for (index, name) in columns.enumerated() where index < record.fields.count { row[name] = record.fields[index] }
                do {
                    let parsed = try parse(row, columnCount: columns.count, fieldCount: record.fields.count)
                    let image = try await loadImage(named: parsed.imageFilename)
                    prepared.append(PreparedRow(line: record.line, input: parsed.input, image: image))
                } catch let problem as RowProblem {
                    prepared.append(PreparedRow(line: record.line, problem: problem.message))
                }
            }
            let batch = prepared
            let outcomes = try await db.dbWriter.write { db in
                // Search rows are written here, once per product, and the catalogue version moves
                // once per batch (see `letBulkWritersIndexSearch` and `letBulkWritersBumpVersionOnce`);
                // the flag is gone again before this transaction commits.
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, '1')", arguments: [CatalogSchema.searchIndexedByWriter])
                let outcomes = try batch.map { row in try Self.write(row, db, catalogue: catalogue) }
                try db.execute(sql: "UPDATE catalogVersion SET version = version + 1 WHERE id = 1")
                try db.execute(sql: "DELETE FROM setting WHERE key = ?", arguments: [CatalogSchema.searchIndexedByWriter])
                return outcomes
            }
            for outcome in outcomes { report.add(outcome) }
            done += batchEnd - batchStart
            batchStart = batchEnd
            progress?(Progress(rowsDone: done, rowsTotal: rows.count, elapsed: clock.now - start))
        }
        return report
    }

    struct RowProblem: Error {
        let message: String
    }

    /// A row checked and ready to write, or the reason it is skipped.
    struct PreparedRow: Sendable {
        let line: Int
        var input: ProductInput? = nil
        var image: ProcessedImage? = nil
        var problem: String? = nil
    }

    enum Outcome: Sendable {
        case created(tags: Int, tagsCreated: Int, image: Bool)
        case updated(line: Int, name: String, changes: [String], tags: Int, tagsCreated: Int, image: Bool)
        case skipped(line: Int, problem: String)
    }

    func parse(_ row: [String: String], columnCount: Int, fieldCount: Int) throws -> (input: ProductInput, imageFilename: String) {
        guard fieldCount == columnCount else {
            throw RowProblem(message: "it has \(fieldCount) fields; the header has \(columnCount)")
        }
        let name = (row["name"] ?? "").trimmedForImport
        guard !name.isEmpty else { throw RowProblem(message: "the name is missing") }
        guard name.count <= Product.nameMaxLength else {
            throw RowProblem(message: "the name has \(name.count) characters; at most \(Product.nameMaxLength) are allowed")
        }
        let priceText = (row["price"] ?? "").trimmedForImport
        guard let price = Currency.parseMinorUnits(priceText) else {
            throw RowProblem(message: "the price \(priceText.debugDescription) is not an amount like 12.50")
        }
        let tags = (row["tags"] ?? "").split(separator: "|").map { String($0).trimmedForImport }.filter { !$0.isEmpty }
        if let long = tags.first(where: { $0.count > ProductTag.nameMaxLength }) {
            throw RowProblem(message: "the tag \(long.debugDescription) is longer than \(ProductTag.nameMaxLength) characters")
        }
        let author = (row["author"] ?? "").trimmedForImport
        guard author.count <= 200 else { throw RowProblem(message: "the author is longer than 200 characters") }
        let description = (row["description"] ?? "").trimmedForImport
        guard description.count <= 20_000 else { throw RowProblem(message: "the description is longer than 20,000 characters") }
        var details = BookDetails()
        let isbnText = (row["isbn"] ?? "").trimmedForImport
        if !isbnText.isEmpty {
            guard let isbn = ISBN.normalized(isbnText) else { throw RowProblem(message: "the ISBN \(isbnText.debugDescription) is not valid") }
            details.isbn = isbn
        }
        details.format = (row["format"] ?? "").trimmedForImport
        guard details.format.count <= BookDetails.formatMaxLength else {
            throw RowProblem(message: "the format is longer than \(BookDetails.formatMaxLength) characters")
        }
        let pagesText = (row["pages"] ?? "").trimmedForImport
        if !pagesText.isEmpty {
            guard let pages = Int(pagesText), BookDetails.pageCountRange.contains(pages) else {
                throw RowProblem(message: "the page count \(pagesText.debugDescription) is not a number from 1 to \(BookDetails.pageCountRange.upperBound)")
            }
            details.pageCount = pages
        }
        var seen = Set<String>()
        let uniqueTags = tags.filter { seen.insert(ImportCatalogue.key($0)).inserted }
        return (
            ProductInput(name: name, author: author, description: description, price: price, tags: uniqueTags, details: details),
            (row["image_filename"] ?? "").trimmedForImport
        )
    }

    /// The row's image, checked and thumbnailed before anything is written.
    func loadImage(named filename: String) async throws -> ProcessedImage? {
        guard !filename.isEmpty else { return nil }
        guard !filename.contains("/"), !filename.contains("\\"), filename != "..", let directory = imagesDirectory else {
            throw RowProblem(message: imagesDirectory == nil ? "the image \(filename) needs --images DIR" : "the image name \(filename) is not a plain file name")
        }
        let url = directory.appendingPathComponent(filename)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RowProblem(message: "the image file \(url.path) is missing or unreadable")
        }
        do {
            return try await ImageProcessing.processOffLoop(data)
        } catch let error as ImageError {
            throw RowProblem(message: "the image \(filename) was refused: \(error)")
        }
    }

    /// One row inside the batch's transaction, in a savepoint: all of it is written, or none.
    static func write(_ row: PreparedRow, _ db: Database, catalogue: ImportCatalogue) throws -> Outcome {
        guard let input = row.input else { return .skipped(line: row.line, problem: row.problem ?? "") }
        var outcome: Outcome = .skipped(line: row.line, problem: "")
        catalogue.beginRow()
        do {
            try db.inSavepoint {
                outcome = try upsert(input, image: row.image, line: row.line, db, catalogue: catalogue)
                return .commit
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            // Rolled back to the savepoint: the row left nothing, and the catalogue forgets it too.
            catalogue.rollBackRow()
            return .skipped(line: row.line, problem: "the database refused it: \(error.message ?? "a constraint failed")")
        }
        return outcome
    }

    static func upsert(_ input: ProductInput, image: ProcessedImage?, line: Int, _ db: Database, catalogue: ImportCatalogue) throws -> Outcome {
        let now = DatabaseDate(.now)
        // `name` is NOCASE: the import matches names in any case, through product_on_name.
        let existing = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, name, author, description, price, isbn, format, pageCount FROM product WHERE name = ?"), arguments: [input.name]
        )
        let (tagIDs, tagsCreated) = try catalogue.tagIDs(for: input.tags, db)
        guard let existing else {
            let slug = catalogue.newProductSlug(for: input.name)
            try db.cachedStatement(
                sql: """
                    INSERT INTO product (name, slug, author, description, price, active, inStock, dateUpdated, isbn, format, pageCount)
                    VALUES (?, ?, ?, ?, ?, 1, 1, ?, ?, ?, ?)
                    """
            ).execute(arguments: [input.name, slug, input.author, input.description, input.price, now, input.details.isbn, input.details.format, input.details.pageCount])
            let id = db.lastInsertedRowID
            let link = try db.cachedStatement(sql: "INSERT INTO productTagLink (productId, productTagId) VALUES (?, ?)")
            for tagID in tagIDs { try link.execute(arguments: [id, tagID]) }
            try db.cachedStatement(sql: "INSERT INTO productSearch (rowid, name, author, description, tags) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [id, input.name, input.author, input.description, input.tags.joined(separator: " ")])
            let attached = try image.map { try CatalogStore.attach($0, to: id, db) != nil } ?? false
            return .created(tags: input.tags.count, tagsCreated: tagsCreated, image: attached)
        }
        let id: Int64 = existing["id"]
        var changes: [String] = []
        var assignments: [String] = []
        var arguments = StatementArguments()
        let oldPrice: Int = existing["price"]
        if oldPrice != input.price {
            changes.append("price \(Currency.plain(oldPrice)) → \(Currency.plain(input.price))")
            assignments.append("price = ?")
            arguments += [input.price]
        }
        if !input.author.isEmpty, input.author != (existing["author"] as String) {
            changes.append("author")
            assignments.append("author = ?")
            arguments += [input.author]
        }
        if !input.description.isEmpty, input.description != (existing["description"] as String) {
            changes.append("description")
            assignments.append("description = ?")
            arguments += [input.description]
        }
        for (label, column, value) in [
            ("ISBN", "isbn", input.details.isbn.isEmpty ? nil : input.details.isbn.databaseValue),
            ("format", "format", input.details.format.isEmpty ? nil : input.details.format.databaseValue),
            ("pages", "pageCount", input.details.pageCount?.databaseValue),
        ] {
            guard let value, value != (existing[column] as DatabaseValue) else { continue }
            changes.append(label)
            assignments.append("\(column) = ?")
            arguments += [value]
        }
        if !assignments.isEmpty {
            try db.execute(sql: "UPDATE product SET \(assignments.joined(separator: ", ")), dateUpdated = ? WHERE id = ?", arguments: arguments + [now, id])
        }
        if !input.tags.isEmpty {
            let current = try Int64.fetchSet(db.cachedStatement(sql: "SELECT productTagId FROM productTagLink WHERE productId = ?"), arguments: [id])
            let wanted = Set(tagIDs)
            if current != wanted {
                changes.append("tags")
                let unlink = try db.cachedStatement(sql: "DELETE FROM productTagLink WHERE productId = ? AND productTagId = ?")
                for tagID in current.subtracting(wanted) { try unlink.execute(arguments: [id, tagID]) }
                let link = try db.cachedStatement(sql: "INSERT INTO productTagLink (productId, productTagId) VALUES (?, ?)")
                for tagID in tagIDs where !current.contains(tagID) { try link.execute(arguments: [id, tagID]) }
                try db.cachedStatement(sql: "UPDATE productSearch SET tags = ? WHERE rowid = ?")
                    .execute(arguments: [input.tags.joined(separator: " "), id])
            }
        }
        let attached = try image.map { try CatalogStore.attach($0, to: id, db) != nil } ?? false
        if attached { changes.append("image added") }
        return .updated(line: line, name: existing["name"], changes: changes, tags: input.tags.count, tagsCreated: tagsCreated, image: attached)
    }
}

extension ProductImport.Report {
    mutating func add(_ outcome: ProductImport.Outcome) {
        switch outcome {
        case .created(let tags, let tagsCreated, let image):
            created += 1
            tagsProcessed += tags
            self.tagsCreated += tagsCreated
            if image { imagesProcessed += 1 }
        case .updated(let line, let name, let fieldChanges, let tags, let tagsCreated, let image):
            if fieldChanges.isEmpty {
                unchanged += 1
            } else {
                updated += 1
                changes.append("line \(line): \(name): \(fieldChanges.joined(separator: ", "))")
            }
            tagsProcessed += tags
            self.tagsCreated += tagsCreated
            if image { imagesProcessed += 1 }
        case .skipped(let line, let problem):
            skipped += 1
            problems.append("line \(line): skipped: \(problem)")
        }
    }
}

/// What an import looks up on every row, loaded once: tag ids by name (as SQLite's NOCASE folds
/// it) and the slugs taken. Used only inside the writer's transactions, one batch after another,
/// never concurrently: hence `@unchecked Sendable`.
final class ImportCatalogue: @unchecked Sendable {
    private(set) var tags: [String: Int64]
    private(set) var tagSlugs: Set<String>
    private(set) var productSlugs: Set<String>

    init(_ db: Database) throws {
        var tags: [String: Int64] = [:]
        var tagSlugs: Set<String> = ["all"]  // "all" is taken by /products/all/
        for row in try Row.fetchAll(db, sql: "SELECT id, name, slug FROM productTag ORDER BY id") {
            let key = Self.key(row["name"])
            if tags[key] == nil { tags[key] = row["id"] }
            tagSlugs.insert(row["slug"])
        }
        self.tags = tags
        self.tagSlugs = tagSlugs
        self.productSlugs = try String.fetchSet(db, sql: "SELECT slug FROM product")
    }

    /// SQLite's NOCASE: ASCII letters folded, nothing else.
    static func key(_ name: String) -> String {
        String(decoding: name.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The ids of these tags, creating the missing ones; and how many were created.
    func tagIDs(for names: [String], _ db: Database) throws -> ([Int64], Int) {
        var ids: [Int64] = []
        var created = 0
        for name in names {
            let key = Self.key(name)
            if let id = tags[key] {
                ids.append(id)
                continue
            }
            let slug = Slug.unique(Slug.make(name)) { tagSlugs.contains($0) }
            try db.cachedStatement(sql: "INSERT INTO productTag (name, slug) VALUES (?, ?)").execute(arguments: [name, slug])
            let id = db.lastInsertedRowID
            tags[key] = id
            tagSlugs.insert(slug)
            rowTags.append(key)
            rowTagSlugs.append(slug)
            ids.append(id)
            created += 1
        }
        return (ids, created)
    }

    func newProductSlug(for name: String) -> String {
        let slug = Slug.unique(Slug.make(name)) { productSlugs.contains($0) }
        productSlugs.insert(slug)
        rowProductSlugs.append(slug)
        return slug
    }

    /// What the current row added, taken back if its savepoint is rolled back.
    private var rowTags: [String] = []
    private var rowTagSlugs: [String] = []
    private var rowProductSlugs: [String] = []

    func beginRow() {
        rowTags.removeAll(keepingCapacity: true)
        rowTagSlugs.removeAll(keepingCapacity: true)
        rowProductSlugs.removeAll(keepingCapacity: true)
    }

    func rollBackRow() {
        for key in rowTags { tags[key] = nil }
        for slug in rowTagSlugs { tagSlugs.remove(slug) }
        for slug in rowProductSlugs { productSlugs.remove(slug) }
        beginRow()
    }
}

extension String {
    /// Trimmed of white space and newlines; a cell with none at its ends (nearly every one) is
    /// returned as it is, without Foundation's slower scan.
    var trimmedForImport: String {
        guard let first, let last, first.isWhitespace || last.isWhitespace else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
