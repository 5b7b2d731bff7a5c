import Foundation
import GRDB
import Testing

@testable import BookTime

@Suite struct DatabaseDateTests {
    /// The same text as GRDB's own `Date` storage, to the nearest millisecond as its formatter writes them.
    @Test func writesWhatGRDBWrites() {
        var generator = SystemRandomNumberGenerator()
        var dates: [Date] = [
            Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 1_790_000_000.9999), Date(timeIntervalSince1970: 1_790_000_000.0005),
            Date(timeIntervalSince1970: 951_782_400.5),  // 29 February 2000
            Date(timeIntervalSince1970: -1.25), Date(timeIntervalSince1970: 253_402_300_799.999),  // 9999-12-31 23:59:59.999
            .now,
        ]
        for _ in 0..<2000 { dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator))) }
        for date in dates {
            #expect(DatabaseDate(date).databaseValue == date.databaseValue, "\(date.timeIntervalSince1970)")
        }
    }

    @Test func readsBackAsADate() throws {
        let date = Date(timeIntervalSince1970: 1_790_000_000.125)
        let stored = DatabaseDate(date).databaseValue
        #expect(Date.fromDatabaseValue(stored) == date)
        #expect(DatabaseDate.fromDatabaseValue(stored)?.date == date)
    }
}
