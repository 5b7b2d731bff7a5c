import Crypto
import Foundation

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

    /// A MAC of `value` alone, base64url: for values compared later rather than carried.
    public func mac(_ value: String) -> String {
        Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key)))
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
