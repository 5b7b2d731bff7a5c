import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Synchronization

/// Scheduled backups (`--backup-dir DIR --backup-every 6h --backup-keep 7`).
public struct BackupSettings: Sendable, Equatable {
    public var directory: String
    public var every: Duration
    public var keep: Int

    public init(directory: String, every: Duration = .seconds(6 * 60 * 60), keep: Int = 7) {
        self.directory = directory
        self.every = every
        self.keep = keep
    }
}

/// One backup file in the backup folder.
public struct BackupFile: Sendable, Equatable {
    public let name: String
    public let path: String
    public let size: Int
    public let date: Date
}

/// Backup files: `booktime-YYYYMMDD-HHMMSS.db` (UTC), written under a temporary name, checked,
/// then renamed, so a file with a backup's name is always a whole, checked database.
public enum Backups {
    static let temporaryPrefix = ".partial-"

    public static func name(for date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return "booktime-\(formatter.string(from: date)).db"
    }

    /// Whether `name` is a backup's file name (and nothing else: no paths, no temporary files).
    public static func isBackupName(_ name: String) -> Bool {
        name.wholeMatch(of: /booktime-\d{8}-\d{6}\.db/) != nil
    }

    /// The backups in `directory`, newest first.
    public static func list(in directory: String) -> [BackupFile] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter(isBackupName).compactMap { name in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
            return BackupFile(
                name: name, path: path, size: (attributes[.size] as? Int) ?? 0, date: (attributes[.modificationDate] as? Date) ?? .distantPast
            )
        }
        .sorted { $0.name > $1.name }
    }

    /// Deletes all but the newest `keep` backups; the names it deleted.
    @discardableResult
    static func prune(_ directory: String, keep: Int) -> [String] {
        let old = list(in: directory).dropFirst(max(keep, 1))
        for file in old { try? FileManager.default.removeItem(atPath: file.path) }
        return old.map(\.name)
    }
}

/// Why a backup was not written. The live database is never touched by a failed backup.
public struct BackupError: Error, CustomStringConvertible {
    public let description: String
}

extension AppDatabase {
    /// Writes a backup into `directory` with SQLite's online backup, under a temporary name;
    /// checks it (`PRAGMA integrity_check`); renames it to its backup name. On any failure (a
    /// full disk, say) the temporary file is removed and the error says the live database is
    /// untouched.
    public func writeVerifiedBackup(into directory: String, now: Date = .now) throws -> BackupFile {
        let name = Backups.name(for: now)
        let final = (directory as NSString).appendingPathComponent(name)
        let temporary = (directory as NSString).appendingPathComponent(Backups.temporaryPrefix + name)
        func removeTemporary() {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
        }
        removeTemporary()
        do {
            try backup(to: temporary)
            let check = try DatabaseQueue(path: temporary, configuration: AppDatabase.makeConfiguration(readonly: true))
            let result = try check.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try check.close()
            guard result == ["ok"] else {
                throw BackupError(description: "the copy failed its integrity check (\(result.prefix(3).joined(separator: "; ")))")
            }
            // The copy was checkpointed when written; what the check's connection left is empty.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: temporary + suffix) }
            try FileManager.default.moveItem(atPath: temporary, toPath: final)
        } catch {
            removeTemporary()
            let reason: String
            if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
                reason = "the disk holding \(directory) is full"
            } else if let error = error as? BackupError {
                reason = error.description
            } else {
                reason = "\(error)"
            }
            throw BackupError(description: "Backup to \(directory) failed: \(reason). The live database is untouched.")
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: final))?[.size] as? Int) ?? 0
        return BackupFile(name: name, path: final, size: size, date: now)
    }
}

/// What the back office says about scheduled backups.
public final class BackupStatus: Sendable {
    public struct State: Sendable {
        public var lastSuccess: BackupFile?
        public var lastFailure: (date: Date, message: String)?
    }

    private let state = Mutex(State())
    public var current: State { state.withLock { $0 } }
    func succeeded(_ file: BackupFile) { state.withLock { $0.lastSuccess = file; $0.lastFailure = nil } }
    func failed(_ message: String, at date: Date = .now) { state.withLock { $0.lastFailure = (date, message) } }
    public init() {}
}

/// Runs with the server: a backup when the newest one is `every` old (at once at start when there
/// is none), then every `every`; keeps the newest `keep`.
struct BackupService: Service {
    let db: AppDatabase
    let settings: BackupSettings
    let status: BackupStatus
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            let newest = Backups.list(in: settings.directory).first
            let age = newest.map { Date.now.timeIntervalSince($0.date) } ?? .infinity
            let due = Double(settings.every.components.seconds) - age
            if due > 0 {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(min(due, 60))) }
                continue
            }
            do {
                let file = try await Task.detached { [db, settings] in try db.writeVerifiedBackup(into: settings.directory) }.value
                let pruned = Backups.prune(settings.directory, keep: settings.keep)
                status.succeeded(file)
                logger.info("Backup written: \(file.path) (\(file.size) bytes, integrity ok)\(pruned.isEmpty ? "" : "; removed \(pruned.joined(separator: ", "))")")
            } catch {
                status.failed("\(error)")
                logger.error("\(error)")
                // Try again in a minute (a full disk may be cleared), not at once.
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            }
        }
    }
}

/// `30s`, `15m`, `6h`, `1d`: a positive whole number and a unit.
public func parseDuration(_ text: String) -> Duration? {
    guard let match = text.wholeMatch(of: /(\d{1,9})([smhd])/), let value = Int64(match.1), value > 0 else { return nil }
    let unit: Int64 = switch match.2 {
    case "s": 1
    case "m": 60
    case "h": 3600
    default: 86400
    }
    return .seconds(value * unit)
}
