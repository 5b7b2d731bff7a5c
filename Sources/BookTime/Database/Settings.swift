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
