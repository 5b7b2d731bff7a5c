import Foundation

/// Dates shown in UTC, without building a Calendar or DateFormatter per request.
private func utcParts(_ date: Date) -> tm {
    var seconds = time_t(date.timeIntervalSince1970)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    return parts
}

private let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]

/// Year and month of a date in UTC.
func utcYearMonth(_ date: Date) -> (year: Int, month: Int) {
    let parts = utcParts(date)
    return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1)
}

/// "November 2026", like Django's `date:"F Y"`.
func monthAndYear(_ date: Date) -> String {
    let (year, month) = utcYearMonth(date)
    return "\(monthNames[month - 1]) \(year)"
}

/// "22 November 2026", like Django's `date:"j F Y"`.
func utcLongDate(_ date: Date) -> String {
    let parts = utcParts(date)
    return "\(parts.tm_mday) \(monthNames[Int(parts.tm_mon)]) \(Int(parts.tm_year) + 1900)"
}

/// "22 November 2026, 14:05 UTC".
func utcDateTime(_ date: Date) -> String {
    let parts = utcParts(date)
    return utcLongDate(date) + String(format: ", %02d:%02d UTC", parts.tm_hour, parts.tm_min)
}

/// `2026-11-22`: the UTC day, as SQLite's `date()` writes it.
func utcISODay(_ date: Date) -> String {
    let parts = utcParts(date)
    return String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday))
}
