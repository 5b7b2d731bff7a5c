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
        // Split on the bytes: `String.split` walks `Character`s, which costs more than the MAC.
        guard let dot = signed.utf8.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let macPart = signed.utf8[signed.utf8.index(after: dot)...]
        guard !macPart.contains(UInt8(ascii: ".")), let value = Base64URL.decode(signed.utf8[..<dot]), let mac = Base64URL.decode(macPart)
        else { return nil }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: value, using: key) else { return nil }
        return String(data: value, encoding: .utf8)
    }
}

/// Base64 with the URL- and cookie-safe alphabet and no padding.
enum Base64URL {
    // Byte by byte: Foundation's `replacingOccurrences` bridges through NSString on Linux, and
    // these run several times on every request.
    static func encode(_ data: Data) -> String {
        let base64 = data.base64EncodedData()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(base64.count)
        for byte in base64 {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: "-"))
            case UInt8(ascii: "/"): bytes.append(UInt8(ascii: "_"))
            case UInt8(ascii: "="): continue
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func decode(_ string: String) -> Data? {
        decode(string.utf8)
    }

    static func decode(_ utf8: some Collection<UInt8>) -> Data? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count + 3)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "-"): bytes.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): bytes.append(UInt8(ascii: "/"))
            case UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): return nil
            default: bytes.append(byte)
            }
        }
        while !bytes.count.isMultiple(of: 4) { bytes.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(bytes))
    }

    /// `count` random bytes from the system's CSPRNG, encoded. Eight bytes per draw: each draw is
    /// a `getrandom` system call, and a byte per draw made minting a visitor's CSRF token 32
    /// calls, ~12 % of serving a cached page to a first-time visitor (perf, `bench/run.sh`).
    static func randomToken(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            withUnsafeBytes(of: generator.next()) { bytes.append(contentsOf: $0.prefix(count - bytes.count)) }
        }
        return encode(Data(bytes))
    }
}
