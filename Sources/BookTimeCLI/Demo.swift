import ArgumentParser
import BookTime

/// `booktime demo OUT.db`: a fresh demo database (how `booktime.db.example` is made).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build a fresh demo database with the demo catalogue.")

    @Argument(help: "The file to create; it must not exist yet.")
    var output: String

    func run() async throws {
        try await explained {
            do {
                let report = try await DemoCatalogue.build(at: output)
                print("Created \(output) with \(report.created) products and \(report.tagsCreated) tags.")
            } catch let error as ProductImport.FileError {
                throw CLIError(message: error.description)
            }
        }
    }
}
