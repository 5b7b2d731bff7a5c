import ArgumentParser
import BookTime
import Foundation

/// `booktime check`: integrity check and migration status. Exit 1 when the file is damaged.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the database's integrity and migration status.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let db = try database.openExisting()
        defer { try? db.close() }
        let problems = try db.integrityProblems()
        let status = try db.migrationStatus()
        print("Database: \(db.path)")
        print("Migrations applied: \(status.applied.count) of \(status.applied.count + status.pending.count)")
        if !status.pending.isEmpty {
            print("Pending migrations: \(status.pending.joined(separator: ", ")) (run `booktime migrate`)")
        }
        if problems.isEmpty {
            print("Integrity: ok")
        } else {
            print("Integrity: \(problems.count) problem\(problems.count == 1 ? "" : "s")")
            for problem in problems.prefix(50) { print("  \(problem)") }
            throw CLIError(message: "\(db.path) failed its integrity check.", code: 1)
        }
    }
}
