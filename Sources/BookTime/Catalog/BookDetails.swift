import Foundation

/// A book's optional details beyond the book's model: ISBN, format and page count (migration
/// `0023_book_details`), set in the back office or by optional CSV columns.
public struct BookDetails: Sendable, Equatable {
    public var isbn: String = ""
    public var format: String = ""
    public var pageCount: Int?

    public init(isbn: String = "", format: String = "", pageCount: Int? = nil) {
        self.isbn = isbn
        self.format = format
        self.pageCount = pageCount
    }

    public static let formatMaxLength = 40
    public static let pageCountRange = 1...100_000
}

/// ISBN-10 and ISBN-13: typed with or without hyphens and spaces, kept as digits (and a final X
/// for ISBN-10) once the check digit agrees.
public enum ISBN {
    public static func normalized(_ text: String) -> String? {
        let characters = text.uppercased().filter { $0 != "-" && $0 != " " }
        switch characters.count {
        case 13:
            let digits = characters.compactMap(\.wholeNumberValue)
            guard digits.count == 13, characters.allSatisfy(\.isASCII) else { return nil }
            let sum = digits.enumerated().reduce(0) { $0 + $1.element * ($1.offset.isMultiple(of: 2) ? 1 : 3) }
            return sum.isMultiple(of: 10) ? characters : nil
        case 10:
            var sum = 0
            for (index, character) in characters.enumerated() {
                let value: Int
                if let digit = character.wholeNumberValue, character.isASCII {
                    value = digit
                } else if character == "X", index == 9 {
                    value = 10
                } else {
                    return nil
                }
                sum += value * (10 - index)
            }
            return sum.isMultiple(of: 11) ? characters : nil
        default:
            return nil
        }
    }

    /// What a form or a CSV says when an ISBN does not check out.
    static let problem = "Enter an ISBN of 10 or 13 digits (hyphens allowed) whose check digit is right."
}
