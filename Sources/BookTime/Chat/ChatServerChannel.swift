import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The server's connections: HTTP/1.1 that may upgrade to the chat's WebSocket
/// (hummingbird-websocket's `HTTP1WebSocketUpgradeChannel`), with two things it lacks.
///
/// 1. The first request's head is read by NIO's upgrade handler before any of our HTTP handlers
///    is in the pipeline, so `SlowClientHandler` could not time it out: `FirstHeadTimeout` does,
///    at the byte level, until the head's blank line arrives.
/// 2. A refused upgrade is answered by the library with a bare 400; the chat refuses for want of
///    a session or of the right to the room, so `RefusedUpgradeStatus` (added by `ChatSocket` as
///    it refuses) makes it a 403.
struct ChatServerChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value
    let upgradable: HTTP1WebSocketUpgradeChannel
    let headerTimeout: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(FirstHeadTimeout(timeout: headerTimeout), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return upgradable.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await upgradable.handle(value: value, logger: logger)
    }

    /// The server builder for `Application(server:)`.
    static func builder<WSRouter: HTTPResponderBuilder & _HB_SendableMetatype>(
        webSocketRouter: WSRouter, limits: ConnectionLimits, webSocket: WebSocketServerConfiguration
    ) -> HTTPServerBuilder where WSRouter.Responder.Context: WebSocketRequestContext {
        let responder = webSocketRouter.buildResponder()
        let configuration = HTTP1WebSocketUpgradeChannel.Configuration(
            http1: .init(
                additionalChannelHandlers: [SlowClientHandler(limits: limits)],
                idleTimeout: .seconds(limits.idleTimeout.components.seconds)
            ),
            ws: webSocket
        )
        return HTTPServerBuilder { httpResponder in
            ChatServerChannel(
                upgradable: HTTP1WebSocketUpgradeChannel(responder: httpResponder, webSocketResponder: responder, configuration: configuration),
                headerTimeout: limits.headerTimeout
            )
        }
    }
}

/// Closes a connection whose first request head has not fully arrived within `timeout`; removes
/// itself once it has (the HTTP handlers time out everything after).
final class FirstHeadTimeout: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let timeout: Duration
    private var timer: Scheduled<Void>?
    /// The last bytes seen, for a blank line split across reads.
    private var tail: [UInt8] = []

    init(timeout: Duration) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        let channel = context.channel
        let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        timer = context.eventLoop.scheduleTask(in: .nanoseconds(nanoseconds)) { channel.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let bytes: [UInt8] = tail + Array(buffer.readableBytesView)
        var complete = false
        var index = 0
        while !complete, index + 3 < bytes.count {
            complete = bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10
            index += 1
        }
        tail = Array(bytes.suffix(3))
        context.fireChannelRead(data)
        if complete {
            timer?.cancel()
            timer = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

/// Turns the library's bare 400 for a refused chat upgrade into `status` (see `ChatServerChannel`).
/// `ChatSocket` adds it to a connection while refusing, so it exists only where a refusal is
/// written; it sits before the HTTP/1 encoder and rewrites the one response head.
final class RefusedUpgradeStatus: ChannelOutboundHandler, RemovableChannelHandler, Sendable {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let status: HTTPResponseStatus

    init(status: HTTPResponseStatus) { self.status = status }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        head.status = status
        context.write(wrapOutboundOut(.head(head)), promise: promise)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
