import Foundation
import GRDB

/// A `Date` bound as GRDB stores one: `yyyy-MM-dd HH:mm:ss.SSS` in UTC, to the nearest millisecond.
///
/// GRDB formats dates with a `DateFormatter`, which on Linux goes through ICU and costs more than
/// the insert it is part of. The writes every request makes (baskets, orders, their history and
/// emails, sessions) bind this instead; `DatabaseDateTests` checks it writes GRDB's exact text.
/// Reading back is GRDB's own `Date` decoding.
struct DatabaseDate: DatabaseValueConvertible, Sendable {
    let date: Date

    init(_ date: Date) {
        self.date = date
    }

    var databaseValue: DatabaseValue {
        Self.text(date)?.databaseValue ?? date.databaseValue
    }

    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> DatabaseDate? {
        Date.fromDatabaseValue(dbValue).map(DatabaseDate.init)
    }

    /// GRDB's text for `date`; nil before 1970 or after 9999 (GRDB's own formatting answers those:
    /// its formatter rounds some pre-1970 instants a millisecond differently, and the shop only
    /// writes the present).
    static func text(_ date: Date) -> String? {
        guard date.timeIntervalSince1970 >= 0 else { return nil }
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = time_t(milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000)
        let millis = Int(milliseconds - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        guard (1...9999).contains(Int(parts.tm_year) + 1900) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(23)
        func append(_ value: Int, digits: Int) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            var value = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                value %= divisor
                divisor /= 10
            }
        }
        append(Int(parts.tm_year) + 1900, digits: 4)
        bytes.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mon) + 1, digits: 2)
        bytes.append(UInt8(ascii: "-"))
        append(Int(parts.tm_mday), digits: 2)
        bytes.append(UInt8(ascii: " "))
        append(Int(parts.tm_hour), digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(Int(parts.tm_min), digits: 2)
        bytes.append(UInt8(ascii: ":"))
        append(Int(parts.tm_sec), digits: 2)
        bytes.append(UInt8(ascii: "."))
        append(millis, digits: 3)
        return String(decoding: bytes, as: UTF8.self)
    }
}
