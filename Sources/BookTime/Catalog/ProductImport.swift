import Foundation
import GRDB
import Logging

/// The book's `import_data` command: `name,description,tags,image_filename,price`, tags split by `|`
/// (plus an optional `author` column). Re-importing updates products by name; bad rows are reported
/// with their line number and skipped; each row is one transaction, so a crash never leaves a
/// half-written product.
public struct ProductImport {
    public static let requiredColumns = ["name", "description", "tags", "image_filename", "price"]

    public struct Report: Sendable, Equatable {
        public var created = 0
        public var updated = 0
        public var skipped = 0
        public var tagsProcessed = 0
        public var tagsCreated = 0
        public var imagesProcessed = 0
        public var problems: [String] = []

        public var lines: [String] {
            ["Importing products"] + problems + [
                "Products processed=\(created + updated) (created=\(created), updated=\(updated), skipped=\(skipped))",
                "Tags processed=\(tagsProcessed) (created=\(tagsCreated))",
                "Images processed=\(imagesProcessed)",
            ]
        }
    }

    /// The file as a whole cannot be imported (exit code 2).
    public struct FileError: Error, CustomStringConvertible {
        public let description: String
    }

    let db: AppDatabase
    let imagesDirectory: URL?
    let logger: Logger

    public init(db: AppDatabase, imagesDirectory: URL?, logger: Logger = Logger(label: "booktime.import")) {
        self.db = db
        self.imagesDirectory = imagesDirectory
        self.logger = logger
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
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = Self.requiredColumns.filter { !columns.contains($0) }
        guard missing.isEmpty else {
            throw FileError(
                description: "The header must name the columns \(Self.requiredColumns.joined(separator: ",")); missing: \(missing.joined(separator: ", "))."
            )
        }
        var report = Report()
        for record in records.dropFirst() {
            var row: [String: String] = [:]
            for (index, name) in columns.enumerated() where index < record.fields.count { row[name] = record.fields[index] }
            do {
                let parsed = try parse(row, columnCount: columns.count, fieldCount: record.fields.count)
                let image = try await loadImage(named: parsed.imageFilename)
                try await importRow(parsed.input, image: image, report: &report)
            } catch let problem as RowProblem {
                report.skipped += 1
                report.problems.append("line \(record.line): skipped: \(problem.message)")
            }
        }
        return report
    }

    struct RowProblem: Error {
        let message: String
    }

    func parse(_ row: [String: String], columnCount: Int, fieldCount: Int) throws -> (input: ProductInput, imageFilename: String) {
        guard fieldCount == columnCount else {
            throw RowProblem(message: "it has \(fieldCount) fields; the header has \(columnCount)")
        }
        let name = (row["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw RowProblem(message: "the name is missing") }
        guard name.count <= Product.nameMaxLength else {
            throw RowProblem(message: "the name has \(name.count) characters; at most \(Product.nameMaxLength) are allowed")
        }
        let priceText = (row["price"] ?? "").trimmingCharacters(in: .whitespaces)
        guard let price = Currency.parseMinorUnits(priceText) else {
            throw RowProblem(message: "the price \(priceText.debugDescription) is not an amount like 12.50")
        }
        let tags = (row["tags"] ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let long = tags.first(where: { $0.count > ProductTag.nameMaxLength }) {
            throw RowProblem(message: "the tag \(long.debugDescription) is longer than \(ProductTag.nameMaxLength) characters")
        }
        let author = (row["author"] ?? "").trimmingCharacters(in: .whitespaces)
        guard author.count <= 200 else { throw RowProblem(message: "the author is longer than 200 characters") }
        let description = (row["description"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard description.count <= 20_000 else { throw RowProblem(message: "the description is longer than 20,000 characters") }
        var seen = Set<String>()
        let uniqueTags = tags.filter { seen.insert($0.lowercased()).inserted }
        return (
            ProductInput(name: name, author: author, description: description, price: price, tags: uniqueTags),
            (row["image_filename"] ?? "").trimmingCharacters(in: .whitespaces)
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

    /// Product, tags and image in one transaction.
    func importRow(_ input: ProductInput, image: ProcessedImage?, report: inout Report) async throws {
        let outcome = try await db.dbWriter.write { db in
            let tagsBefore = try ProductTag.fetchCount(db)
            let (product, created) = try AppDatabase.upsertProduct(input, db)
            var attached = false
            if let image, let id = product.id {
                attached = try AppDatabase.attach(image, to: id, db) != nil
            }
            return (created, try ProductTag.fetchCount(db) - tagsBefore, attached)
        }
        if outcome.0 { report.created += 1 } else { report.updated += 1 }
        report.tagsProcessed += input.tags.count
        report.tagsCreated += outcome.1
        if image != nil { report.imagesProcessed += 1 }
        logger.debug("Imported \(input.name) (created: \(outcome.0), image attached: \(outcome.2))")
    }
}
