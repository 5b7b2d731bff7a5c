import ArgumentParser
import BookTime
import Foundation

/// `booktime`: the whole shop in one binary. With no subcommand it serves.
@main
struct BookTimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "booktime",
        abstract: "BookTime: an online bookshop in one executable and one SQLite file.",
        version: BookTimeVersion.current,
        subcommands: [Serve.self, Migrate.self, Check.self, Backup.self, Restore.self, ImportProducts.self, Demo.self, CreateUser.self],
        defaultSubcommand: Serve.self
    )

    /// Like ArgumentParser's own `main()`, but every usage or data error exits with code 2.
    static func main() async {
        do {
            try refuseUnknownCommand(Array(CommandLine.arguments.dropFirst()))
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            Foundation.exit(error.code)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { FileHandle.standardError.write(Data((message + "\n").utf8)) }
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

extension BookTimeCommand {
    /// With `serve` as the default, ArgumentParser reads `booktime frobnicate` as serve's argument
    /// and prints serve's usage; a first word that is no command (nor an option) is a typo instead.
    static func refuseUnknownCommand(_ arguments: [String]) throws {
        guard let first = arguments.first, !first.hasPrefix("-") else { return }
        let known = configuration.subcommands.map { $0._commandName } + ["help"]
        guard !known.contains(first) else { return }
        throw CLIError(message: "unknown command '\(first)'; the commands are \(known.dropLast().joined(separator: ", ")) (see booktime --help).")
    }
}

/// An error already explained for a person, with its exit code (2 for bad input or data).
struct CLIError: Error {
    let message: String
    var code: Int32 = 2
}

/// `--db`, shared by every command that touches data.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file (env BOOKTIME_DB, default ./booktime.db).")
    var db: String?

    /// Flag, then environment, then default.
    func resolvedPath() throws -> String {
        if let db { return db }
        return try Self.environmentConfiguration().databasePath
    }

    /// Opens a database that must already exist (commands that only read or copy it never create one).
    func openExisting() throws -> AppDatabase {
        let path = try resolvedPath()
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError(message: "There is no database at \(path).")
        }
        do {
            return try AppDatabase.open(path: path)
        } catch let error as AppDatabase.OpenError {
            throw CLIError(message: error.description)
        }
    }

    static func environmentConfiguration() throws -> AppConfiguration {
        do {
            return try AppConfiguration.fromEnvironment()
        } catch let error as ConfigurationError {
            throw CLIError(message: error.description)
        }
    }
}

/// Runs `body`, turning the library's explained errors into `CLIError`s.
func explained<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as AppDatabase.OpenError {
        throw CLIError(message: error.description)
    } catch let error as ConfigurationError {
        throw CLIError(message: error.description)
    } catch let error as Views.TemplateError {
        throw CLIError(message: error.description)
    }
}
