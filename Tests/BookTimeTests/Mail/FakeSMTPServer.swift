import Foundation
import NIOCore
import NIOPosix

/// A tiny SMTP server on loopback for tests: records the conversation and the message data.
final class FakeSMTPServer: @unchecked Sendable {
    private let lock = NSLock()
    private var _commands: [String] = []
    private var _messages: [String] = []
    let rejectRecipients: Bool
    private var channel: (any Channel)?

    var commands: [String] { lock.withLock { _commands } }
    var messages: [String] { lock.withLock { _messages } }
    var port: Int { channel?.localAddress?.port ?? 0 }

    init(rejectRecipients: Bool = false) {
        self.rejectRecipients = rejectRecipients
    }

    func start() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    func stop() async {
        try? await channel?.close()
    }

    fileprivate func record(command: String) { lock.withLock { _commands.append(command) } }
    fileprivate func record(message: String) { lock.withLock { _messages.append(message) } }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let server: FakeSMTPServer
        var buffer = ""
        var inData = false
        var data: [String] = []

        init(server: FakeSMTPServer) { self.server = server }

        func channelActive(context: ChannelHandlerContext) {
            reply("220 fake.smtp ESMTP ready", context: context)
        }

        func channelRead(context: ChannelHandlerContext, data incoming: NIOAny) {
            var bytes = unwrapInboundIn(incoming)
            buffer += bytes.readString(length: bytes.readableBytes) ?? ""
            while let range = buffer.range(of: "\r\n") {
                let line = String(buffer[..<range.lowerBound])
                buffer.removeSubrange(..<range.upperBound)
                handle(line, context: context)
            }
        }

        func handle(_ line: String, context: ChannelHandlerContext) {
            if inData {
                if line == "." {
                    inData = false
                    server.record(message: data.joined(separator: "\r\n"))
                    data = []
                    reply("250 2.0.0 queued", context: context)
                } else {
                    data.append(line)
                }
                return
            }
            server.record(command: line)
            let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
            switch verb {
            case "EHLO": reply("250-fake.smtp greets you\r\n250-AUTH PLAIN\r\n250 8BITMIME", context: context)
            case "AUTH": reply("235 2.7.0 authenticated", context: context)
            case "MAIL": reply("250 2.1.0 ok", context: context)
            case "RCPT": reply(server.rejectRecipients ? "550 5.1.1 no such user" : "250 2.1.5 ok", context: context)
            case "DATA":
                inData = true
                reply("354 go ahead", context: context)
            case "QUIT":
                reply("221 bye", context: context)
                context.close(promise: nil)
            default: reply("502 5.5.2 unknown command", context: context)
            }
        }

        func reply(_ text: String, context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
        }
    }
}
