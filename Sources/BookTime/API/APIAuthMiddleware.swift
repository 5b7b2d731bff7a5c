import Crypto
import GRDB
import Synchronization
import Foundation
import Hummingbird
import Logging

/// Who an API request is from, for the handlers the generator's protocol calls without a
/// request context (swift-openapi-generator's documented way: a task-local set by middleware).
struct APIRequest: Sendable {
    /// Nil when the request carried no credentials (`POST /mobile-api/auth/` needs none).
    let user: CurrentUser?
    /// The shop's public address, for the absolute URLs in responses.
    let baseURL: String
    /// The client's address, for the sign-in limits.
    let clientAddress: String
    let logger: Logger

    @TaskLocal static var current: APIRequest?

    /// The signed-in user; 401 without one.
    static func require() throws -> (request: APIRequest, user: CurrentUser) {
        guard let current, let user = current.user else { throw APIError.unauthenticated }
        return (current, user)
    }

    /// The signed-in user, who must have one of `roles`: 401 without a user, 403 without the role.
    static func require(_ roles: Set<Role>) throws -> (request: APIRequest, user: CurrentUser) {
        let (request, user) = try require()
        guard !user.roles.isDisjoint(with: roles) else { throw APIError.forbidden }
        return (request, user)
    }
}

/// Says who an API request is from: `Authorization: Bearer <JWT access token>`,
/// `Authorization: Token <key>` (a device token),
/// `Authorization: Basic` (email and password, with the sign-in form's limits), or the browser's
/// session. A session's unsafe requests must carry the CSRF token in `X-CSRF-Token` as forms do,
/// since a browser sends the cookie on its own. Credentials that are sent but wrong are a 401
/// here; what each operation needs (a user, a role) the operation checks.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let signIn: SignIn
    let publicURL: PublicURL
    let jwt: JWTTokens
    /// Verified Basic credentials for a few minutes, by a hash of the header (never the password),
    /// so bcrypt runs once per client, not per request; an entry counts only while the account's
    /// session auth hash (its password) is unchanged.
    let verifiedBasic = ExpiringCache<(userID: Int64, authHash: String)>()
    /// Device tokens by key hash, emptied by any commit to `apiToken` (a revocation is seen by
    /// the next request).
    let tokens: TableCache<String, APIToken?>
    /// Access tokens already verified, until they expire: jwt-kit's key collection is an actor,
    /// and every request would otherwise queue on it.
    let verifiedAccess = ExpiringCache<Int64>()

    init(signIn: SignIn, publicURL: PublicURL, jwt: JWTTokens) {
        self.signIn = signIn
        self.publicURL = publicURL
        self.jwt = jwt
        self.tokens = TableCache(db: signIn.db, tables: ["apiToken"])
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let clientAddress = signIn.limits.clientAddress(request: request, context: context)
        let user = try await authenticate(request, context: context, clientAddress: clientAddress)
        return try await APIRequest.$current.withValue(APIRequest(user: user, baseURL: publicURL.current, clientAddress: clientAddress, logger: context.logger)) {
            try await next(request, context)
        }
    }

    func authenticate(_ request: Request, context: Context, clientAddress: String) async throws -> CurrentUser? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2 else { throw APIError.unauthenticated }
            switch parts[0].lowercased() {
            case "token":
                let hash = APIToken.hash(String(parts[1]))
                guard let token = try await tokens.value(for: hash, load: { db in try APIToken.filter(Column("keyHash") == hash).fetchOne(db) }),
                    let user = try await signIn.sessions.user(id: token.userId)?.current, !user.roles.isEmpty
                else { throw APIError.unauthenticated }
                try await signIn.db.users.touch(token)
                return user
            case "bearer":
                let token = String(parts[1])
                var userID = verifiedAccess.value(for: token)
                if userID == nil, let (id, expires) = await jwt.verifiedAccess(token) {
                    verifiedAccess.store(id, for: token, until: expires)
                    userID = id
                }
                guard let userID, let user = try await signIn.sessions.user(id: userID)?.current, !user.roles.isEmpty else {
                    throw APIError.unauthenticated
                }
                return user
            case "basic":
                return try await basic(String(parts[1]), header: authorization, clientAddress: clientAddress, logger: context.logger)
            default:
                throw APIError.unauthenticated
            }
        }
        guard let user = context.currentUser else { return nil }
        if !CSRFMiddleware.isSafe(request.method) {
            guard let cookie = request.cookieValue(CSRFMiddleware.cookieName), let header = request.headers[CSRFMiddleware.headerName],
                CSRFMiddleware.constantTimeEquals(cookie, header)
            else {
                throw APIError(status: .forbidden, code: "csrf", message: "With a browser session, send the CSRF token in the X-CSRF-Token header.")
            }
        }
        return user
    }

    private func basic(_ encoded: String, header: String, clientAddress: String, logger: Logger) async throws -> CurrentUser {
        guard let decoded = Data(base64Encoded: encoded).map({ String(decoding: $0, as: UTF8.self) }), let colon = decoded.firstIndex(of: ":")
        else { throw APIError.unauthenticated }
        let key = sha256Hex(Data(header.utf8))
        if let (userID, authHash) = verifiedBasic.value(for: key), let signedIn = try await signIn.sessions.user(id: userID),
            signedIn.authHash == authHash, !signedIn.current.roles.isEmpty
        {
            return signedIn.current
        }
        let email = String(decoded[..<colon])
        let password = String(decoded[decoded.index(after: colon)...])
        guard let user = try await signIn.verify(email: email, password: password, clientAddress: clientAddress, logger: logger) else {
            throw APIError.unauthenticated
        }
        if let signedIn = try await signIn.sessions.user(id: user.id) {
            verifiedBasic.store((user.id, signedIn.authHash), for: key, until: .now.addingTimeInterval(300))
        }
        return user
    }
}

/// Values that hold until a time of their own (a verified token until it expires), kept in
/// memory, at most `capacity` of them (all dropped when full).
final class ExpiringCache<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: (value: Value, until: Date)]>([:])
    private let capacity = 10_000

    func value(for key: String, now: Date = .now) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.until > now else {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    func store(_ value: Value, for key: String, until: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = (value, until)
        }
    }
}
