import Foundation

/// Where and how to deliver mail, parsed from `BOOKTIME_SMTP_URL`:
/// `smtp://user:password@mail.example.com:587` (STARTTLS when offered) or `smtp://127.0.0.1:1025`.
/// `smtps://` connects over TLS from the first byte (port 465).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// Upgrade with STARTTLS when the server offers it; plain otherwise.
        case startTLSIfOffered
        /// TLS from the start (`smtps://`).
        case implicitTLS
    }

    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?
    public var security: Security
    /// The name we greet the server with (EHLO).
    public var heloName: String = "booktime.localhost"

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(host: String, port: Int, username: String? = nil, password: String? = nil, security: Security = .startTLSIfOffered) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.security = security
    }

    public init(url string: String) throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme?.lowercased() else {
            throw ParseError(description: "BOOKTIME_SMTP_URL '\(string)' is not a URL like smtp://user:password@host:587")
        }
        guard scheme == "smtp" || scheme == "smtps" else {
            throw ParseError(description: "BOOKTIME_SMTP_URL must start with smtp:// or smtps://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ParseError(description: "BOOKTIME_SMTP_URL '\(string)' names no host")
        }
        self.host = host
        self.security = scheme == "smtps" ? .implicitTLS : .startTLSIfOffered
        self.port = components.port ?? (scheme == "smtps" ? 465 : 25)
        self.username = components.percentEncodedUser?.removingPercentEncoding
        self.password = components.percentEncodedPassword?.removingPercentEncoding
    }
}
