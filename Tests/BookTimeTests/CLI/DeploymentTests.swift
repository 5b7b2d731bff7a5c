import Foundation
import Testing

/// `deploy/booktime.service`: systemd accepts it, and it keeps the hardening the README promises.
@Suite struct DeploymentTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func theSystemdUnitVerifies() throws {
        let unit = try String(contentsOf: Self.root.appendingPathComponent("deploy/booktime.service"), encoding: .utf8)
        for option in [
            "ExecStart=/opt/booktime/booktime serve", "DynamicUser=yes", "StateDirectory=booktime", "NoNewPrivileges=yes", "ProtectSystem=strict",
            "ProtectHome=yes", "PrivateTmp=yes", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "KillSignal=SIGTERM",
        ] {
            #expect(unit.contains(option), "\(option)")
        }
        // `systemd-analyze verify` checks that ExecStart names an executable: point it at ours.
        let directory = try TemporaryDirectory()
        let copy = directory.file("booktime.service")
        try unit.replacingOccurrences(of: "/opt/booktime/booktime", with: try BookTimeBinary.url.path).write(toFile: copy, atomically: true, encoding: .utf8)
        let analyze = try #require(
            ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "systemd-analyze (Debian's systemd package) is needed to check the unit"
        )
        let process = Process()
        process.executableURL = URL(fileURLWithPath: analyze)
        process.arguments = ["verify", copy]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try launch(process)
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        // A misspelt option is only a warning with exit 0: any word from systemd is a failure.
        #expect(said.isEmpty, "\(said)")
    }
}
