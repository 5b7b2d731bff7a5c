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
        let db = try database.openExisting()
        defer { try? db.close() }
        try await explained { try db.backup(to: output) }
        print("Backed up \(db.path) to \(output).")
    }
}
