import Foundation
import GRDB

extension AppDatabase {
    /// The installation's secret, used to sign cookies; made once and kept in the file.
    public func secretKey() throws -> [UInt8] { try secret(named: "secret_key") }

    /// The key that signs API access and refresh tokens (HS256); its own, so rotating it signs
    /// every device out without touching browser sessions.
    public func jwtSecret() throws -> [UInt8] { try secret(named: "jwt_secret") }

    /// 32 random bytes made at first use and kept under `key` in `setting`.
    private func secret(named key: String) throws -> [UInt8] {
        try dbWriter.write { db in
            if let hex = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]),
                let bytes = [UInt8](hex: hex), bytes.count == 32
            {
                return bytes
            }
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
            try db.execute(sql: "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", arguments: [key, bytes.hexString])
            return bytes
        }
    }
}
