import Foundation
import GRDB

/// One email in the outbox. Features write here inside their own transaction; `MailSender`
/// delivers, so a message is never lost to a mail server being down.
public struct OutboxEmail: Codable, Sendable, Equatable, Identifiable {
    public enum Status: String, Codable, Sendable, DatabaseValueConvertible {
        /// Waiting for its first or next attempt.
        case pending
        /// Accepted by the mail server.
        case sent
        /// Gave up after `MailSender.maxAttempts`; kept for an owner to inspect and retry.
        case failed
    }

    public var id: Int64?
    public var toAddress: String
    public var fromAddress: String
    public var subject: String
    /// The plain-text part; every message has one.
    public var body: String
    /// An HTML alternative of `body`, sent as `multipart/alternative` when present.
    public var htmlBody: String?
    /// Where answers go (the customer, for a contact message), when not to the sender.
    public var replyTo: String?
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(to: String, from: String, subject: String, body: String, htmlBody: String? = nil, replyTo: String? = nil, now: Date = .now) {
        self.toAddress = to
        self.fromAddress = from
        self.subject = subject
        self.body = body
        self.htmlBody = htmlBody
        self.replyTo = replyTo
        self.status = .pending
        self.attempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
    }
}

extension OutboxEmail: FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "emailOutbox"

    public enum Columns {
        static let status = Column(CodingKeys.status)
        static let nextAttemptAt = Column(CodingKeys.nextAttemptAt)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Columns listed once, dates as `DatabaseDate`: every order queues one (see `ListedColumnsRecord`).
extension OutboxEmail: ListedColumnsRecord {
    public static let writtenColumns: [WrittenColumn<OutboxEmail>] = [
        WrittenColumn(CodingKeys.id.stringValue) { $0.id },
        WrittenColumn(CodingKeys.toAddress.stringValue) { $0.toAddress },
        WrittenColumn(CodingKeys.fromAddress.stringValue) { $0.fromAddress },
        WrittenColumn(CodingKeys.subject.stringValue) { $0.subject },
        WrittenColumn(CodingKeys.body.stringValue) { $0.body },
        WrittenColumn(CodingKeys.htmlBody.stringValue) { $0.htmlBody },
        WrittenColumn(CodingKeys.replyTo.stringValue) { $0.replyTo },
        WrittenColumn(CodingKeys.status.stringValue) { $0.status },
        WrittenColumn(CodingKeys.attempts.stringValue) { $0.attempts },
        WrittenColumn(CodingKeys.nextAttemptAt.stringValue) { DatabaseDate($0.nextAttemptAt) },
        WrittenColumn(CodingKeys.lastError.stringValue) { $0.lastError },
        WrittenColumn(CodingKeys.createdAt.stringValue) { DatabaseDate($0.createdAt) },
        WrittenColumn(CodingKeys.sentAt.stringValue) { $0.sentAt.map(DatabaseDate.init) },
    ]
}

extension DerivableRequest<OutboxEmail> {
    /// Pending messages whose next attempt is due, oldest first.
    func due(at now: Date) -> Self {
        filter(OutboxEmail.Columns.status == OutboxEmail.Status.pending && OutboxEmail.Columns.nextAttemptAt <= now)
            .order(OutboxEmail.Columns.nextAttemptAt, OutboxEmail.Columns.createdAt)
    }
}

/// The database side of the email outbox.
public struct OutboxStore: Sendable {
    let db: AppDatabase
}

extension AppDatabase {
    public var outbox: OutboxStore { OutboxStore(db: self) }
}

extension OutboxStore {
    /// Queues an email in its own transaction.
    @discardableResult
    public func enqueueEmail(_ email: OutboxEmail) async throws -> OutboxEmail {
        try await db.dbWriter.write { db in
            var email = email
            try email.insert(db)
            return email
        }
    }

    /// Messages to `address` not yet delivered (the contact form's cap).
    public func pendingEmailCount(to address: String) async throws -> Int {
        try await db.reader.read { db in
            try OutboxEmail.filter(Column("toAddress") == address && OutboxEmail.Columns.status == OutboxEmail.Status.pending).fetchCount(db)
        }
    }

    /// Every email, newest first (tests and the back office).
    public func outbox() async throws -> [OutboxEmail] {
        try await db.reader.read { db in
            try OutboxEmail.order(OutboxEmail.Columns.createdAt.desc, Column("id").desc).fetchAll(db)
        }
    }
}
