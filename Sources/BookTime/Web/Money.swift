import Foundation

/// Prices in integer minor units, formatted in the shop's currency.
public struct Currency: Sendable, Equatable {
    public let code: String
    public let symbol: String

    public static let gbp = Currency(code: "GBP", symbol: "£")
    public static let usd = Currency(code: "USD", symbol: "$")
    public static let eur = Currency(code: "EUR", symbol: "€")

    public init(code: String, symbol: String) {
        self.code = code
        self.symbol = symbol
    }

    /// `1250` → `£12.50`; thousands separated: `£1,234.00`.
    public func format(_ minorUnits: Int) -> String {
        let sign = minorUnits < 0 ? "-" : ""
        let magnitude = minorUnits.magnitude
        var whole = String(magnitude / 100)
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        let cents = magnitude % 100
        return "\(sign)\(symbol)\(whole)\(grouped).\(cents < 10 ? "0" : "")\(cents)"
    }

    /// Parses `12.50`, `12.5`, `12` or `£12.50` into minor units; nil on anything else.
    /// `1250` → `12.50`: an amount as typed into a form or a CSV (what `parseMinorUnits` reads).
    public static func plain(_ minorUnits: Int) -> String {
        let cents = minorUnits.magnitude % 100
        return "\(minorUnits < 0 ? "-" : "")\(minorUnits.magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    public static func parseMinorUnits(_ text: String) -> Int? {
        var digits = text.trimmingCharacters(in: .whitespaces)
        if let first = digits.first, "£$€".contains(first) { digits.removeFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let wholePart = parts.first, !wholePart.isEmpty,
            wholePart.allSatisfy(\.isASCII), let whole = Int(wholePart), whole >= 0, whole < 10_000_000
        else { return nil }
        var fraction = 0
        if parts.count == 2 {
            let fractionText = parts[1]
            guard (1...2).contains(fractionText.count), fractionText.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            fraction = Int(fractionText)! * (fractionText.count == 1 ? 10 : 1)
        }
        return whole * 100 + fraction
    }
}
