import Crypto
import Synchronization
import Foundation
import Hummingbird

/// Who an API request is from, for the handlers the generator's protocol calls without a
/// request context (swift-openapi-generator's documented way: a task-local set by middleware).
struct APIRequest: Sendable {
    let user: CurrentUser
    /// The shop's public address, for the absolute URLs in responses.
    let baseURL: String

    @TaskLocal static var current: APIRequest?

    static func require() throws -> APIRequest {
        guard let current else { throw APIError.unauthenticated }
        return current
    }
}

/// Authenticates an API request and checks its role: HTTP Basic (email and password, with the
/// sign-in form's limits) or the browser's session. A session's unsafe requests must carry the
/// CSRF token in `X-CSRF-Token` as forms do, since a browser sends the cookie on its own.
/// Nobody → 401 with `WWW-Authenticate`; a user without one of `roles` → 403.
struct APIAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let signIn: SignIn
    let roles: Set<Role>
    let publicURL: PublicURL
    /// Verified Basic credentials for a few minutes, so bcrypt runs once per client, not per
    /// request; an entry counts only while the account's password and roles are unchanged.
    let basicCache = BasicCredentialCache()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let user = try await authenticate(request, context: context)
        guard !user.roles.isDisjoint(with: roles) else { throw APIError.forbidden }
        return try await APIRequest.$current.withValue(APIRequest(user: user, baseURL: publicURL.current)) {
            try await next(request, context)
        }
    }

    func authenticate(_ request: Request, context: Context) async throws -> CurrentUser {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "basic",
                let decoded = Data(base64Encoded: String(parts[1])).map({ String(decoding: $0, as: UTF8.self) }),
                let colon = decoded.firstIndex(of: ":")
            else { throw APIError.unauthenticated }
            let email = String(decoded[..<colon])
            let password = String(decoded[decoded.index(after: colon)...])
            let key = sha256Hex(Data(authorization.utf8))
            if let cached = basicCache.user(for: key), try await stillValid(cached) { return cached.user }
            guard let user = try await signIn.verify(email: email, password: password, request: request, context: context) else {
                throw APIError.unauthenticated
            }
            if let stamp = try await stamp(of: user.id) { basicCache.store(.init(user: user, stamp: stamp), for: key) }
            return user
        }
        guard let user = context.currentUser else { throw APIError.unauthenticated }
        if !CSRFMiddleware.isSafe(request.method) {
            guard let cookie = request.cookieValue(CSRFMiddleware.cookieName), let header = request.headers[CSRFMiddleware.headerName],
                CSRFMiddleware.constantTimeEquals(cookie, header)
            else {
                throw APIError(status: .forbidden, code: "csrf", message: "With a browser session, send the CSRF token in the X-CSRF-Token header.")
            }
        }
        return user
    }

    /// What a cached verification depends on: the password hash, the active flag and the roles.
    private func stamp(of userID: Int64) async throws -> String? {
        guard let (user, roles) = try await signIn.db.users.userWithRoles(id: userID), user.isActive else { return nil }
        return user.passwordHash + "|" + roles.map(\.rawValue).sorted().joined(separator: ",")
    }

    private func stillValid(_ entry: BasicCredentialCache.Entry) async throws -> Bool {
        try await stamp(of: entry.user.id) == entry.stamp
    }
}

/// Recently verified Basic credentials, by a hash of the whole header (never the password).
final class BasicCredentialCache: Sendable {
    struct Entry: Sendable {
        let user: CurrentUser
        let stamp: String
        var storedAt = ContinuousClock.now
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime = Duration.seconds(300)
    private let capacity = 10_000

    func user(for key: String) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.storedAt.duration(to: .now) < lifetime else { return nil }
            return entry
        }
    }

    func store(_ entry: Entry, for key: String) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = entry
        }
    }
}
