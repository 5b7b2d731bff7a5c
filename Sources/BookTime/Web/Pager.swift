/// The pages of a list, in one place for the catalogue, search, admin lists, the order dashboard
/// and the audit log: the page asked for, whatever its text ("abc", "-1", "1e99", Int.max), is read
/// as a page from 1 to the last, and the arithmetic on it cannot overflow (the offset is computed
/// from the clamped page, so it never exceeds the row count).
public struct Pager: Sendable, Equatable {
    public let page: Int
    public let pageSize: Int
    public let totalCount: Int

    public init(page requested: Int, pageSize: Int, totalCount: Int) {
        self.pageSize = max(1, pageSize)
        self.totalCount = max(0, totalCount)
        page = min(max(1, requested), Self.pageCount(totalCount: self.totalCount, pageSize: self.pageSize))
    }

    /// At least 1 (an empty list is one empty page).
    public static func pageCount(totalCount: Int, pageSize: Int) -> Int {
        totalCount <= 0 ? 1 : (totalCount - 1) / max(1, pageSize) + 1
    }

    public var pageCount: Int { Self.pageCount(totalCount: totalCount, pageSize: pageSize) }

    /// Rows before this page.
    public var offset: Int { (page - 1) * pageSize }

    public var previous: Int? { page > 1 ? page - 1 : nil }
    public var next: Int? { page < pageCount ? page + 1 : nil }

    /// A page number as a query string gives it: a whole number, otherwise 1; never below 1.
    /// (Not clamped above here: the last page is known only with the count.)
    public static func requested(_ text: String?) -> Int {
        guard let text, let number = Int(text.trimmingCharacters(in: .whitespaces)) else { return 1 }
        return max(1, number)
    }
}
