import Synchronization

/// The address in emailed links (password reset, welcome, orders), without a trailing slash:
/// `--public-url`, or `http://<host>:<port>`. With `--port 0` the port is known only once the
/// server is listening, so the links are fixed then (they said `:0` before).
public final class PublicURL: Sendable {
    private let value: Mutex<String>

    public init(_ url: String) {
        value = Mutex(url)
    }

    public var current: String { value.withLock { $0 } }

    func set(_ url: String) {
        value.withLock { $0 = url }
    }
}
