import Foundation
import GRDB

extension AppDatabase {
    /// The installation's secret, used to sign cookies; made once and kept in the file.
    public func secretKey() throws -> [UInt8] {
        try dbWriter.write { db in
            if let hex = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'secret_key'"),
                let bytes = [UInt8](hex: hex), bytes.count == 32
            {
                return bytes
            }
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
            try db.execute(
                sql: "INSERT OR REPLACE INTO setting (key, value) VALUES ('secret_key', ?)",
                arguments: [bytes.hexString]
            )
            return bytes
        }
    }
}

extension [UInt8] {
    /// Parses lower- or upper-case hexadecimal; nil on anything else.
    init?(hex: String) {
        let chars = Array(hex.utf8)
        guard chars.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = Self.nibble(chars[index]), let low = Self.nibble(chars[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
