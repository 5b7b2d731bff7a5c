import BookTimeResources
import Foundation
import GRDB

/// The demo shop: 166 public-domain books with descriptions written for BookTime
/// (`Resources/data/demo_catalogue.csv`), loaded on first run and by `booktime demo`.
public enum DemoCatalogue {
    public static var csv: String {
        String(decoding: EmbeddedResources.files["data/demo_catalogue.csv"] ?? [], as: UTF8.self)
    }

    /// Imports the demo catalogue; fails loudly if any row of our own file is rejected.
    @discardableResult
    public static func load(into db: AppDatabase) async throws -> ProductImport.Report {
        let report = try await ProductImport(db: db, imagesDirectory: nil).run(csv: csv)
        guard report.skipped == 0 else {
            throw ProductImport.FileError(description: "The demo catalogue has bad rows: \(report.problems.joined(separator: "; "))")
        }
        return report
    }

    /// Builds a fresh demo database at `path` (which must not exist) as one self-contained file:
    /// migrated, loaded, vacuumed, journal back in the file. No secret key is stored in it.
    public static func build(at path: String) async throws -> ProductImport.Report {
        if FileManager.default.fileExists(atPath: path) {
            throw AppDatabase.OpenError.unreadable(path: path, reason: "the file already exists; choose a new name.")
        }
        let db = try AppDatabase.open(path: path)
        try db.migrate()
        let report = try await load(into: db)
        try db.close()
        let queue = try DatabaseQueue(path: path)
        try await queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
            try db.execute(sql: "VACUUM")
        }
        try queue.close()
        return report
    }
}
