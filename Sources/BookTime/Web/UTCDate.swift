import Foundation

/// Year and month of a date in UTC, without building a Calendar or DateFormatter per request.
func utcYearMonth(_ date: Date) -> (year: Int, month: Int) {
    var seconds = time_t(date.timeIntervalSince1970)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1)
}
