import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Delivers one message per connection over SMTP (RFC 5321): EHLO, STARTTLS when offered,
/// AUTH PLAIN when credentials are set, MAIL FROM, RCPT TO, DATA, QUIT.
public struct SMTPTransport: MailTransport {
    public let configuration: SMTPConfiguration
    let timeout: TimeAmount

    public struct SMTPError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: SMTPConfiguration, timeout: TimeAmount = .seconds(30)) {
        self.configuration = configuration
        self.timeout = timeout
    }

    public func send(_ email: OutboxEmail) async throws {
        let lines = SMTPLineHandler()
        let sslContext = try NIOSSLContext(configuration: .makeClientConfiguration())
        let config = configuration
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if config.security == .implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: sslContext, serverHostname: config.host)
                        )
                    }
                    try channel.pipeline.syncOperations.addHandler(lines)
                }
            }
            .connect(host: config.host, port: config.port)
            .get()
        do {
            try await converse(channel: channel, lines: lines, sslContext: sslContext, email: email)
            try? await channel.close()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private func converse(channel: any Channel, lines: SMTPLineHandler, sslContext: NIOSSLContext, email: OutboxEmail) async throws {
        let session = SMTPSession(channel: channel, lines: lines, timeout: timeout)
        try await session.expect(220, after: nil)
        var capabilities = try await session.expect(250, after: "EHLO \(configuration.heloName)")
        if configuration.security == .startTLSIfOffered, capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) {
            _ = try await session.expect(220, after: "STARTTLS")
            let host = configuration.host
            try await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    try NIOSSLClientHandler(context: sslContext, serverHostname: host), position: .first
                )
            }.get()
            capabilities = try await session.expect(250, after: "EHLO \(configuration.heloName)")
        }
        if let username = configuration.username {
            let token = Data("\u{0}\(username)\u{0}\(configuration.password ?? "")".utf8).base64EncodedString()
            _ = try await session.expect(235, after: "AUTH PLAIN \(token)")
        }
        _ = try await session.expect(250, after: "MAIL FROM:<\(try Self.address(email.fromAddress))>")
        _ = try await session.expect(250, after: "RCPT TO:<\(try Self.address(email.toAddress))>", orAlso: 251)
        _ = try await session.expect(354, after: "DATA")
        _ = try await session.expect(250, after: Self.message(email) + "\r\n.")
        _ = try? await session.expect(221, after: "QUIT")
    }

    /// An address safe to put in an envelope command (no CR, LF or angle brackets).
    static func address(_ address: String) throws -> String {
        guard !address.isEmpty, address.allSatisfy({ !"\r\n<> ".contains($0) }) else {
            throw SMTPError(description: "invalid address \(address.debugDescription)")
        }
        return address
    }

    /// The RFC 5322 message, dot-stuffed, with UTF-8 subject and body; `Reply-To` when set, and
    /// `multipart/alternative` (plain text first, then HTML) when the email has an HTML part.
    static func message(_ email: OutboxEmail) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        var headers = [
            "From: \(email.fromAddress)",
            "To: \(email.toAddress)",
        ]
        if let replyTo = email.replyTo { headers.append("Reply-To: \(headerValue(replyTo))") }
        headers += [
            "Subject: \(headerValue(email.subject))",
            "Date: \(formatter.string(from: email.createdAt))",
            "Message-ID: <outbox-\(email.id ?? 0)-\(Int(email.createdAt.timeIntervalSince1970))@booktime>",
            "MIME-Version: 1.0",
        ]
        let body: String
        if let html = email.htmlBody {
            let boundary = "booktime-\(email.id ?? 0)-\(Int(email.createdAt.timeIntervalSince1970))-alt"
            headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
            body = [
                "--\(boundary)", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", email.body,
                "--\(boundary)", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", html,
                "--\(boundary)--", "",
            ].joined(separator: "\n")
        } else {
            headers += ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"]
            body = email.body
        }
        let stuffed = body
            .replacingOccurrences(of: "\r\n", with: "\n")
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + stuffed
    }

    /// A header value on one line: plain ASCII as it is, anything else as an RFC 2047 encoded word.
    static func headerValue(_ value: String) -> String {
        value.allSatisfy(\.isASCII)
            ? value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            : "=?UTF-8?B?\(Data(value.utf8).base64EncodedString())?="
    }
}

/// Sends commands and reads multi-line replies (`250-...` continued, `250 ...` final).
private struct SMTPSession {
    let channel: any Channel
    let lines: SMTPLineHandler
    let timeout: TimeAmount

    @discardableResult
    func expect(_ code: Int, after command: String?, orAlso other: Int? = nil) async throws -> [String] {
        if let command {
            try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n")).get()
        }
        var texts: [String] = []
        while true {
            let line = try await lines.nextLine(timeout: timeout, on: channel.eventLoop)
            guard line.count >= 3, let replyCode = Int(line.prefix(3)) else {
                throw SMTPTransport.SMTPError(description: "unexpected reply \(line.debugDescription)")
            }
            texts.append(String(line.dropFirst(4)))
            if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { continue }
            guard replyCode == code || replyCode == other else {
                let shown = command.map { $0.hasPrefix("AUTH") ? "AUTH" : String($0.prefix(40)) } ?? "greeting"
                throw SMTPTransport.SMTPError(description: "server answered \(line) to \(shown)")
            }
            return texts
        }
    }
}

/// Splits the inbound bytes into CRLF-terminated lines and hands them to waiting readers.
final class SMTPLineHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    // Touched only on the channel's event loop.
    private var buffer = ""
    private var ready: [String] = []
    private var waiting: EventLoopPromise<String>?
    private var failure: (any Error)?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        buffer += bytes.readString(length: bytes.readableBytes) ?? ""
        while let range = buffer.range(of: "\r\n") {
            ready.append(String(buffer[..<range.lowerBound]))
            buffer.removeSubrange(..<range.upperBound)
        }
        deliver()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPTransport.SMTPError(description: "the server closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error)
        context.close(promise: nil)
    }

    private func fail(_ error: any Error) {
        failure = failure ?? error
        deliver()
    }

    private func deliver() {
        guard let promise = waiting else { return }
        if !ready.isEmpty {
            waiting = nil
            promise.succeed(ready.removeFirst())
        } else if let failure {
            waiting = nil
            promise.fail(failure)
        }
    }

    func nextLine(timeout: TimeAmount, on eventLoop: any EventLoop) async throws -> String {
        let promise = eventLoop.makePromise(of: String.self)
        eventLoop.execute {
            self.waiting = promise
            self.deliver()
        }
        let timer = eventLoop.scheduleTask(in: timeout) {
            // Only if this read is still the one waiting: a reply may have won the race.
            if let waiting = self.waiting, waiting.futureResult === promise.futureResult {
                self.waiting = nil
                promise.fail(SMTPTransport.SMTPError(description: "timed out waiting for the server"))
            }
        }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }
}
