import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The context of a request on the WebSocket router: what `ChatGate` admitted, kept for the socket.
struct ChatSocketContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<ChatSocketContext>
    /// Set while deciding the upgrade, read by the socket (the router hands the handler the context
    /// as it was before `shouldUpgrade`, so the decision travels in this box).
    let admission: ChatAdmissionBox
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.webSocket = .init()
        self.admission = ChatAdmissionBox()
        self.channel = source.channel
    }
}

final class ChatAdmissionBox: Sendable {
    private let value = Mutex<ChatAdmission?>(nil)
    func set(_ admission: ChatAdmission) { value.withLock { $0 = admission } }
    var admission: ChatAdmission? { value.withLock { $0 } }
}

/// `/ws/customer-service/<order_id>/`: the book's `ChatConsumer`, with history kept in SQLite.
///
/// On join the client gets the room's last 50 messages (or, with `?last_id=N`, every message after
/// N), then everyone in the room, the joiner included, gets `chat_join`. Messages are stored, then
/// sent to the room with their id. A member of staff joining becomes the room's last spoken to.
struct ChatSocket: Sendable {
    let db: AppDatabase
    let hub: ChatHub
    let gate: ChatGate

    /// The largest frame read: a 2,000-character message fits with room for JSON escapes.
    static let maxFrameSize = 16 * 1024

    func router() -> Router<ChatSocketContext> {
        let router = Router(context: ChatSocketContext.self)
        router.ws(Routes.Pattern.chatSocket.routerPath) { request, context in
            guard let orderID = context.parameters.get("id", as: Int64.self) else { return .dontUpgrade }
            do {
                context.admission.set(try await gate.admit(request, orderID: orderID))
                return .upgrade([:])
            } catch let refusal as ChatGate.Refusal {
                context.logger.info("Refused chat socket for order \(orderID): \(refusal)")
                try? await context.channel.pipeline.addHandler(RefusedUpgradeStatus(status: .forbidden)).get()
                return .dontUpgrade
            }
        } onUpgrade: { inbound, outbound, context in
            guard let admission = context.requestContext.admission.admission else { return }
            await run(admission, inbound: inbound, outbound: outbound, channel: context.requestContext.channel, logger: context.logger)
        }
        return router
    }

    private func run(_ admission: ChatAdmission, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel, logger: Logger) async {
        let member = admission.member
        let connection: ChatHub.Connection
        do {
            connection = try hub.open(orderID: admission.orderID, member: member)
        } catch {
            logger.notice("Chat socket refused for user id=\(member.userID): \(error)")
            try? await outbound.close(.unknown(1013), reason: "too many connections; try again later")
            return
        }
        logger.info("Opening chat stream for \(member.isStaff ? "employee" : "client") \(member.email), order \(admission.orderID)")
        do {
            if member.isStaff { try await db.chat.staffJoined(orderID: admission.orderID, userID: member.userID) }
            let history = try await db.chat.history(orderID: admission.orderID, after: admission.lastSeenID)
            for message in history { try await outbound.writeTextMessage(ChatEvent.message(message).json) }
            hub.broadcast(.init(ChatEvent.join(member)), to: admission.orderID)
            let replayedUpTo = history.last?.id ?? 0
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await write(connection, to: outbound, skippingUpTo: replayedUpTo, channel: channel) }
                    group.addTask { await read(inbound, for: connection, logger: logger) }
                    await group.next()
                    connection.close(.ended)
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                connection.close(.shuttingDown)
            }
        } catch {
            logger.warning("Chat socket for order \(admission.orderID) failed: \(error)")
        }
        hub.remove(connection)
        hub.broadcast(.init(ChatEvent.leave(member)), to: admission.orderID)
        logger.info("Closing chat stream for user \(member.email), order \(admission.orderID)")
    }

    /// Sends queued frames until the queue ends, then the close frame its reason calls for.
    private func write(_ connection: ChatHub.Connection, to outbound: WebSocketOutboundWriter, skippingUpTo replayed: Int64, channel: any Channel) async {
        do {
            for await frame in connection.frames {
                // Already sent with the history: a message stored while the joiner's history was read.
                if let id = frame.messageID, id <= replayed { continue }
                try await outbound.writeTextMessage(frame.text)
            }
        } catch {
            return
        }
        guard let reason = connection.closeReason, reason != .ended else { return }
        if reason == .tooSlow {
            // A client that does not read may never take the close frame either.
            channel.close(promise: nil)
            return
        }
        try? await outbound.close(.unknown(reason.code), reason: reason.text)
    }

    /// Handles the client's frames until it closes. A bad frame gets an error frame, never a close.
    private func read(_ inbound: WebSocketInboundStream, for connection: ChatHub.Connection, logger: Logger) async {
        let member = connection.member
        let orderID = connection.orderID
        do {
            for try await message in inbound.messages(maxSize: Self.maxFrameSize) {
                connection.heard()
                guard case .text(let text) = message else {
                    connection.send(.init(ChatEvent.error("malformed", "Frames are JSON text, not binary.")))
                    continue
                }
                switch ChatCommand.parse(text) {
                case .failure(let problem):
                    connection.send(.init(problem.event))
                case .success(.heartbeat):
                    hub.seen(member, in: orderID)
                case .success(.message(let text)):
                    hub.seen(member, in: orderID)
                    guard hub.allowMessage(from: member.userID) else {
                        connection.send(.init(ChatEvent.error("rate_limited", "You are sending messages too quickly; wait a moment.")))
                        continue
                    }
                    await store(text, from: connection)
                }
            }
        } catch {
            logger.debug("Chat socket read ended: \(error)")
        }
    }

    private func store(_ text: String, from connection: ChatHub.Connection) async {
        let member = connection.member
        let message = ChatMessage(
            orderId: connection.orderID, userId: member.userID, username: member.username, fromStaff: member.isStaff, message: text, sentAt: .now
        )
        do {
            let stored = try await db.chat.append(message, seenByStaff: member.isStaff || hub.staffConnected(in: connection.orderID))
            hub.messageStored()
            hub.broadcast(.init(ChatEvent.message(stored), messageID: stored.id), to: connection.orderID)
        } catch {
            connection.send(.init(ChatEvent.error("unavailable", "The message could not be saved; try again.")))
        }
    }
}

/// A frame waiting in a connection's queue; a stored message's id lets a joiner skip what its
/// history already sent.
struct ChatFrame: Sendable {
    let text: String
    let messageID: Int64?

    init(_ event: ChatEvent, messageID: Int64? = nil) {
        self.text = event.json
        self.messageID = messageID
    }
}
