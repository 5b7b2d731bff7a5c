import Foundation

/// Django's `slugify`: lower-case ASCII letters, digits and hyphens, accents folded.
public enum Slug {
    public static let maxLength = 200

    public static func make(_ text: String) -> String {
        // ASCII has no accents to fold: skip ICU's transform (most of an import's time per row).
        let folded = text.utf8.allSatisfy { $0 < 0x80 } ? text : text.applyingTransform(.stripDiacritics, reverse: false) ?? text
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.lowercased().unicodeScalars {
            if scalar.isASCII, isASCIIAlphanumeric(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else if scalar != "'" && scalar != "’" {
                pendingHyphen = true
            }
        }
        if slug.count > maxLength {
            slug = String(slug.prefix(maxLength))
            while slug.hasSuffix("-") { slug.removeLast() }
        }
        return slug.isEmpty ? "item" : slug
    }

    /// An ASCII scalar that `CharacterSet.alphanumerics` holds: a letter or a digit.
    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// `base`, or `base-2`, `base-3`, ... : the first that `isTaken` says is free.
    public static func unique(_ base: String, isTaken: (String) throws -> Bool) rethrows -> String {
        if try !isTaken(base) { return base }
        var counter = 2
        while true {
            let suffix = "-\(counter)"
            let candidate = String(base.prefix(maxLength - suffix.count)) + suffix
            if try !isTaken(candidate) { return candidate }
            counter += 1
        }
    }
}
