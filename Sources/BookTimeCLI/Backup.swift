import ArgumentParser
import BookTime
import Foundation

/// `booktime backup OUT.db`: a consistent copy, safe while the shop is serving.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the database, even while the shop is running.")

    @Argument(help: "The file to write; it must not exist yet.")
    var output: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let path = try database.resolvedPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(message: "There is no database at \(path).")
        }
        try await explained {
            let db = try AppDatabase.open(path: path)
            defer { try? db.close() }
            try db.backup(to: output)
            print("Backed up \(path) to \(output).")
        }
    }
}
