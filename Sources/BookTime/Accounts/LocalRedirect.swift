/// Where `?next=` may send a visitor after signing in: only a path on this site.
///
/// Refuses everything a browser could read as another host: `//evil.com`, `/\evil.com`,
/// `https://evil.com`, and control characters or backslashes anywhere.
enum LocalRedirect {
    static func target(_ next: String?, default fallback: String = Routes.home) -> String {
        guard let next, isLocalPath(next) else { return fallback }
        return next
    }

    static func isLocalPath(_ value: String) -> Bool {
        guard value.hasPrefix("/"), value.count <= 2000 else { return false }
        let second = value.dropFirst().first
        guard second != "/", second != "\\" else { return false }
        return !value.unicodeScalars.contains { $0 == "\\" || $0.properties.generalCategory == .control || $0 == " " }
    }
}
