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
    /// The signed-in user, resolved and checked by `CurrentUserMiddleware`.
    public var currentUser: CurrentUser?
    public var currentUserID: Int64? { currentUser?.id }
    /// The session's basket, checked by `BasketMiddleware` (nil until something is added).
    public var basket: BasketReference?
    /// The session names the signed-in user's ordered basket: their basket is their newest open
    /// one, and a new one needs no session write (see `BasketMiddleware`).
    public var basketFollowsUser = false
    /// Where the request came from, for rate limits (nil in router tests).
    public let remoteAddress: String?

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.sessions = .init()
        self.flash = FlashMessages()
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// Form bodies are small: anything larger is refused before it is read.
    public var maxUploadSize: Int { 1024 * 1024 }

    /// File uploads (product images): the request body limit still applies first.
    public var maxMultipartSize: Int { 10 * 1024 * 1024 }
}
