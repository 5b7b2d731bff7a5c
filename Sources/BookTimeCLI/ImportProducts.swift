import ArgumentParser
import BookTime
import Foundation

/// `booktime import-products FILE.csv [--images DIR]`: the book's `import_data`.
struct ImportProducts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-products",
        abstract: "Import products from a CSV file: name,description,tags,image_filename,price (tags split by |).",
        discussion: "An optional author column is read too. Re-importing updates products with the same name. Bad rows are reported and skipped."
    )

    @Argument(help: "The CSV file, UTF-8, with a header row.")
    var file: String

    @Option(name: .long, help: "The directory holding the images named in image_filename (default: the CSV's directory).")
    var images: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let csv = URL(fileURLWithPath: file)
        let imagesDirectory = URL(fileURLWithPath: images ?? csv.deletingLastPathComponent().path)
        if let images {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: images, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIError(message: "The images directory \(images) does not exist.")
            }
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw CLIError(message: "Cannot read \(file).")
        }
        let path = try database.resolvedPath()
        try await explained {
            let db = try AppDatabase.open(path: path)
            defer { try? db.close() }
            try db.migrate()
            do {
                let report = try await ProductImport(db: db, imagesDirectory: imagesDirectory).run(file: csv)
                for line in report.lines { print(line) }
            } catch let error as ProductImport.FileError {
                throw CLIError(message: error.description)
            }
        }
    }
}
