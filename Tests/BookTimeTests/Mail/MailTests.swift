import Foundation
import Logging
import GRDB
import Testing

@testable import BookTime

@Suite struct MailSenderTests {
    func queue(_ db: AppDatabase, subject: String = "Site message") async throws -> OutboxEmail {
        try await db.outbox.enqueueEmail(OutboxEmail(to: "customerservice@booktime.domain", from: "site@booktime.domain", subject: subject, body: "From: Luke\nHi"))
    }

    @Test func deliversDueMailAndMarksItSent() async throws {
        let test = try TestDatabase()
        let transport = RecordingTransport()
        _ = try await queue(test.db)
        let sender = MailSender(db: test.db, transport: transport)
        let result = await sender.deliverDue()
        #expect(result.sent == 1 && result.failed == 0)
        #expect(transport.sent.map(\.subject) == ["Site message"])
        let stored = try #require(try await test.db.outbox.outbox().first)
        #expect(stored.status == .sent)
        #expect(stored.sentAt != nil)
        #expect(stored.attempts == 1)
        // Sent mail is not sent again.
        #expect(await sender.deliverDue().sent == 0)
        #expect(transport.sent.count == 1)
    }

    @Test func failureIsRetriedWithBackoff() async throws {
        let test = try TestDatabase()
        let transport = RecordingTransport(failFirst: 1)
        _ = try await queue(test.db)
        let sender = MailSender(db: test.db, transport: transport)
        let start = Date()
        #expect(await sender.deliverDue(now: { start }).failed == 1)
        var stored = try #require(try await test.db.outbox.outbox().first)
        #expect(stored.status == .pending)
        #expect(stored.attempts == 1)
        #expect(stored.lastError?.contains("server said no") == true)
        #expect(abs(stored.nextAttemptAt.timeIntervalSince(start) - 30) < 1)

        // Not due yet: nothing happens.
        #expect(await sender.deliverDue(now: { start.addingTimeInterval(10) }).sent == 0)
        // Due: delivered.
        #expect(await sender.deliverDue(now: { start.addingTimeInterval(31) }).sent == 1)
        stored = try #require(try await test.db.outbox.outbox().first)
        #expect(stored.status == .sent)
        #expect(stored.lastError == nil)
    }

    @Test func givesUpAfterMaxAttemptsButKeepsTheMessage() async throws {
        let test = try TestDatabase()
        let transport = RecordingTransport(failFirst: 100)
        _ = try await queue(test.db)
        let sender = MailSender(db: test.db, transport: transport)
        var clock = Date()
        for _ in 0..<MailSender.maxAttempts {
            let now = clock
            await sender.deliverDue(now: { now })
            clock = clock.addingTimeInterval(3601)
        }
        let stored = try #require(try await test.db.outbox.outbox().first)
        #expect(stored.status == .failed)
        #expect(stored.attempts == MailSender.maxAttempts)
        #expect(transport.sent.isEmpty)
    }

    @Test func backoffGrowsAndIsCapped() {
        #expect(MailSender.backoff(afterAttempts: 1) == 30)
        #expect(MailSender.backoff(afterAttempts: 2) == 60)
        #expect(MailSender.backoff(afterAttempts: 3) == 120)
        #expect(MailSender.backoff(afterAttempts: 20) == 3600)
    }

    @Test func withoutTransportMailStaysPending() async throws {
        let test = try TestDatabase()
        _ = try await queue(test.db)
        let result = await MailSender(db: test.db, transport: nil).deliverDue()
        #expect(result.sent == 0)
        #expect(try await test.db.outbox.outbox().first?.status == .pending)
    }
}

@Suite struct SMTPTests {
    @Test func parsesSMTPURLs() throws {
        let full = try SMTPConfiguration(url: "smtp://user%40example.com:p%3Ass@mail.example.com:587")
        #expect(full == SMTPConfiguration(host: "mail.example.com", port: 587, username: "user@example.com", password: "p:ss"))
        let local = try SMTPConfiguration(url: "smtp://127.0.0.1:1025")
        #expect(local.host == "127.0.0.1" && local.port == 1025 && local.username == nil)
        #expect(try SMTPConfiguration(url: "smtps://mail.example.com").port == 465)
        #expect(try SMTPConfiguration(url: "smtps://mail.example.com").security == .implicitTLS)
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "http://mail.example.com") }
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "smtp://") }
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "not a url at all") }
    }

    @Test func deliversToAnSMTPServer() async throws {
        let server = FakeSMTPServer()
        try await server.start()
        defer { Task { await server.stop() } }
        var email = OutboxEmail(to: "customerservice@booktime.domain", from: "site@booktime.domain", subject: "Site message", body: "From: Luke\n.Hi there\nünïcode")
        email.id = 42
        let transport = SMTPTransport(
            configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port, username: "shop", password: "secret"),
            timeout: .seconds(5)
        )
        try await transport.send(email)

        let commands = server.commands
        #expect(commands.first?.hasPrefix("EHLO ") == true)
        #expect(commands.contains("AUTH PLAIN \(Data("\u{0}shop\u{0}secret".utf8).base64EncodedString())"))
        #expect(commands.contains("MAIL FROM:<site@booktime.domain>"))
        #expect(commands.contains("RCPT TO:<customerservice@booktime.domain>"))
        let message = try #require(server.messages.first)
        #expect(message.contains("Subject: Site message"))
        #expect(message.contains("Content-Type: text/plain; charset=utf-8"))
        // Dot-stuffing keeps a line starting with "." intact.
        #expect(message.contains("\r\n..Hi there\r\n"))
        #expect(message.contains("ünïcode"))
    }

    @Test func rejectedRecipientIsAnError() async throws {
        let server = FakeSMTPServer(rejectRecipients: true)
        try await server.start()
        defer { Task { await server.stop() } }
        let transport = SMTPTransport(configuration: SMTPConfiguration(host: "127.0.0.1", port: server.port), timeout: .seconds(5))
        let email = OutboxEmail(to: "nobody@booktime.domain", from: "site@booktime.domain", subject: "s", body: "b")
        await #expect(throws: SMTPTransport.SMTPError.self) { try await transport.send(email) }
    }

    @Test func headerInjectionInAddressesIsRefused() {
        #expect(throws: SMTPTransport.SMTPError.self) { try SMTPTransport.address("a@b.c>\r\nRCPT TO:<evil@x") }
        #expect(throws: Never.self) { try SMTPTransport.address("a@b.c") }
    }

    @Test func nonASCIISubjectIsEncoded() {
        let email = OutboxEmail(to: "a@b.c", from: "d@e.f", subject: "Café\r\nBcc: x@y", body: "b")
        let message = SMTPTransport.message(email)
        #expect(message.contains("Subject: =?UTF-8?B?"))
        #expect(!message.contains("\r\nBcc:"))
    }

    @Test func unreachableServerIsAnError() async throws {
        // Port 1 on loopback: nothing listens there.
        let transport = SMTPTransport(configuration: SMTPConfiguration(host: "127.0.0.1", port: 1), timeout: .seconds(2))
        await #expect(throws: (any Error).self) {
            try await transport.send(OutboxEmail(to: "a@b.c", from: "d@e.f", subject: "s", body: "b"))
        }
    }

    /// Without SMTP the log says a message waits and where to read it; a reset link or a
    /// customer's words appear only at debug level.
    @Test func undeliveredMailIsLoggedWithoutItsText() async throws {
        let test = try TestDatabase()
        try await test.db.outbox.enqueueEmail(OutboxEmail(to: "a@b.co", from: "site@shop", subject: "Reset", body: "secret-link-123"))
        for level in [Logger.Level.info, .debug] {
            let lines = LogRecorder()
            var logger = Logger(label: "test") { _ in lines }
            logger.logLevel = level
            _ = await MailSender(db: test.db, transport: nil, logger: logger).logUndelivered(after: 0)
            let text = lines.messages.joined(separator: "\n")
            #expect(text.contains("queued in the outbox") && text.contains("/admin/email/"))
            #expect(text.contains("secret-link-123") == (level == .debug))
        }
    }
}

/// Keeps what was logged, for tests.
final class LogRecorder: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var messages: [String] { lock.withLock { recorded } }
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        lock.withLock { recorded.append(message.description) }
    }
}
