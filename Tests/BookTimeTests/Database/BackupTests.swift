import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import BookTime

/// Scheduled backups, `booktime restore`, and the owners' backups page.
@Suite(.serialized) struct BackupTests {
    static func letters(_ path: String) throws -> Int {
        let queue = try DatabaseQueue(path: path, configuration: AppDatabase.makeConfiguration(readonly: true))
        defer { try? queue.close() }
        return try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM emailOutbox WHERE subject LIKE 'Site message%'") } ?? 0
    }

    @Test func theShopWritesCheckedBackupsOnScheduleAndKeepsTheNewest() async throws {
        let directory = try TemporaryDirectory()
        let backups = directory.file("backups")
        let server = try ServerProcess(
            arguments: ["--db", directory.file("shop.db"), "--backup-dir", backups, "--backup-every", "1s", "--backup-keep", "2"], in: directory.path
        )
        defer { _ = server.stop() }
        let deadline = Date().addingTimeInterval(20)
        while Backups.list(in: backups).count < 2, Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        try await Task.sleep(for: .seconds(2.5))  // more backups, still only two kept
        #expect(server.stop() == 0)
        let files = Backups.list(in: backups)
        #expect(files.count == 2)
        let all = try FileManager.default.contentsOfDirectory(atPath: backups)
        #expect(all.allSatisfy(Backups.isBackupName), "no temporary file left: \(all)")
        for file in files {
            let check = try BookTimeBinary.run(["check", "--db", file.path])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        }
    }

    @Test func badBackupSettingsExitWith2() throws {
        let directory = try TemporaryDirectory()
        for (flags, words) in [
            (["--backup-dir", directory.path, "--backup-every", "6x"], "--backup-every"), (["--backup-dir", directory.path, "--backup-keep", "0"], "--backup-keep"),
            (["--backup-every", "6h"], "--backup-dir"),
        ] {
            let result = try BookTimeBinary.run(["serve", "--port", "0", "--db", directory.file("shop.db")] + flags, in: directory.path)
            #expect(result.status == 2, "\(flags)")
            #expect(result.stderr.contains(words), "\(result.stderr)")
        }
        let environment = try BookTimeBinary.run(
            ["serve", "--port", "0", "--db", directory.file("shop.db")], in: directory.path,
            environment: ["BOOKTIME_BACKUP_DIR": directory.path, "BOOKTIME_BACKUP_EVERY": "soon"]
        )
        #expect(environment.status == 2)
        #expect(environment.stderr.contains("BOOKTIME_BACKUP_EVERY"))
    }

    @Test func restorePutsABackupBackAndKeepsTheCurrentFile() async throws {
        let directory = try TemporaryDirectory()
        let shop = directory.file("shop.db")
        var server = try ServerProcess(arguments: ["--db", shop], in: directory.path)
        _ = try await server.postForm("/contact-us/", "name=Anne&email=anne%40example.com&message=First")
        // While it serves, restore refuses and says how to stop it.
        let backup = directory.file("backup.db")
        #expect(try BookTimeBinary.run(["backup", backup, "--db", shop]).status == 0)
        let refused = try BookTimeBinary.run(["restore", backup, "--db", shop])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("Stop it first"), "\(refused.stderr)")
        _ = try await server.postForm("/contact-us/", "name=Anne&email=anne%40example.com&message=Second")
        #expect(server.stop() == 0)

        let restored = try BookTimeBinary.run(["restore", backup, "--db", shop])
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try Self.letters(shop) == 1)
        #expect(try Self.letters(shop + ".before-restore") == 2)
        #expect(restored.stdout.contains(".before-restore"))
        server = try ServerProcess(arguments: ["--db", shop], in: directory.path)
        #expect(try await server.get("/").status == 200)
        #expect(server.stop() == 0)
    }

    @Test func restoreRefusesWhatIsNotAWholeBackupOfThisShop() async throws {
        let directory = try TemporaryDirectory()
        let shop = directory.file("shop.db")
        #expect(try BookTimeBinary.run(["demo", shop]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: shop))

        let text = directory.file("notes.db")
        try "not a database".write(toFile: text, atomically: true, encoding: .utf8)
        let newer = directory.file("newer.db")
        try FileManager.default.copyItem(atPath: shop, toPath: newer)
        let queue = try DatabaseQueue(path: newer)
        try await queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999_from_the_future')") }
        try queue.close()
        let damaged = directory.file("damaged.db")
        var bytes = [UInt8](before)
        for index in stride(from: 4096 * 3, to: min(bytes.count, 4096 * 40), by: 1) { bytes[index] = 0x5A }
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))

        for (file, words) in [(text, "not a BookTime database"), (newer, "newer"), (damaged, "damaged"), (directory.file("missing.db"), "no file")] {
            let result = try BookTimeBinary.run(["restore", file, "--db", shop])
            #expect(result.status == 2, "\(file)")
            #expect(result.stderr.contains(words), "\(file): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: shop)) == before, "nothing was changed")
        #expect(!FileManager.default.fileExists(atPath: shop + ".before-restore"))
    }

    @Test func ownersSeeAndDownloadBackups() async throws {
        let backups = try TemporaryDirectory()
        try await withTestApp(configure: { $0.backupDirectory = backups.path }) { browser, db in
            // With no backup yet, the shop writes one as it starts.
            let deadline = ContinuousClock.now + .seconds(20)
            while Backups.list(in: backups.path).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            let file = try #require(Backups.list(in: backups.path).first)
            let shop = try await AdminShop.make(browser, db)
            let page = try await shop.owner.get("/admin/backups/")
            #expect(page.status == .ok)
            #expect(page.text.contains(file.name))
            #expect(page.text.contains(">ok<"))
            let download = try await shop.owner.get("/admin/backups/\(file.name)")
            #expect(download.status == .ok)
            #expect(download.headers[.contentDisposition] == "attachment; filename=\"\(file.name)\"")
            #expect(Data(buffer: download.body) == (try Data(contentsOf: URL(fileURLWithPath: file.path))))
            #expect(try await shop.owner.get("/admin/backups/booktime-20990101-000000.db").status == .notFound)
            #expect(try await shop.owner.get("/admin/backups/..%2Ftest.db").status == .notFound)
            #expect(try await shop.owner.get("/admin/").text.contains("/admin/backups/"))
            for role in [Role.employee, .dispatcher, .customer] {
                #expect(try await shop.browser(role).get("/admin/backups/\(file.name)").status != .ok)
            }
        }
    }
}
