import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import HummingbirdAuth
import Logging
import ServiceLifecycle

/// The one composition root: opens the database, builds views, mail and sessions, and wires
/// controllers and middleware. `booktime serve` and every test call this.
///
/// - Parameters:
///   - database: an already open database (tests, `serve` after first-run setup); opened and
///     migrated from `config.databasePath` when nil.
///   - mailTransport: overrides the SMTP transport made from `config.smtpURL` (tests).
public func buildApplication(
    _ config: AppConfiguration,
    database: AppDatabase? = nil,
    mailTransport: (any MailTransport)? = nil,
    onServerRunning: @escaping @Sendable (String) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "booktime")
    logger.logLevel = config.logLevel
    try config.validate()

    let db: AppDatabase
    if let database {
        db = database
    } else {
        db = try AppDatabase.open(path: config.databasePath)
        try db.migrate()
    }
    // Django's admin checks: a declaration that names a column the schema lacks stops the start.
    try await db.reader.read { db in try AdminSchema.check(config.adminSites.flatMap(\.models) + OrderDashboard.models, db) }
    let publicURL = PublicURL(config.resolvedPublicURL)
    let views = try Views(themeDirectory: config.themeDirectory, publicURL: publicURL, logger: logger)
    let signer = CookieSigner(secret: try db.secretKey())
    let sessionStore = SQLitePersistDriver(db: db, logger: logger)
    let transport = try mailTransport ?? config.smtpURL.map { SMTPTransport(configuration: try SMTPConfiguration(url: $0)) }
    let mailSender = MailSender(db: db, transport: transport, logger: logger)
    let catalogVersion = try CatalogVersionTracker(db: db, pollInterval: config.catalogPollInterval, logger: logger)
    let sessionConfiguration = AccountSessions.middlewareConfiguration(secure: config.behindHTTPSProxy)
    let accountSessions = AccountSessions(db: db, signer: signer, persist: sessionStore, configuration: sessionConfiguration)
    let authLimits = AuthRateLimits(config: config)
    let basketReads = BasketReads(db: db)
    let addressBook = AddressReads(db: db)

    let metrics = ShopMetrics()
    let router = Router(context: AppRequestContext.self)
    // Middleware order, outermost first: each sees the request before the ones below it.
    router.addMiddleware {
        RequestMetricsMiddleware(metrics: metrics)
        AccessLogMiddleware(logger: logger)
        ResponseCompressionMiddleware()
        SecurityHeadersMiddleware(strictTransportSecurity: config.behindHTTPSProxy)
        ErrorPageMiddleware(views: views, jsonPrefixes: ["/api/", "/mobile-api/"])
        BodyLimitMiddleware(maxBytes: config.maxRequestBodyBytes)
        SessionMiddleware(storage: sessionStore, configuration: sessionConfiguration)
        CurrentUserMiddleware(sessions: accountSessions)
        BasketMiddleware(baskets: basketReads)
        FlashMiddleware(signer: signer)
        CSRFMiddleware(exemptPrefixes: ["/api/", "/mobile-api/"], secureCookies: config.behindHTTPSProxy, trustForwardedHost: config.behindHTTPSProxy)
        // Again innermost: a handler's error page knows who is signed in and what is in the basket.
        ErrorPageMiddleware(views: views, jsonPrefixes: ["/api/", "/mobile-api/"])
    }

    StaticController(views: views).addRoutes(to: router)
    CompanyController(db: db, views: views, mail: config.mail, catalogVersion: catalogVersion, currency: config.currency, limits: authLimits).addRoutes(to: router)
    CatalogController(db: db, views: views, currency: config.currency, catalogVersion: catalogVersion).addRoutes(to: router)
    SitemapController(db: db, catalogVersion: catalogVersion, publicURL: publicURL).addRoutes(to: router)
    AccountsController(db: db, views: views, sessions: accountSessions, limits: authLimits, mail: config.mail, publicURL: publicURL)
        .addRoutes(to: router)
    PasswordResetController(db: db, views: views, sessions: accountSessions, limits: authLimits, mail: config.mail, publicURL: publicURL)
        .addRoutes(to: router)
    AddressController(db: db, addressBook: addressBook, views: views).addRoutes(to: router)
    let shopSettings = try ShopSettings(db: db, configuredDelivery: config.delivery)
    BasketController(db: db, baskets: basketReads, views: views, currency: config.currency, settings: shopSettings).addRoutes(to: router)
    let orderEmail = OrderEmailSettings(mail: config.mail, publicURL: publicURL, currency: config.currency)
    CheckoutController(db: db, baskets: basketReads, addressBook: addressBook, views: views, email: orderEmail, settings: shopSettings).addRoutes(to: router)
    OrdersController(db: db, views: views, currency: config.currency, changes: OrderChanges(db: db)).addRoutes(to: router)
    let chatHub = ChatHub(limits: config.chat, logger: logger)
    HealthController(
        db: db, metrics: metrics, pageCaches: [views.cache, basketReads.pages], hub: chatHub, backups: config.backups,
        minimumFreeBytes: config.readyMinimumFreeBytes
    ).addRoutes(to: router)
    CustomerServiceController(db: db, views: views, hub: chatHub).addRoutes(to: router)
    MobileAppController(views: views).addRoutes(to: router)
    let chatSocket = ChatSocket(db: db, hub: chatHub, gate: ChatGate(db: db, sessions: accountSessions, trustForwardedHost: config.behindHTTPSProxy))
    let backupStatus = BackupStatus()
    for var site in config.adminSites {
        if transport == nil { site = site.with(models: site.models.map(OutboxAdmin.explainingUnsentMail)) }
        AdminController(
            site: site, store: AdminStore(db: db, orderEmail: orderEmail), views: views, currency: config.currency, seller: config.seller,
            signIn: SignIn(db: db, sessions: accountSessions, limits: authLimits), backupSettings: config.backups, backupStatus: backupStatus,
            shopSettings: shopSettings
        ).addRoutes(to: router)
    }
    OrderDashboard(store: AdminStore(db: db), views: views, currency: config.currency, sites: config.adminSites).addRoutes(to: router)
    let carrier: any Carrier =
        config.carrierURL.map { HTTPCarrier(name: "Carrier", urlTemplate: $0, timeout: config.carrierTimeout, client: .shared) } ?? BuiltInCarrier()
    let jwt = try await JWTTokens.make(db: db)
    try APIController(
        db: db, signIn: SignIn(db: db, sessions: accountSessions, limits: authLimits), publicURL: publicURL, orderEmail: orderEmail,
        currency: config.currency, carrier: carrier, jwt: jwt
    ).addRoutes(to: router)

    var services: [any Service] = [sessionStore, mailSender, catalogVersion, JWTPurgeService(tokens: jwt, logger: logger), ChatHubService(hub: chatHub)]
    if config.themeDirectory != nil {
        services.append(ThemeWatcher(views: views, interval: config.themePollInterval))
    }
    if let backups = config.backups {
        services.append(BackupService(db: db, settings: backups, status: backupStatus, logger: logger))
    }

    let openFiles = ConnectionLimits.raiseOpenFileLimit()
    let limits = config.connections
    let maxConnections = limits.maxConnections ?? ConnectionLimits.connections(forOpenFiles: openFiles.after)
    logger.info("Open files: soft limit \(openFiles.before) raised to \(openFiles.after) (hard \(openFiles.hard)); at most \(maxConnections) connections at once")
    var app = Application(
        router: RequestShape(router),
        server: ChatServerChannel.builder(
            webSocketRouter: chatSocket.router(), limits: limits,
            // Pings keep sockets through proxies; a close handshake waits at most 2 s, so a
            // SIGTERM with sockets open still ends in seconds.
            webSocket: .init(maxFrameSize: ChatSocket.maxFrameSize, autoPing: .enabled(timePeriod: .seconds(30)), closeTimeout: .seconds(2))
        ),
        configuration: .init(
            address: .hostname(config.host, port: config.port), serverName: "BookTime",
            // A burst of new connections waits in the kernel's queue (capped by somaxconn) rather
            // than being dropped and retried a second later.
            backlog: 4096,
            availableConnectionsDelegate: .maximum(maxConnections, logger: logger)
        ),
        onServerRunning: { channel in
            let port = channel.localAddress?.port ?? config.port
            let host = config.host.contains(":") ? "[\(config.host)]" : config.host
            if config.port == 0, config.publicURL?.isEmpty ?? true { publicURL.set("http://\(host):\(port)") }
            await onServerRunning("http://\(host):\(port)/")
        },
        logger: logger
    )
    app.addServices(services)
    return app
}

/// Polls the theme directory and reloads templates and static files when they change.
struct ThemeWatcher: Service {
    let views: Views
    let interval: Duration

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            views.reloadIfThemeChanged()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

/// Whether starting the server failed because another process listens on the address (the CLI
/// turns it into "port N is in use").
public func isAddressInUse(_ error: any Error) -> Bool {
    if let error = error as? IOError { return error.errnoCode == EADDRINUSE }
    return false
}

/// Whether another process already listens on `host:port`: `serve` asks before a first run creates
/// a database or anything is logged, so a taken port is one clear line.
public func isAddressInUse(host: String, port: Int) async -> Bool {
    guard port != 0 else { return false }
    do {
        // Bound as Hummingbird binds (address reuse on), so a socket in TIME_WAIT is no conflict.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port).get()
        try? await channel.close()
        return false
    } catch {
        return isAddressInUse(error)
    }
}
