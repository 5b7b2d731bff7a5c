import Crypto
import Foundation

extension Sequence<UInt8> {
    /// Lower-case hexadecimal.
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}

/// SHA-256 as lower-case hex: content hashes for static assets, images and covers.
func sha256Hex(_ bytes: some DataProtocol) -> String {
    SHA256.hash(data: bytes).hexString
}
