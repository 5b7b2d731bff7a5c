import ArgumentParser
import BookTime

/// `booktime migrate`: apply pending migrations and say which ran.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and print what ran.")

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let path = try database.resolvedPath()
        try await explained {
            let db = try AppDatabase.open(path: path)
            let applied = try db.migrate()
            try db.close()
            if applied.isEmpty {
                print("No migrations to apply: \(path) is up to date.")
            } else {
                for identifier in applied { print("Applied \(identifier)") }
                print("\(applied.count) migration\(applied.count == 1 ? "" : "s") applied to \(path).")
            }
        }
    }
}
