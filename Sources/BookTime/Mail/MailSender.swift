import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Something that can deliver one email (SMTP in production, a recorder in tests).
public protocol MailTransport: Sendable {
    func send(_ email: OutboxEmail) async throws
}

/// Delivers the outbox in the background: due messages are sent oldest first; a failure is
/// retried with exponential backoff; after `maxAttempts` a message is marked failed and kept.
/// Without a transport (no `BOOKTIME_SMTP_URL`), messages stay pending and are logged once.
public struct MailSender: Service {
    let db: AppDatabase
    let transport: (any MailTransport)?
    let logger: Logger
    let pollInterval: Duration
    public static let maxAttempts = 8

    public init(db: AppDatabase, transport: (any MailTransport)?, pollInterval: Duration = .seconds(5), logger: Logger = Logger(label: "booktime.mail")) {
        self.db = db
        self.transport = transport
        self.pollInterval = pollInterval
        self.logger = logger
    }

    public func run() async throws {
        var lastLoggedID: Int64 = 0
        if transport == nil {
            logger.notice("BOOKTIME_SMTP_URL is not set: emails stay in the outbox; owners read them at \(Routes.ownersAdmin)email/.")
        }
        var delay = pollInterval
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            if transport != nil {
                // While the database cannot be written (a full disk), wait longer each time, up to
                // five minutes: every pass could send a message whose sending cannot be recorded.
                delay = await deliverDue().storageFailed ? min(delay * 2, .seconds(300)) : pollInterval
            } else {
                lastLoggedID = await logUndelivered(after: lastLoggedID)
            }
            let wait = delay
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
        }
    }

    /// Delay before attempt `attempts + 1`: 30 s, 1 min, 2 min, ... capped at one hour.
    static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 30 * pow(2, Double(max(0, attempts - 1))))
    }

    /// One pass over the due messages. Returns how many were sent, how many attempts failed, and
    /// whether an outcome could not be recorded (the pass then stops, so at most one message is
    /// sent that the outbox still thinks is waiting).
    @discardableResult
    public func deliverDue(now: @Sendable () -> Date = { .now }) async -> (sent: Int, failed: Int, storageFailed: Bool) {
        guard let transport else { return (0, 0, false) }
        var sent = 0
        var failed = 0
        let due: [OutboxEmail]
        do {
            due = try await db.reader.read { [now = now()] db in try OutboxEmail.all().due(at: now).limit(50).fetchAll(db) }
        } catch {
            logger.error("Reading the outbox failed: \(error)")
            return (0, 0, true)
        }
        for var email in due {
            do {
                try await transport.send(email)
                email.status = .sent
                email.sentAt = now()
                email.attempts += 1
                email.lastError = nil
                sent += 1
                logger.info("Sent email \(email.id ?? 0) to \(email.toAddress): \(email.subject)")
            } catch {
                email.attempts += 1
                email.lastError = String(describing: error)
                if email.attempts >= Self.maxAttempts {
                    email.status = .failed
                    logger.error("Giving up on email \(email.id ?? 0) to \(email.toAddress) after \(email.attempts) attempts: \(error)")
                } else {
                    email.nextAttemptAt = now().addingTimeInterval(Self.backoff(afterAttempts: email.attempts))
                    logger.warning("Email \(email.id ?? 0) to \(email.toAddress) failed (attempt \(email.attempts)), retrying later: \(error)")
                }
                failed += 1
            }
            do {
                try await db.dbWriter.write { [email] db in try email.update(db) }
            } catch {
                logger.error("Recording the outcome of email \(email.id ?? 0) failed: \(error); waiting longer before the next pass")
                return (sent, failed, true)
            }
        }
        return (sent, failed, false)
    }

    /// Says that each new message is waiting, and where an owner reads it. Its text (a reset link,
    /// a customer's message) is logged at debug level only: logs are kept and shared more widely
    /// than the back office.
    func logUndelivered(after lastID: Int64) async -> Int64 {
        do {
            let fresh = try await db.reader.read { db in
                try OutboxEmail.filter(Column("id") > lastID && OutboxEmail.Columns.status == OutboxEmail.Status.pending)
                    .order(Column("id")).fetchAll(db)
            }
            for email in fresh {
                let id = email.id ?? 0
                logger.info("Email \(id) queued in the outbox (no SMTP configured): to=\(email.toAddress); read it at \(Routes.ownersAdmin)email/\(id)/")
                logger.debug("Email \(id): subject=\(email.subject.debugDescription)\n\(email.body)")
            }
            return fresh.last?.id ?? lastID
        } catch {
            logger.error("Reading the outbox failed: \(error)")
            return lastID
        }
    }
}
