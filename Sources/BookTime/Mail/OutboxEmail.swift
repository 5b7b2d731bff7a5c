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

extension OutboxEmail {
    /// Columns by hand, dates as `DatabaseDate`: every order queues one (see `Order.encode(to:)`).
    public func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.id.stringValue] = id
        container[CodingKeys.toAddress.stringValue] = toAddress
        container[CodingKeys.fromAddress.stringValue] = fromAddress
        container[CodingKeys.subject.stringValue] = subject
        container[CodingKeys.body.stringValue] = body
        container[CodingKeys.htmlBody.stringValue] = htmlBody
        container[CodingKeys.replyTo.stringValue] = replyTo
        container[CodingKeys.status.stringValue] = status
        container[CodingKeys.attempts.stringValue] = attempts
        container[CodingKeys.nextAttemptAt.stringValue] = DatabaseDate(nextAttemptAt)
        container[CodingKeys.lastError.stringValue] = lastError
        container[CodingKeys.createdAt.stringValue] = DatabaseDate(createdAt)
        container[CodingKeys.sentAt.stringValue] = sentAt.map(DatabaseDate.init)
    }
}

extension DerivableRequest<OutboxEmail> {
    /// Pending messages whose next attempt is due, oldest first.
    func due(at now: Date) -> Self {
        filter(OutboxEmail.Columns.status == OutboxEmail.Status.pending && OutboxEmail.Columns.nextAttemptAt <= now)
            .order(OutboxEmail.Columns.nextAttemptAt, OutboxEmail.Columns.createdAt)
    }
}

extension AppDatabase {
    /// Queues an email in its own transaction.
    @discardableResult
    public func enqueueEmail(_ email: OutboxEmail) async throws -> OutboxEmail {
        try await dbWriter.write { db in
            var email = email
            try email.insert(db)
            return email
        }
    }

    /// Messages to `address` not yet delivered (the contact form's cap).
    public func pendingEmailCount(to address: String) async throws -> Int {
        try await reader.read { db in
            try OutboxEmail.filter(Column("toAddress") == address && OutboxEmail.Columns.status == OutboxEmail.Status.pending).fetchCount(db)
        }
    }

    /// Every email, newest first (tests and the back office).
    public func outbox() async throws -> [OutboxEmail] {
        try await reader.read { db in
            try OutboxEmail.order(OutboxEmail.Columns.createdAt.desc, Column("id").desc).fetchAll(db)
        }
    }
}
