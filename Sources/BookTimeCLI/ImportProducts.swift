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

    @Flag(name: .long, help: "Print a progress line per batch even when not on a terminal (rows, total, seconds), for scripts and benchmarks.")
    var progress = false

    @Option(name: .long, help: "Rows written per transaction (default 1000): larger imports faster, holding the shop's writes a little longer.")
    var batchSize: Int = 1_000

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard (1...100_000).contains(batchSize) else { throw ValidationError("--batch-size must be between 1 and 100000, not \(batchSize).") }
    }

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
                let report = try await ProductImport(db: db, imagesDirectory: imagesDirectory, batchSize: batchSize, progress: progress ? ImportProgressLine.lines() : ImportProgressLine.forTerminal())
                    .run(file: csv)
                for line in report.lines { print(line) }
            } catch let error as ProductImport.FileError {
                throw CLIError(message: error.description)
            }
        }
    }
}

/// "12,000 of 100,000 rows · 15,300 rows/s · about 6 s left", rewritten in place on a terminal
/// (standard error, so the report on standard output stays clean); nothing when not a terminal.
enum ImportProgressLine {
    static func forTerminal() -> (@Sendable (ProductImport.Progress) -> Void)? {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
        return { progress in
            FileHandle.standardError.write(Data(("\r" + text(progress) + (progress.rowsDone == progress.rowsTotal ? "\n" : "")).utf8))
        }
    }

    /// One line per batch on standard error: `progress rows=2000 total=100000 seconds=0.183`.
    static func lines() -> @Sendable (ProductImport.Progress) -> Void {
        { progress in
            FileHandle.standardError.write(
                Data("progress rows=\(progress.rowsDone) total=\(progress.rowsTotal) seconds=\(String(format: "%.3f", seconds(progress.elapsed)))\n".utf8)
            )
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func text(_ progress: ProductImport.Progress) -> String {
        let seconds = seconds(progress.elapsed)
        let rate = seconds > 0 ? Double(progress.rowsDone) / seconds : 0
        let left = rate > 0 ? Int((Double(progress.rowsTotal - progress.rowsDone) / rate).rounded(.up)) : 0
        let formatted = { (value: Int) in value.formatted(.number.grouping(.automatic)) }
        return "\(formatted(progress.rowsDone)) of \(formatted(progress.rowsTotal)) rows · \(formatted(Int(rate))) rows/s · about \(left) s left   "
    }
}
