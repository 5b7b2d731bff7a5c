import ArgumentParser
import BookTime
import Foundation
import Hummingbird

/// `booktime serve`: migrate, then serve until SIGINT or SIGTERM (in-flight requests finish).
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations, then serve the shop.")

    @Option(name: .long, help: "Address to listen on (env BOOKTIME_HOST, default 127.0.0.1).")
    var host: String?

    @Option(name: .long, help: "Port to listen on; 0 picks a free one (env BOOKTIME_PORT, default 8000).")
    var port: Int?

    @OptionGroup var database: DatabaseOptions

    @Option(name: .long, help: "A directory whose templates/ and static/ files override the built-in ones (env BOOKTIME_THEME).")
    var theme: String?

    @Flag(name: .long, help: "Trust X-Forwarded-Proto from a reverse proxy: secure cookies and HSTS (env BOOKTIME_BEHIND_HTTPS_PROXY).")
    var behindHttpsProxy = false

    @Option(name: .long, help: "The address customers use, for links in emails, e.g. https://shop.example (env BOOKTIME_PUBLIC_URL).")
    var publicURL: String?

    @Option(name: .long, help: "Write scheduled backups into this folder (env BOOKTIME_BACKUP_DIR; off by default).")
    var backupDir: String?

    @Option(name: .long, help: "How often: 30s, 15m, 6h, 1d (env BOOKTIME_BACKUP_EVERY, default 6h).")
    var backupEvery: String?

    @Option(name: .long, help: "How many backups to keep, newest first (env BOOKTIME_BACKUP_KEEP, default 7).")
    var backupKeep: Int?

    @Option(name: .long, help: "What delivery costs, e.g. 3.50, until an owner sets it in the back office (env BOOKTIME_DELIVERY_CHARGE, default 0).")
    var deliveryCharge: String?

    @Option(name: .long, help: "Orders of this much or more travel free, e.g. 30.00 (env BOOKTIME_FREE_DELIVERY_FROM; off by default).")
    var freeDeliveryFrom: String?

    func validate() throws {
        for (flag, value) in [("--delivery-charge", deliveryCharge), ("--free-delivery-from", freeDeliveryFrom)] {
            if let value, Currency.parseMinorUnits(value).map({ $0 < 0 }) ?? true {
                throw ValidationError("\(flag) must be an amount such as 3.50, not '\(value)'.")
            }
        }
        if let port, !(0...65535).contains(port) {
            throw ValidationError("--port must be between 0 and 65535, not \(port).")
        }
        if let host, host.isEmpty {
            throw ValidationError("--host must not be empty.")
        }
        if let backupEvery, parseDuration(backupEvery) == nil {
            throw ValidationError("--backup-every must be a duration such as 30s, 15m, 6h or 1d, not '\(backupEvery)'.")
        }
        if let backupKeep, backupKeep < 1 {
            throw ValidationError("--backup-keep must be at least 1, not \(backupKeep).")
        }
        if backupDir == nil, backupEvery != nil || backupKeep != nil, ProcessInfo.processInfo.environment["BOOKTIME_BACKUP_DIR"] == nil {
            throw ValidationError("--backup-every and --backup-keep need --backup-dir (the folder to write backups into).")
        }
    }

    func run() async throws {
        var config = try DatabaseOptions.environmentConfiguration()
        if let host { config.host = host }
        if let port { config.port = port }
        if let db = database.db { config.databasePath = db }
        if let theme { config.themeDirectory = theme }
        if behindHttpsProxy { config.behindHTTPSProxy = true }
        if let publicURL { config.publicURL = publicURL }
        if let backupDir { config.backupDirectory = backupDir }
        if let every = backupEvery.flatMap(parseDuration) { config.backupEvery = every }
        if let backupKeep { config.backupKeep = backupKeep }
        if let charge = deliveryCharge.flatMap(Currency.parseMinorUnits) { config.delivery.charge = charge }
        if let freeFrom = freeDeliveryFrom.flatMap(Currency.parseMinorUnits) { config.delivery.freeFrom = freeFrom }

        try await explained {
            // Refuse bad settings before a first run creates anything.
            try config.validate()
            if await isAddressInUse(host: config.host, port: config.port) {
                throw CLIError(message: "port \(config.port) is in use; pick another with --port")
            }
            // One server per database, so `restore` knows when it is in use.
            let lock: ServeLock
            do {
                lock = try ServeLock.acquire(databasePath: config.databasePath)
            } catch let error as BackupError {
                throw CLIError(message: error.description)
            }
            defer { withExtendedLifetime(lock) {} }
            let isNew = !FileManager.default.fileExists(atPath: config.databasePath)
            let db = try AppDatabase.open(path: config.databasePath)
            let applied = try db.migrate()
            if isNew {
                let report = try await DemoCatalogue.load(into: db)
                print("Created a new database at \(config.databasePath) with the demo catalogue (\(report.created) books).")
            } else if !applied.isEmpty {
                print("Applied migrations: \(applied.joined(separator: ", ")).")
            }
            // A new database, or one without an owner (a copy of booktime.db.example): one owner.
            if let owner = try await db.users.createFirstOwner() {
                print("Owner account: \(owner.email)  password: \(owner.password)  (shown only now; keep it safe)")
            }
            let app = try await buildApplication(config, database: db) { url in
                print("BookTime is running at \(url)  (Ctrl-C to stop)")
                fflush(nil)
            }
            do {
                try await app.runService()
            } catch where isAddressInUse(error) {
                try? db.close()
                throw CLIError(message: "port \(config.port) is in use; pick another with --port")
            }
            if try !db.close() {
                print("Another process has the database's WAL open (Litestream?); its pages stay in \(config.databasePath)-wal for it to checkpoint.")
            }
        }
    }
}
