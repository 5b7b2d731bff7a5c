import ArgumentParser
import BookTime
import Foundation

/// `booktime restore IN.db`: a backup back in place of the database, the old one kept aside.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Put a backup in place of the database (the shop must be stopped); the current file is kept as <db>.before-restore."
    )

    @Argument(help: "The backup to restore (a file written by `booktime backup` or by scheduled backups).")
    var input: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let path = try database.resolvedPath()
        do {
            let report = try AppDatabase.restore(from: input, to: path)
            print("Restored \(path) from \(report.restoredFrom).")
            if let kept = report.keptAs { print("The database that was there is kept as \(kept).") }
            print("Start the shop again; it applies any migrations the backup lacks.")
        } catch let error as BackupError {
            throw CLIError(message: error.description)
        } catch let error as AppDatabase.OpenError {
            throw CLIError(message: "\(error.description) Nothing was changed.")
        }
    }
}
