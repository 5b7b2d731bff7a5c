import Foundation
import Hummingbird
import Synchronization

/// One message shown once on the next page, like Django's `messages` framework.
public struct FlashMessage: Codable, Sendable, Equatable {
    public enum Level: String, Codable, Sendable {
        case info, success, warning, error
    }

    /// A link after the text, to a page of this site ("Fix it").
    public struct Link: Codable, Sendable, Equatable {
        public var label: String
        public var url: String
    }

    public var level: Level
    public var text: String
    public var link: Link?

    public init(_ level: Level, _ text: String, link: Link? = nil) {
        self.level = level
        self.text = text
        // Only a local path: the cookie is signed, but a link never leaves the site.
        self.link = link.flatMap { $0.url.hasPrefix("/") && !$0.url.hasPrefix("//") ? $0 : nil }
    }
}

/// The messages of one request: those that arrived (to show) and those to carry to the next page.
///
/// A reference type so that a handler can add a message that `FlashMiddleware` then stores in a
/// signed cookie on the way out, with no server-side state for anonymous visitors.
public final class FlashMessages: Sendable {
    private struct State {
        var incoming: [FlashMessage] = []
        var outgoing: [FlashMessage] = []
        var consumed = false
    }

    private let state = Mutex(State())
    /// At most this many are carried (the newest), so a client that never looks at a page, such as
    /// a script posting forms, cannot grow the cookie past what servers accept.
    static let carriedLimit = 5

    public init() {}

    /// Queue a message for the next page the visitor sees.
    public func add(_ level: FlashMessage.Level, _ text: String, link: FlashMessage.Link? = nil) {
        state.withLock { $0.outgoing.append(FlashMessage(level, text, link: link)) }
    }

    /// Messages to show on this page; reading them marks them as shown.
    public func consume() -> [FlashMessage] {
        state.withLock {
            $0.consumed = true
            return $0.incoming
        }
    }

    func receive(_ messages: [FlashMessage]) {
        state.withLock { $0.incoming = messages }
    }

    /// What the flash cookie should hold after this request: outgoing messages plus incoming ones
    /// nobody showed; `.unchanged` when that is what it already holds (nothing shown, nothing added).
    func pending() -> FlashCookieChange {
        state.withLock {
            if !$0.consumed, $0.outgoing.isEmpty { return .unchanged }
            let carried = $0.consumed ? [] : $0.incoming
            let messages = Array((carried + $0.outgoing).suffix(Self.carriedLimit))
            if !messages.isEmpty { return .store(messages) }
            return $0.incoming.isEmpty ? .unchanged : .clear
        }
    }
}

enum FlashCookieChange: Equatable {
    case unchanged
    case store([FlashMessage])
    case clear
}

/// Reads flash messages from a signed cookie and writes the next page's messages back.
struct FlashMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "flash"
    let signer: CookieSigner

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let raw = request.cookieValue(Self.cookieName),
            let payload = signer.verify(raw),
            let messages = try? JSONDecoder().decode([FlashMessage].self, from: Data(payload.utf8))
        {
            context.flash.receive(messages)
        }
        var response = try await next(request, context)
        switch context.flash.pending() {
        case .unchanged:
            break
        case .store(let messages):
            guard let json = try? JSONEncoder().encode(messages) else { break }
            let cookie = Cookie(
                name: Self.cookieName, value: signer.sign(String(decoding: json, as: UTF8.self)),
                maxAge: 300, path: "/", secure: false, httpOnly: true, sameSite: .lax
            )
            response.setCookie(cookie)
        case .clear:
            response.setCookie(Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }
}
