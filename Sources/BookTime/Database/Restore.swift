import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Held by `booktime serve` for as long as it serves a database (an advisory `flock` on
/// `<db>.lock`, dropped by the kernel if the process dies), so `restore` can tell a database in
/// use from one at rest. SQLite's own locks cannot tell: in WAL mode a server holds none between
/// transactions.
public final class ServeLock: Sendable {
    let fd: Int32
    public let path: String

    /// Takes the lock, or throws naming the process that holds it.
    public static func acquire(databasePath: String) throws -> ServeLock {
        let path = databasePath + ".lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BackupError(description: "Cannot create \(path): \(String(cString: strerror(errno))).") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
            close(fd)
            throw BackupError(description: Self.inUse(databasePath, pid: holder.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return ServeLock(fd: fd, path: path)
    }

    /// Whether a server holds `databasePath`, and its process id.
    public static func holder(databasePath: String) -> String? {
        let path = databasePath + ".lock"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        let pid = String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
        return pid.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func inUse(_ databasePath: String, pid: String) -> String {
        "A shop is serving \(databasePath)\(pid.isEmpty ? "" : " (process \(pid))"). Stop it first (systemctl stop booktime, or Ctrl-C where it runs), then try again."
    }

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}

extension AppDatabase {
    /// What `restore` did.
    public struct RestoreReport: Sendable {
        public let restoredFrom: String
        /// Where the database that was there before went (nil when there was none).
        public let keptAs: String?
    }

    /// Puts the backup at `source` in place of the database at `path`. Refuses a file that is not
    /// SQLite, fails its integrity check or was written by a newer binary, and a database a server
    /// is serving. The current database is checkpointed and kept as `<path>.before-restore`.
    public static func restore(from source: String, to path: String, now: Date = .now) throws -> RestoreReport {
        let fileManager = FileManager.default
        guard fileManager.fileExists(atPath: source) else { throw BackupError(description: "There is no file at \(source).") }
        if let pid = ServeLock.holder(databasePath: path) { throw BackupError(description: ServeLock.inUse(path, pid: pid)) }
        // The backup: SQLite, not newer than this binary, and whole.
        try inspectExistingFile(at: source)
        do {
            let check = try DatabaseQueue(path: source, configuration: makeConfiguration(readonly: true))
            let result = try check.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
            try check.close()
            guard result == ["ok"] else {
                throw BackupError(description: "\(source) is damaged (integrity check: \(result.prefix(3).joined(separator: "; "))); nothing was changed.")
            }
        } catch let error as DatabaseError {
            throw BackupError(description: "\(source) is damaged (\(error.message ?? "\(error.resultCode)")); nothing was changed.")
        }
        let lock = try ServeLock.acquire(databasePath: path)
        defer { withExtendedLifetime(lock) {} }
        var keptAs: String?
        if fileManager.fileExists(atPath: path) {
            // Fold its WAL in, so the file kept aside is whole.
            let current = try AppDatabase.open(path: path)
            try current.close()
            var aside = path + ".before-restore"
            if fileManager.fileExists(atPath: aside) { aside += "-" + Backups.name(for: now).dropFirst("booktime-".count).dropLast(3) }
            try fileManager.moveItem(atPath: path, toPath: aside)
            for suffix in ["-wal", "-shm"] { try? fileManager.removeItem(atPath: path + suffix) }
            keptAs = aside
        }
        let partial = path + ".restoring"
        try? fileManager.removeItem(atPath: partial)
        try fileManager.copyItem(atPath: source, toPath: partial)
        try fileManager.moveItem(atPath: partial, toPath: path)
        return RestoreReport(restoredFrom: source, keptAs: keptAs)
    }
}
