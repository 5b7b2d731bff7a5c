import Crypto
import Foundation
import Hummingbird
import Synchronization

/// One message shown once on the next page, like Django's `messages` framework.
public struct FlashMessage: Codable, Sendable, Equatable {
    public enum Level: String, Codable, Sendable {
        case info, success, warning, error
    }

    public var level: Level
    public var text: String

    public init(_ level: Level, _ text: String) {
        self.level = level
        self.text = text
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

    public init() {}

    /// Queue a message for the next page the visitor sees.
    public func add(_ level: FlashMessage.Level, _ text: String) {
        state.withLock { $0.outgoing.append(FlashMessage(level, text)) }
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

    /// What to store for the next response: outgoing messages, plus incoming ones nobody showed.
    func pending() -> (messages: [FlashMessage], hadIncoming: Bool) {
        state.withLock {
            let carried = $0.consumed ? [] : $0.incoming
            return (carried + $0.outgoing, !$0.incoming.isEmpty)
        }
    }
}

/// Reads flash messages from a signed cookie and writes the next page's messages back.
struct FlashMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "flash"
    let signer: CookieSigner

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let raw = request.cookies[Self.cookieName]?.value,
            let payload = signer.verify(raw),
            let messages = try? JSONDecoder().decode([FlashMessage].self, from: Data(payload.utf8))
        {
            context.flash.receive(messages)
        }
        var response = try await next(request, context)
        let (messages, hadIncoming) = context.flash.pending()
        if !messages.isEmpty, let json = try? JSONEncoder().encode(messages) {
            let cookie = Cookie(
                name: Self.cookieName, value: signer.sign(String(decoding: json, as: UTF8.self)),
                maxAge: 300, path: "/", secure: false, httpOnly: true, sameSite: .lax
            )
            response.setCookie(cookie)
        } else if hadIncoming {
            response.setCookie(Cookie(name: Self.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true, sameSite: .lax))
        }
        return response
    }
}

/// HMAC-SHA256 signatures for values kept in cookies, keyed by the installation's secret.
public struct CookieSigner: Sendable {
    let key: SymmetricKey

    public init(secret: [UInt8]) {
        self.key = SymmetricKey(data: secret)
    }

    /// `base64url(value).base64url(mac)`: cookie-safe, tamper-evident.
    public func sign(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)
        return Base64URL.encode(Data(value.utf8)) + "." + Base64URL.encode(Data(mac))
    }

    /// The value, if the signature is ours.
    public func verify(_ signed: String) -> String? {
        let parts = signed.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let value = Base64URL.decode(String(parts[0])),
            let mac = Base64URL.decode(String(parts[1]))
        else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: value, using: key) else { return nil }
        return String(data: value, encoding: .utf8)
    }
}

/// Base64 with the URL- and cookie-safe alphabet and no padding.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ string: String) -> Data? {
        var base64 = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while !base64.count.isMultiple(of: 4) { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    /// `count` random bytes from the system's CSPRNG, encoded.
    static func randomToken(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        return encode(Data((0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }
}
