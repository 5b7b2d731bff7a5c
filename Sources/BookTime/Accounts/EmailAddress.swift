import Foundation

/// Email addresses as the shop stores them: trimmed, domain lower-cased (Django's `normalize_email`).
public enum EmailAddress {
    public static let maxLength = 254

    /// The normalised address, or nil when it cannot be an address.
    public static func normalize(_ raw: String) -> String? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maxLength, let at = trimmed.lastIndex(of: "@") else { return nil }
        let local = trimmed[..<at]
        let domain = trimmed[trimmed.index(after: at)...].lowercased()
        guard !local.isEmpty, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" }),
            local.filter({ $0 == "@" }).isEmpty
        else { return nil }
        return "\(local)@\(domain)"
    }
}
