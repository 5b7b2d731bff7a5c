import Foundation
import Logging

/// Everything `buildApplication` needs, resolved from flags, then `BOOKTIME_*` variables, then defaults.
public struct AppConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    public var port: Int = 8000
    public var databasePath: String = "booktime.db"
    /// A directory whose `templates/` and `static/` files override the embedded ones.
    public var themeDirectory: String?
    /// `smtp://user:password@host:587`; without it emails stay in the outbox.
    public var smtpURL: String?
    public var mail = MailSettings()
    /// The seller named on invoices.
    public var seller = SellerSettings()
    /// Delivery charge and free-delivery threshold until an owner saves others in the back office.
    public var delivery = DeliveryRate()
    /// Prices are stored in this currency's minor units.
    public var currency: Currency = .gbp
    /// Trust `X-Forwarded-Proto: https` from a reverse proxy: secure cookies and HSTS.
    public var behindHTTPSProxy = false
    /// The largest request body accepted at all (forms are limited further).
    public var maxRequestBodyBytes = 10 * 1024 * 1024
    public var logLevel: Logger.Level = .info
    /// Timeouts for slow clients and the cap on connections.
    public var connections = ConnectionLimits()
    /// The chat's limits: sockets per user and in all, queue depth, idle time, message rate.
    var chat = ChatHub.Limits()
    /// How often the theme directory is checked for changes.
    public var themePollInterval: Duration = .seconds(1)
    /// How soon catalogue writes by other processes (an import while serving) reach cached pages.
    public var catalogPollInterval: Duration = .milliseconds(250)
    /// The address customers reach the shop at, for links in emails (`https://shop.example`).
    /// Never taken from a request's Host header, which a visitor controls. Defaults to host and port.
    public var publicURL: String?
    /// Sign-in, sign-up and password-reset attempts allowed per client address and minute.
    public var authAttemptsPerMinute = 10
    /// Failed sign-ins allowed per account in `accountLockout` before it answers 429 for a while.
    public var loginFailuresPerAccount = 5
    public var accountLockout: Duration = .seconds(15 * 60)
    /// A carrier's tracking URL with `{order}` (`https://carrier.example/track/{order}`); without
    /// it the shop answers the order tracker from its own order lines.
    public var carrierURL: String?
    /// How long the order tracker waits for the carrier.
    public var carrierTimeout: Duration = .seconds(5)
    /// `/readyz` says "not ready" with less free space than this beside the database.
    public var readyMinimumFreeBytes = 64 << 20
    /// Scheduled backups (`--backup-dir`, `--backup-every`, `--backup-keep`): none without a folder.
    public var backupDirectory: String?
    public var backupEvery: Duration = .seconds(6 * 60 * 60)
    public var backupKeep = 7
    public var backups: BackupSettings? { backupDirectory.map { BackupSettings(directory: $0, every: backupEvery, keep: backupKeep) } }
    /// The back-office sites and their models (a test adds a model to one).
    var adminSites = AdminSite.all

    public init() {}

    /// The base of links in emails, without a trailing slash.
    public var resolvedPublicURL: String {
        if let publicURL, !publicURL.isEmpty {
            return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
        let name = ["0.0.0.0", "::", ""].contains(host) ? "localhost" : (host.contains(":") ? "[\(host)]" : host)
        return "http://\(name)" + (port == 80 ? "" : ":\(port)")
    }

    /// Fills every setting that has a `BOOKTIME_*` variable in `environment`; flags applied later win.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        var config = AppConfiguration()
        if let host = environment["BOOKTIME_HOST"], !host.isEmpty { config.host = host }
        if let port = environment["BOOKTIME_PORT"], !port.isEmpty {
            guard let value = Int(port), (0...65535).contains(value) else {
                throw ConfigurationError(description: "BOOKTIME_PORT must be a port number between 0 and 65535, not '\(port)'.")
            }
            config.port = value
        }
        if let db = environment["BOOKTIME_DB"], !db.isEmpty { config.databasePath = db }
        if let carrier = environment["BOOKTIME_CARRIER_URL"], !carrier.isEmpty {
            guard let url = URL(string: carrier.replacingOccurrences(of: "{order}", with: "1")), ["http", "https"].contains(url.scheme ?? "") else {
                throw ConfigurationError(description: "BOOKTIME_CARRIER_URL must be an http(s) URL with {order} in it, not '\(carrier)'.")
            }
            config.carrierURL = carrier
        }
        if let timeout = environment["BOOKTIME_CARRIER_TIMEOUT"], !timeout.isEmpty {
            guard let seconds = Double(timeout), seconds > 0, seconds <= 60 else {
                throw ConfigurationError(description: "BOOKTIME_CARRIER_TIMEOUT must be a number of seconds from 0 to 60, not '\(timeout)'.")
            }
            config.carrierTimeout = .milliseconds(Int(seconds * 1000))
        }
        if let theme = environment["BOOKTIME_THEME"], !theme.isEmpty { config.themeDirectory = theme }
        if let smtp = environment["BOOKTIME_SMTP_URL"], !smtp.isEmpty { config.smtpURL = smtp }
        if let from = environment["BOOKTIME_MAIL_FROM"], !from.isEmpty { config.mail.fromAddress = from }
        if let cs = environment["BOOKTIME_CUSTOMER_SERVICE_EMAIL"], !cs.isEmpty { config.mail.customerServiceAddress = cs }
        if let proxy = environment["BOOKTIME_BEHIND_HTTPS_PROXY"] {
            config.behindHTTPSProxy = ["1", "true", "yes", "on"].contains(proxy.lowercased())
        }
        if let url = environment["BOOKTIME_PUBLIC_URL"], !url.isEmpty { config.publicURL = url }
        if let name = environment["BOOKTIME_SELLER_NAME"], !name.isEmpty { config.seller.name = name }
        if let address = environment["BOOKTIME_SELLER_ADDRESS"], !address.isEmpty {
            config.seller.addressLines = SellerSettings.addressLines(from: address)
        }
        let amounts: [(String, (inout DeliveryRate, Int) -> Void)] = [
            ("BOOKTIME_DELIVERY_CHARGE", { $0.charge = $1 }), ("BOOKTIME_FREE_DELIVERY_FROM", { $0.freeFrom = $1 }),
        ]
        for (name, set) in amounts {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let amount = Currency.parseMinorUnits(value), amount >= 0 else {
                throw ConfigurationError(description: "\(name) must be an amount such as 3.50, not '\(value)'.")
            }
            set(&config.delivery, amount)
        }
        if let value = environment["BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE"], !value.isEmpty {
            guard let number = Int(value), number > 0 else {
                throw ConfigurationError(description: "BOOKTIME_AUTH_ATTEMPTS_PER_MINUTE must be a positive whole number, not '\(value)'.")
            }
            config.authAttemptsPerMinute = number
        }
        if let value = environment["BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT"], !value.isEmpty {
            guard let number = Int(value), number > 0 else {
                throw ConfigurationError(description: "BOOKTIME_LOGIN_FAILURES_PER_ACCOUNT must be a positive whole number, not '\(value)'.")
            }
            config.loginFailuresPerAccount = number
        }
        for (name, path) in [
            ("BOOKTIME_HEADER_TIMEOUT", \ConnectionLimits.headerTimeout), ("BOOKTIME_KEEP_ALIVE_TIMEOUT", \ConnectionLimits.keepAliveTimeout),
            ("BOOKTIME_BODY_TIMEOUT", \ConnectionLimits.bodyTimeout),
        ] {
            guard let value = environment[name], !value.isEmpty else { continue }
            guard let seconds = Int(value), (1...3600).contains(seconds) else {
                throw ConfigurationError(description: "\(name) must be a number of seconds from 1 to 3600, not '\(value)'.")
            }
            config.connections[keyPath: path] = .seconds(seconds)
        }
        if let value = environment["BOOKTIME_MAX_CONNECTIONS"], !value.isEmpty {
            guard let number = Int(value), number > 0 else {
                throw ConfigurationError(description: "BOOKTIME_MAX_CONNECTIONS must be a positive whole number, not '\(value)'.")
            }
            config.connections.maxConnections = number
        }
        if let directory = environment["BOOKTIME_BACKUP_DIR"], !directory.isEmpty {
            config.backupDirectory = directory
        }
        if let value = environment["BOOKTIME_BACKUP_EVERY"], !value.isEmpty {
            guard let every = parseDuration(value) else {
                throw ConfigurationError(description: "BOOKTIME_BACKUP_EVERY must be a duration such as 30s, 15m, 6h or 1d, not '\(value)'.")
            }
            config.backupEvery = every
        }
        if let value = environment["BOOKTIME_BACKUP_KEEP"], !value.isEmpty {
            guard let keep = Int(value), keep > 0 else {
                throw ConfigurationError(description: "BOOKTIME_BACKUP_KEEP must be a positive whole number, not '\(value)'.")
            }
            config.backupKeep = keep
        }
        if let value = environment["BOOKTIME_READY_MIN_FREE_MB"], !value.isEmpty {
            guard let megabytes = Int(value), megabytes >= 0, megabytes < 1 << 40 else {
                throw ConfigurationError(description: "BOOKTIME_READY_MIN_FREE_MB must be a whole number of MiB, not '\(value)'.")
            }
            config.readyMinimumFreeBytes = megabytes << 20
        }
        if let level = environment["BOOKTIME_LOG_LEVEL"], !level.isEmpty {
            guard let value = Logger.Level(rawValue: level.lowercased()) else {
                throw ConfigurationError(description: "BOOKTIME_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical.")
            }
            config.logLevel = value
        }
        return config
    }

    /// Checks what can be checked before opening anything.
    public func validate() throws {
        if let themeDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: themeDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ConfigurationError(description: "The theme directory \(themeDirectory) does not exist.")
            }
        }
        if let smtpURL { _ = try SMTPConfiguration(url: smtpURL) }
        if let backupDirectory {
            do {
                try FileManager.default.createDirectory(atPath: backupDirectory, withIntermediateDirectories: true)
            } catch {
                throw ConfigurationError(description: "The backup folder \(backupDirectory) cannot be created: \(error.localizedDescription)")
            }
        }
        if let publicURL, !publicURL.isEmpty {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil, url.query == nil else {
                throw ConfigurationError(description: "The public URL must look like https://shop.example, not '\(publicURL)'.")
            }
        }
    }
}

/// A setting that cannot work, explained for the command line.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}
