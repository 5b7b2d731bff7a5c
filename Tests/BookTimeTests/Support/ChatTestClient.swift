import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import HummingbirdAuth

@testable import BookTime

/// A chat socket for tests: frames arrive in order through `next()`, `send` writes one. One test
/// task reads it at a time.
final class ChatTestClient: @unchecked Sendable {
    private var iterator: AsyncStream<String>.Iterator
    private let outgoing: AsyncStream<String>.Continuation
    let connection: Task<WebSocketCloseFrame?, any Error>

    /// Opens `path` (with its query) on the live test server at `port`.
    init(port: Int, path: String, headers: HTTPFields = [:]) {
        let (frames, framesIn) = AsyncStream.makeStream(of: String.self)
        let (toSend, outgoing) = AsyncStream.makeStream(of: String.self)
        iterator = frames.makeAsyncIterator()
        self.outgoing = outgoing
        connection = Task {
            defer { framesIn.finish() }
            return try await WebSocketClient.connect(
                url: "ws://localhost:\(port)\(path)", configuration: .init(maxFrameSize: 1 << 16, additionalHeaders: headers),
                logger: Logger(label: "chat-test")
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { framesIn.yield(text) }
                        }
                    }
                    group.addTask {
                        for await text in toSend { try await outbound.writeTextMessage(text) }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// The next frame, as JSON; fails after `timeout` or when the socket closed.
    func next(timeout: Duration = .seconds(5)) async throws -> [String: Any] {
        let text = try await nextText(timeout: timeout)
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw ChatTestError.notAnObject(text) }
        return object
    }

    func nextText(timeout: Duration = .seconds(5)) async throws -> String {
        let connection = connection
        let deadline = Task {
            try await Task.sleep(for: timeout)
            connection.cancel()
        }
        defer { deadline.cancel() }
        let text = await iterator.next(isolation: nil)
        guard let text else { throw ChatTestError.closed }
        return text
    }

    /// Frames until one of `type` arrives (skipping joins and leaves a test does not care about).
    func next(ofType type: String, timeout: Duration = .seconds(5)) async throws -> [String: Any] {
        while true {
            let frame = try await next(timeout: timeout)
            if frame["type"] as? String == type { return frame }
        }
    }

    func send(_ object: [String: Any]) throws {
        outgoing.yield(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    func sendText(_ text: String) { outgoing.yield(text) }

    func message(_ text: String) throws { try send(["type": "message", "message": text]) }
    func heartbeat() throws { try send(["type": "heartbeat"]) }

    /// Closes from the client's side and waits for the socket to end.
    @discardableResult
    func close() async -> WebSocketCloseFrame? {
        outgoing.finish()
        return try? await connection.value
    }

    /// Waits for the server to end the socket; its close frame. Fails after `timeout` rather
    /// than waiting forever (the client library does not always end a cancelled connection).
    func closed(timeout: Duration = .seconds(10)) async throws -> WebSocketCloseFrame? {
        let connection = connection
        let outcome = FirstOutcome<WebSocketCloseFrame?>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.start(continuation)
            Task { outcome.finish(await connection.result) }
            Task {
                try? await Task.sleep(for: timeout)
                outcome.finish(.failure(ChatTestError.timedOut))
                connection.cancel()
            }
        }
    }
}

enum ChatTestError: Error {
    case closed
    case timedOut
    case notAnObject(String)
}

/// Resumes a continuation with whichever result comes first; later ones are dropped.
final class FirstOutcome<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, any Error>?
    private var first: Result<Value, any Error>?
    private var resumed = false

    func start(_ continuation: CheckedContinuation<Value, any Error>) {
        lock.withLock {
            self.continuation = continuation
            resumeIfReady()
        }
    }

    func finish(_ result: Result<Value, any Error>) {
        lock.withLock {
            if first == nil { first = result }
            resumeIfReady()
        }
    }

    private func resumeIfReady() {
        guard !resumed, let continuation, let first else { return }
        resumed = true
        continuation.resume(with: first)
    }
}

/// Users, an order and tokens for chat tests: the book's John Smith (customer) and Adam Ford
/// (an employee), plus another customer.
struct ChatFixture {
    let customer: User
    let agent: User
    let stranger: User
    let order: Order
    let customerToken: String
    let agentToken: String
    let strangerToken: String

    /// Everyone's password is `testPassword`.
    static func make(_ db: AppDatabase, customerEmail: String = "john@bestemails.com") async throws -> ChatFixture {
        let hash = try await AdminShop.passwordHash.value
        let (customer, agent, stranger) = try await db.dbWriter.write { db in
            var customer = User(email: customerEmail, passwordHash: hash)
            customer.firstName = "John"
            customer.lastName = "Smith"
            try customer.insert(db)
            var agent = User(email: "customerservice@booktime.domain", passwordHash: hash, isStaff: true)
            agent.firstName = "Adam"
            agent.lastName = "Ford"
            try agent.insert(db)
            try db.execute(
                sql: "INSERT INTO userGroupMembership (userId, userGroupId) SELECT ?, id FROM userGroup WHERE name = ?",
                arguments: [agent.id, StaffGroup.employees]
            )
            var stranger = User(email: "someone.else@example.com", passwordHash: hash)
            try stranger.insert(db)
            return (customer, agent, stranger)
        }
        let (order, _) = try await OrderWorkflowTests.order(db, user: customer)
        return ChatFixture(
            customer: customer, agent: agent, stranger: stranger, order: order,
            customerToken: try await db.users.createAPIToken(userID: customer.id!, device: "test"),
            agentToken: try await db.users.createAPIToken(userID: agent.id!, device: "test"),
            strangerToken: try await db.users.createAPIToken(userID: stranger.id!, device: "test")
        )
    }

    var orderID: Int64 { order.id! }

    func path(token: String, lastID: Int64? = nil) -> String {
        Routes.chatSocket(orderID: orderID) + "?token=\(token)" + (lastID.map { "&last_id=\($0)" } ?? "")
    }
}

extension TestBrowser {
    /// Signs `user` in by writing their session straight to the database, as signing in would
    /// (no bcrypt: live-server tests run beside hundreds of others, and a queue of password
    /// checks can outlast the live client's read timeout).
    func signInDirectly(_ user: User, db: AppDatabase) async throws {
        setCookie(AccountSessions.cookieName, try await Self.sessionCookie(for: user, db: db))
    }

    /// A new session of `user`'s: the session cookie's value.
    static func sessionCookie(for user: User, db: AppDatabase) async throws -> String {
        let signer = CookieSigner(secret: try db.secretKey())
        let storage = SessionStorage<AppSession>(
            SQLitePersistDriver(db: db), configuration: .init(sessionCookieParameters: .init(name: AccountSessions.cookieName))
        )
        let session = AppSession(userID: user.id, authHash: AccountSessions.authHash(for: user, signer: signer))
        return try await storage.save(session: session, expiresIn: AccountSessions.lifetime).value
    }
}
