import ArgumentParser
import BookTime
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `booktime createuser --email E --role owner|employee|dispatcher|customer`.
struct CreateUser: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "createuser",
        abstract: "Create an account: an owner, an employee, a dispatcher or a customer.",
        discussion: "The password is asked for without echo, or read from standard input with --password-stdin."
    )

    @Option(name: .long, help: "The account's email address (it signs in with it).")
    var email: String

    @Option(name: .long, help: "owner, employee, dispatcher or customer.")
    var role: String

    @Flag(name: .long, help: "Read the password from the first line of standard input.")
    var passwordStdin = false

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard Role(rawValue: role) != nil else {
            throw ValidationError("--role must be one of owner, employee, dispatcher, customer (not '\(role)').")
        }
    }

    func run() async throws {
        let role = Role(rawValue: role)!
        let password = try passwordStdin ? Self.readLine() : Self.prompt()
        let path = try database.resolvedPath()
        try await explained {
            let db = try AppDatabase.open(path: path)
            defer { try? db.close() }
            try db.migrate()
            do {
                let user = try await db.users.createUser(email: email, password: password, role: role)
                print("Created \(role.rawValue) \(user.email).")
            } catch let error as AccountError {
                throw CLIError(message: error.description)
            }
        }
    }

    static func readLine() throws -> String {
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError(message: "No password on standard input.")
        }
        return line
    }

    /// Asks twice with echo off.
    static func prompt() throws -> String {
        guard isatty(STDIN_FILENO) != 0 else {
            throw CLIError(message: "Standard input is not a terminal: pass the password with --password-stdin.")
        }
        let first = try withoutEcho("Password: ")
        let second = try withoutEcho("Password (again): ")
        guard first == second else { throw CLIError(message: "The two passwords differ.") }
        return first
    }

    private static func withoutEcho(_ label: String) throws -> String {
        FileHandle.standardError.write(Data(label.utf8))
        var saved = termios()
        tcgetattr(STDIN_FILENO, &saved)
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        defer {
            tcsetattr(STDIN_FILENO, TCSANOW, &saved)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
            throw CLIError(message: "No password given.")
        }
        return line
    }
}
