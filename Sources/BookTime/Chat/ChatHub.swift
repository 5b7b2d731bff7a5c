import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Rooms, connections and presence, in this process (the book used Redis for the group layer and
/// for presence; one binary needs neither).
///
/// Every connection has a bounded queue of frames to send: a broadcast only enqueues, so a slow
/// reader never holds up a room; a connection whose queue fills is closed (1008, "too slow").
/// Presence is per user, not per socket: a user is present in a room while a heartbeat or a
/// message of theirs arrived there in the last `presenceWindow`, on any connection.
final class ChatHub: Sendable {
    struct Limits: Sendable {
        /// Open sockets one user may hold (tabs, phone, reconnects in flight).
        var perUser = 8
        /// Open sockets in all.
        var total = 10_000
        /// Frames waiting for one slow client before it is dropped.
        var queueDepth = 256
        /// A socket with nothing from its client for this long is closed (clients heartbeat every 5 s).
        var idleTimeout: Duration = .seconds(60)
        /// How often idle sockets are looked for.
        var sweepInterval: Duration = .seconds(5)
        var presenceWindow: Duration = .seconds(10)
        /// Messages per user: a burst, then a steady rate.
        var messageBurst = 10
        var messagesPerSecond = 2.0
    }

    /// Why a connection could not be opened.
    enum AdmissionError: Error, Equatable {
        case tooManyForUser, tooManyInAll, shuttingDown
    }

    /// One open socket: its member, room and queue of outgoing frames.
    final class Connection: Sendable {
        let id: Int
        let orderID: Int64
        let member: ChatMember
        let frames: AsyncStream<ChatFrame>
        private let continuation: AsyncStream<ChatFrame>.Continuation
        private let state = Mutex<(closeReason: ChatCloseReason?, lastHeard: ContinuousClock.Instant)>((nil, .now))

        init(id: Int, orderID: Int64, member: ChatMember, queueDepth: Int) {
            self.id = id
            self.orderID = orderID
            self.member = member
            (frames, continuation) = AsyncStream.makeStream(of: ChatFrame.self, bufferingPolicy: .bufferingOldest(queueDepth))
        }

        /// Queues a frame; false when the queue was full (the connection is then closed).
        @discardableResult
        func send(_ frame: ChatFrame) -> Bool {
            if case .dropped = continuation.yield(frame) {
                close(.tooSlow)
                return false
            }
            return true
        }

        /// Ends the queue; the socket's writer sends a close frame with `reason` and stops.
        func close(_ reason: ChatCloseReason) {
            let first = state.withLock { state in
                guard state.closeReason == nil else { return false }
                state.closeReason = reason
                return true
            }
            if first { continuation.finish() }
        }

        var closeReason: ChatCloseReason? { state.withLock { $0.closeReason } }
        func heard(at now: ContinuousClock.Instant = .now) { state.withLock { $0.lastHeard = now } }
        var lastHeard: ContinuousClock.Instant { state.withLock { $0.lastHeard } }
    }

    /// Who is present in a room, as the dashboard shows it.
    struct PresentUser: Sendable, Equatable {
        let email: String
        let username: String
        let isStaff: Bool
    }

    private struct Presence {
        let member: ChatMember
        var lastSeen: ContinuousClock.Instant
    }

    private struct State {
        var nextID = 0
        var rooms: [Int64: [Int: Connection]] = [:]
        var socketsPerUser: [Int64: Int] = [:]
        var total = 0
        var presence: [Int64: [Int64: Presence]] = [:]
        var buckets: [Int64: (tokens: Double, at: ContinuousClock.Instant)] = [:]
        var shuttingDown = false
        /// Bumped by every join, leave and message: what the dashboard's unread counts follow.
        var version = 0
    }

    let limits: Limits
    private let state = Mutex(State())
    private let logger: Logger

    init(limits: Limits = Limits(), logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    /// Registers a socket in a room, or says why not.
    func open(orderID: Int64, member: ChatMember) throws(AdmissionError) -> Connection {
        let result = state.withLock { state -> Result<Connection, AdmissionError> in
            if state.shuttingDown { return .failure(.shuttingDown) }
            if state.total >= limits.total { return .failure(.tooManyInAll) }
            if state.socketsPerUser[member.userID, default: 0] >= limits.perUser { return .failure(.tooManyForUser) }
            state.nextID += 1
            let connection = Connection(id: state.nextID, orderID: orderID, member: member, queueDepth: limits.queueDepth)
            state.rooms[orderID, default: [:]][connection.id] = connection
            state.socketsPerUser[member.userID, default: 0] += 1
            state.total += 1
            state.version += 1
            return .success(connection)
        }
        return try result.get()
    }

    /// Removes a socket (once; later calls do nothing).
    func remove(_ connection: Connection) {
        state.withLock { state in
            guard state.rooms[connection.orderID]?.removeValue(forKey: connection.id) != nil else { return }
            if state.rooms[connection.orderID]?.isEmpty == true { state.rooms[connection.orderID] = nil }
            state.socketsPerUser[connection.member.userID, default: 1] -= 1
            if state.socketsPerUser[connection.member.userID] == 0 { state.socketsPerUser[connection.member.userID] = nil }
            state.total -= 1
            state.version += 1
        }
    }

    /// Queues `frame` for every socket in the room.
    func broadcast(_ frame: ChatFrame, to orderID: Int64) {
        let connections = state.withLock { state in state.rooms[orderID].map { Array($0.values) } ?? [] }
        for connection in connections { connection.send(frame) }
    }

    /// Whether a member of staff has a socket in the room (their presence reads what arrives).
    func staffConnected(in orderID: Int64) -> Bool {
        state.withLock { state in state.rooms[orderID]?.values.contains { $0.member.isStaff } ?? false }
    }

    /// A heartbeat or a message from `member`: present in the room for `presenceWindow` more.
    func seen(_ member: ChatMember, in orderID: Int64, at now: ContinuousClock.Instant = .now) {
        state.withLock { state in
            if state.presence[orderID]?[member.userID] == nil { state.version += 1 }
            state.presence[orderID, default: [:]][member.userID] = Presence(member: member, lastSeen: now)
        }
    }

    /// A new stored message: the dashboard's unread counts may have changed.
    func messageStored() {
        state.withLock { $0.version += 1 }
    }

    /// Takes one message from the user's allowance; false when they are sending too fast.
    func allowMessage(from userID: Int64, at now: ContinuousClock.Instant = .now) -> Bool {
        state.withLock { state in
            let burst = Double(limits.messageBurst)
            var bucket = state.buckets[userID] ?? (burst, now)
            let elapsed = Double((now - bucket.at).components.seconds) + Double((now - bucket.at).components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + elapsed * limits.messagesPerSecond)
            bucket.at = now
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            state.buckets[userID] = bucket
            return allowed
        }
    }

    /// Rooms with someone present or a socket open, and who is present in each (sorted by email).
    func rooms(at now: ContinuousClock.Instant = .now) -> [Int64: [PresentUser]] {
        state.withLock { state in
            var result: [Int64: [PresentUser]] = [:]
            for orderID in state.rooms.keys { result[orderID] = [] }
            for (orderID, users) in state.presence {
                let present = users.values.filter { now - $0.lastSeen < limits.presenceWindow }
                if present.isEmpty { continue }
                result[orderID] = present.map { PresentUser(email: $0.member.email, username: $0.member.username, isStaff: $0.member.isStaff) }
                    .sorted { $0.email < $1.email }
            }
            return result
        }
    }

    var version: Int { state.withLock { $0.version } }
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }
    var openSockets: Int { state.withLock { $0.total } }

    /// Closes idle sockets and forgets stale presence and rate buckets.
    func sweep(at now: ContinuousClock.Instant = .now) {
        let idle = state.withLock { state -> [Connection] in
            for (orderID, users) in state.presence {
                let kept = users.filter { now - $0.value.lastSeen < limits.presenceWindow * 6 }
                state.presence[orderID] = kept.isEmpty ? nil : kept
            }
            state.buckets = state.buckets.filter { now - $0.value.at < .seconds(60) }
            return state.rooms.values.flatMap(\.values).filter { now - $0.lastHeard > limits.idleTimeout }
        }
        for connection in idle { connection.close(.idle) }
    }

    /// Refuses new sockets and closes every open one with "going away".
    func shutDown() {
        let all = state.withLock { state -> [Connection] in
            state.shuttingDown = true
            return state.rooms.values.flatMap(\.values)
        }
        logger.info("Closing \(all.count) chat sockets")
        for connection in all { connection.close(.shuttingDown) }
    }
}

/// Why the server closed a socket: the WebSocket close code and the reason sent with it.
enum ChatCloseReason: Sendable, Equatable {
    case tooSlow, idle, shuttingDown
    /// The client left: nothing more to send.
    case ended

    var code: UInt16 {
        switch self {
        case .tooSlow: 1008  // policy violation
        case .idle, .ended: 1000  // normal closure
        case .shuttingDown: 1001  // going away
        }
    }

    var text: String {
        switch self {
        case .tooSlow: "too slow: frames were not read"
        case .idle: "idle"
        case .ended: ""
        case .shuttingDown: "server shutting down"
        }
    }
}

/// Runs with the server: sweeps idle sockets, and on graceful shutdown closes them all, so the
/// server's wait for open connections ends.
struct ChatHubService: Service {
    let hub: ChatHub

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            hub.sweep()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: hub.limits.sweepInterval) }
        }
        hub.shutDown()
    }
}
