/// Who sells: the name and postal address an invoice is issued from.
public struct SellerSettings: Sendable, Equatable {
    public var name: String
    /// One line each: "BookTime Ltd", "1 High Street", "Meryton HT1 1LB", "United Kingdom".
    public var addressLines: [String]

    public init(name: String = "BookTime", addressLines: [String] = []) {
        self.name = name
        self.addressLines = addressLines
    }

    /// `BOOKTIME_SELLER_ADDRESS` as written: parts separated by commas, each a line.
    static func addressLines(from text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
