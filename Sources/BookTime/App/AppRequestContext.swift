import Hummingbird
import HummingbirdAuth
import Logging

/// Per-request state shared by middleware and handlers.
public struct AppRequestContext: RequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The visitor's server-side session (empty until a feature writes to it).
    public let sessions: SessionContext<AppSession>
    /// Messages carried over a redirect and messages to carry to the next page.
    public let flash: FlashMessages
    /// The CSRF token to embed in forms; set by `CSRFMiddleware`.
    public var csrfToken: String = ""
    /// The signed-in user's id, from the session. Accounts resolve it to a user.
    public var currentUserID: Int64? { sessions.session?.userID }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.sessions = .init()
        self.flash = FlashMessages()
    }

    /// Form bodies are small: anything larger is refused before it is read.
    public var maxUploadSize: Int { 1024 * 1024 }
}
