import Foundation
import GRDB
import Testing

@testable import BookTime

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the real `booktime` binary that `swift build` put beside the test bundle.
enum BookTimeBinary {
    static var url: URL {
        get throws {
            let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            var directory = testBinary.deletingLastPathComponent()
            // The test runner lives inside booktimePackageTests.xctest on some layouts.
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("booktime")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                directory.deleteLastPathComponent()
            }
            throw CLIFailure(message: "booktime binary not found near \(testBinary.path); run `swift build` first")
        }
    }

    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Runs to completion (killed after `timeout`), with `environment` added to a clean one.
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String] = [:], input: String? = nil, timeout: TimeInterval = 60) throws -> Result {
        let process = Process()
        process.executableURL = try url
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.environment = cleanEnvironment.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let stdin = Pipe()
        process.standardInput = stdin
        try launch(process)
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// The environment without any BOOKTIME_* setting of the developer's.
    static var cleanEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("BOOKTIME_") }
    }
}

/// Starts `process`, one at a time across the whole test run: Foundation's `Process.run()` on
/// Linux once crashed copying memory while other suites launched processes at the same moment.
func launch(_ process: Process) throws {
    try processLaunches.withLock { try process.run() }
}

private let processLaunches = NSLock()

struct CLIFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A `booktime serve` child process on a free port.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let baseURL: URL
    /// What the server printed before it was ready.
    private(set) var printed = ""
    private let output: Pipe

    init(arguments: [String], in directory: String, executable: URL? = nil, environment: [String: String] = [:]) throws {
        process.executableURL = try executable ?? BookTimeBinary.url
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = BookTimeBinary.cleanEnvironment.merging(environment) { $1 }
        output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try launch(process)
        // Read stdout until the server says where it listens.
        var seen = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
            if let match = seen.firstMatch(of: /running at (http:\/\/127\.0\.0\.1:\d+\/)/) {
                baseURL = URL(string: String(match.1))!
                printed = seen
                return
            }
        }
        process.terminate()
        throw CLIFailure(message: "server did not start; it printed: \(seen)")
    }

    /// SIGTERM, then the exit status.
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Posts a url-encoded `body` as the page's form would: its CSRF cookie (set by a GET of the
    /// page) and the same token in the body.
    @discardableResult
    func postForm(_ path: String, _ body: String) async throws -> Int {
        _ = try await get(path)
        let token = try #require(HTTPCookieStorage.shared.cookies(for: baseURL)?.first { $0.name == "csrftoken" }?.value)
        var request = URLRequest(url: URL(string: path, relativeTo: baseURL)!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("\(body)&csrf_token=\(token)".utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }

    func get(_ path: String) async throws -> (status: Int, headers: [AnyHashable: Any], body: String) {
        let (data, response) = try await URLSession.shared.data(from: URL(string: path, relativeTo: baseURL)!)
        let http = response as! HTTPURLResponse
        return (http.statusCode, http.allHeaderFields, String(decoding: data, as: UTF8.self))
    }
}

@Suite(.serialized) struct CLITests {
    @Test func helpListsTheCommands() throws {
        let result = try BookTimeBinary.run(["--help"])
        #expect(result.status == 0)
        for command in ["serve", "migrate", "check", "backup"] { #expect(result.stdout.contains(command)) }
    }

    @Test(arguments: [
        ["serve", "--port", "abc"],
        ["serve", "--port", "70000"],
        ["frobnicate"],
        ["migrate", "--no-such-flag"],
        ["backup"],
    ])
    func badArgumentsExitWith2(arguments: [String]) throws {
        let result = try BookTimeBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains("Error") || result.stderr.contains("error"))
    }

    /// A typo'd command is named as such in one line, not answered with serve's usage.
    @Test func unknownCommandIsOneLineNotServesUsage() throws {
        let result = try BookTimeBinary.run(["frobnicate"])
        #expect(result.status == 2)
        #expect(result.stderr == "error: unknown command 'frobnicate'; the commands are serve, migrate, check, backup, restore, import-products, demo, createuser (see booktime --help).\n")
        #expect(!result.stderr.contains("USAGE"))
    }

    @Test func versionIsPrinted() throws {
        let result = try BookTimeBinary.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == "\(BookTimeVersion.current)\n")
    }

    @Test func backupIntoAMissingFolderIsOneLine() throws {
        let directory = try TemporaryDirectory()
        #expect(try BookTimeBinary.run(["migrate", "--db", directory.file("shop.db")]).status == 0)
        let result = try BookTimeBinary.run(["backup", directory.file("no/such/folder/copy.db"), "--db", directory.file("shop.db")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("does not exist; create it first"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func portInUseIsOneLine() throws {
        let directory = try TemporaryDirectory()
        let server = try ServerProcess(arguments: ["--db", directory.file("a.db")], in: directory.path)
        defer { _ = server.stop() }
        let port = try #require(server.baseURL.port)
        let result = try BookTimeBinary.run(["serve", "--port", "\(port)", "--db", directory.file("b.db")], in: directory.path)
        #expect(result.status == 2)
        #expect(result.stderr == "error: port \(port) is in use; pick another with --port\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("b.db")), "nothing was created")
    }

    /// Commands that write leave nothing in a `-wal`: the `.db` copied alone has all of it.
    @Test func writingCommandsLeaveNoWALBehind() throws {
        let directory = try TemporaryDirectory()
        let db = directory.file("shop.db")
        #expect(try BookTimeBinary.run(["migrate", "--db", db]).status == 0)
        try "name,description,tags,image_filename,price\nEmma,A novel,Fiction,,8.00\n".write(toFile: directory.file("p.csv"), atomically: true, encoding: .utf8)
        #expect(try BookTimeBinary.run(["import-products", directory.file("p.csv"), "--db", db]).status == 0)
        #expect(try BookTimeBinary.run(["createuser", "--email", "o@shop.test", "--role", "owner", "--password-stdin", "--db", db], input: "a long enough phrase\n").status == 0)
        let walSize = (try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0
        #expect(walSize == 0)
        let copy = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: db, toPath: copy.file("copy.db"))
        let queue = try DatabaseQueue(path: copy.file("copy.db"))
        let counts = try queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM product") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") ?? 0)
        }
        #expect(counts == (1, 1))
    }

    @Test func badEnvironmentExitsWith2() throws {
        let directory = try TemporaryDirectory()
        let result = try BookTimeBinary.run(["migrate"], in: directory.path, environment: ["BOOKTIME_PORT": "abc"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("BOOKTIME_PORT"))
    }

    /// Account settings are checked before a first run creates the database.
    @Test func badAccountSettingsExitWith2AndCreateNothing() throws {
        let directory = try TemporaryDirectory()
        let url = try BookTimeBinary.run(["serve", "--port", "0", "--public-url", "ftp://shop"], in: directory.path)
        #expect(url.status == 2)
        #expect(url.stderr.contains("public URL"))
        let limit = try BookTimeBinary.run(["serve", "--port", "0"], in: directory.path, environment: ["BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE": "0"])
        #expect(limit.status == 2)
        #expect(limit.stderr.contains("BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("booktime.db")))
    }

    @Test func publicURLComesFromSettingsNotRequests() throws {
        var config = try AppConfiguration.fromEnvironment(["BOOKTIME_PUBLIC_URL": "https://shop.example/", "BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT": "7"])
        #expect(config.resolvedPublicURL == "https://shop.example")
        #expect(config.loginFailuresPerAccount == 7)
        config.publicURL = nil
        config.host = "0.0.0.0"
        config.port = 8080
        #expect(config.resolvedPublicURL == "http://localhost:8080")
    }

    @Test func migrateTwiceDoesNothingTheSecondTime() throws {
        let directory = try TemporaryDirectory()
        let first = try BookTimeBinary.run(["migrate", "--db", directory.file("shop.db")])
        #expect(first.status == 0)
        #expect(first.stdout.contains("Applied 0001_settings"))
        let second = try BookTimeBinary.run(["migrate", "--db", directory.file("shop.db")])
        #expect(second.status == 0)
        #expect(second.stdout.contains("No migrations to apply"))
        #expect(!second.stdout.contains("Applied 0001"))
    }

    @Test func environmentNamesTheDatabaseAndFlagsWin() throws {
        let directory = try TemporaryDirectory()
        let viaEnv = try BookTimeBinary.run(["migrate"], in: directory.path, environment: ["BOOKTIME_DB": directory.file("env.db")])
        #expect(viaEnv.status == 0)
        #expect(FileManager.default.fileExists(atPath: directory.file("env.db")))
        let viaFlag = try BookTimeBinary.run(["migrate", "--db", directory.file("flag.db")], in: directory.path, environment: ["BOOKTIME_DB": directory.file("env.db")])
        #expect(viaFlag.status == 0)
        #expect(FileManager.default.fileExists(atPath: directory.file("flag.db")))
        #expect(viaFlag.stdout.contains("flag.db"))
    }

    @Test func notADatabaseExitsWith2AndIsUntouched() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("notes.db")
        try "my notes".write(toFile: path, atomically: true, encoding: .utf8)
        for command in ["migrate", "check", "serve"] {
            let result = try BookTimeBinary.run([command, "--db", path])
            #expect(result.status == 2, "\(command)")
            #expect(result.stderr.contains("is not a BookTime database"), "\(command)")
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "my notes")
    }

    @Test func checkAndBackupNeedAnExistingDatabase() throws {
        let directory = try TemporaryDirectory()
        let check = try BookTimeBinary.run(["check", "--db", directory.file("missing.db")])
        #expect(check.status == 2)
        #expect(check.stderr.contains("There is no database"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("missing.db")))
        let backup = try BookTimeBinary.run(["backup", directory.file("out.db"), "--db", directory.file("missing.db")])
        #expect(backup.status == 2)
    }

    @Test func backupNeverOverwrites() throws {
        let directory = try TemporaryDirectory()
        #expect(try BookTimeBinary.run(["migrate", "--db", directory.file("shop.db")]).status == 0)
        try "precious".write(toFile: directory.file("taken.db"), atomically: true, encoding: .utf8)
        let result = try BookTimeBinary.run(["backup", directory.file("taken.db"), "--db", directory.file("shop.db")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: directory.file("taken.db"), encoding: .utf8) == "precious")
    }

    /// The checked-by scenario: the binary alone in an empty directory serves the shop, a backup
    /// taken while it serves passes the integrity check, and SIGTERM shuts it down cleanly.
    @Test func binaryAloneServesAndBacksUpWhileServing() async throws {
        let directory = try TemporaryDirectory()
        let lonely = URL(fileURLWithPath: directory.file("booktime"))
        try FileManager.default.copyItem(at: try BookTimeBinary.url, to: lonely)
        let server = try ServerProcess(arguments: [], in: directory.path, executable: lonely)
        defer { _ = server.stop() }

        let home = try await server.get("/")
        #expect(home.status == 200)
        #expect(home.body.contains("BookTime"))
        for path in ["/about-us/", "/contact-us/", "/healthz"] {
            #expect(try await server.get(path).status == 200, "\(path)")
        }
        let css = try #require(home.body.firstMatch(of: /href="(\/static\/site\.[0-9a-f]+\.css)"/))
        let stylesheet = try await server.get(String(css.1))
        #expect(stylesheet.status == 200)
        #expect(stylesheet.body.contains("--accent"))
        #expect(FileManager.default.fileExists(atPath: directory.file("booktime.db")))
        // First run creates an owner and prints the password once.
        #expect(server.printed.contains("Owner account: owner@booktime.local  password: "))
        // First run loads the demo catalogue.
        let books = try await server.get("/products/all/")
        #expect(books.status == 200)
        #expect(books.body.contains("Pride and Prejudice") || books.body.contains("A Christmas Carol"))
        #expect(try await server.get("/product/pride-and-prejudice/").status == 200)
        #expect(try await server.get("/search/?q=whale").body.contains("Moby-Dick"))

        let backup = try BookTimeBinary.run(["backup", directory.file("copy.db"), "--db", directory.file("booktime.db")])
        #expect(backup.status == 0, "\(backup.stderr)")
        let check = try BookTimeBinary.run(["check", "--db", directory.file("copy.db")])
        #expect(check.status == 0)
        #expect(check.stdout.contains("Integrity: ok"))
        let migrationCount = Migrations.migrator.migrations.count
        #expect(check.stdout.contains("Migrations applied: \(migrationCount) of \(migrationCount)"))

        #expect(server.stop() == 0)

        // The password is shown once: the next start has an owner and says nothing of it.
        let again = try ServerProcess(arguments: [], in: directory.path, executable: lonely)
        #expect(try await again.get("/healthz").status == 200)
        #expect(!again.printed.contains("Owner account"))
        #expect(again.stop() == 0)
    }
}
