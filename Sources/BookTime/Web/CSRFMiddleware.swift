import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery protection for every unsafe method (Django's `CsrfViewMiddleware`).
///
/// Double-submit: each visitor holds a random token in an `HttpOnly`, `SameSite=Lax` cookie and every
/// form echoes it in the hidden field `csrf_token` (or the `X-CSRF-Token` header for scripts). A
/// mismatch, or an `Origin` naming another host, is refused with 403 before any handler runs.
/// No server-side state is written, so a GET stays free of side effects.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "csrftoken"
    static let fieldName = "csrf_token"
    static let headerName = HTTPField.Name("X-CSRF-Token")!
    /// Requests authenticated by a bearer token (the JSON APIs) carry no ambient credentials.
    let exemptPrefixes: [String]
    let secureCookies: Bool
    /// Behind the HTTPS proxy (`--behind-https-proxy`) the host a browser saw is the proxy's
    /// `X-Forwarded-Host`; anywhere else that header is whatever a client typed, and is ignored.
    var trustForwardedHost = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        let cookie = request.cookieValue(Self.cookieName)
        let existing = cookie.flatMap { Self.isWellFormed($0) ? $0 : nil }
        let token = existing ?? Base64URL.randomToken()
        context.csrfToken = token

        if !Self.isSafe(request.method), !exemptPrefixes.contains(where: { request.uri.path.hasPrefix($0) }) {
            guard let existing, Self.originMatches(request, trustForwardedHost: trustForwardedHost) else { throw CSRFError() }
            let submitted = try await submittedToken(&request, context: context)
            guard let submitted, Self.constantTimeEquals(submitted, existing) else { throw CSRFError() }
        }

        var response = try await next(request, context)
        if existing == nil {
            let attributes = secureCookies ? Self.secureCookieAttributes : Self.cookieAttributes
            response.headers.append(HTTPField(name: .setCookie, value: "\(Self.cookieName)=\(token)\(attributes)"))
        }
        return response
    }

    /// The token cookie as Hummingbird's `Cookie` writes it.
    static func cookie(token: String, secure: Bool) -> Cookie {
        Cookie(name: cookieName, value: token, maxAge: 60 * 60 * 24 * 365, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    /// What follows `name=value` in that cookie, written once: building a `Cookie` for each
    /// first-time visitor cost ~3 % of serving a cached page (perf, `bench/run.sh`).
    static let cookieAttributes = attributes(secure: false)
    static let secureCookieAttributes = attributes(secure: true)

    private static func attributes(secure: Bool) -> String {
        let sample = cookie(token: "t", secure: secure).description
        return String(sample.dropFirst("\(cookieName)=t".count))
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool {
        [.get, .head, .options, .trace].contains(method)
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.count == 43 && token.utf8.allSatisfy { $0.isBase64URL }
    }

    /// The token from the header, or from the url-encoded or multipart body (which stays readable
    /// for the handler).
    private func submittedToken(_ request: inout Request, context: Context) async throws -> String? {
        if let header = request.headers[Self.headerName] { return header }
        if MultipartForm.boundary(contentType: request.headers[.contentType]) != nil {
            do {
                return try await request.multipartForm(limit: context.maxMultipartSize).value(Self.fieldName)
            } catch is MultipartForm.Failure {
                return nil
            }
        }
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else { return nil }
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        return try FormData.parse(body).value(Self.fieldName)
    }

    /// A browser names the page a POST (or a WebSocket) came from; it must be this site.
    static func originMatches(_ request: Request, trustForwardedHost: Bool) -> Bool {
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = request.head.authority else { return false }
        guard let originHost = URL(string: origin)?.host else { return false }
        let requestHost = host.split(separator: ":").first.map(String.init) ?? host
        if trustForwardedHost, let forwarded = request.headers[HTTPField.Name("X-Forwarded-Host")!] {
            return originHost == forwarded.split(separator: ":").first.map(String.init)
        }
        return originHost == requestHost
    }

    static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// A rejected forgery check; rendered as the 403 page.
struct CSRFError: Error {}

extension UInt8 {
    fileprivate var isBase64URL: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) || self == 0x2D || self == 0x5F
    }
}
