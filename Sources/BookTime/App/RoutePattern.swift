import Hummingbird

/// A URL pattern with named `{parameters}` (`/product/{slug}/`): registered with the router as it
/// is, and filled in to build links, so each path is written once.
public struct RoutePattern: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let pattern: String

    public init(stringLiteral pattern: String) {
        self.pattern = pattern
    }

    public var description: String { pattern }

    /// What the router matches.
    var routerPath: RouterPath { RouterPath(pattern) }

    /// The names between braces, in order.
    var parameters: [String] {
        pattern.matches(of: /\{(\w+)\}/).map { String($0.1) }
    }

    /// The fixed start of the pattern, before its first parameter (`/product/`).
    var prefix: String { String(pattern.prefix { $0 != "{" }) }

    /// The path with each `{name}` replaced by its value (values are path segments the shop made:
    /// ids, slugs, hashes, tokens).
    func path(_ values: KeyValuePairs<String, String>) -> String {
        var path = pattern
        for (name, value) in values { path = path.replacingOccurrences(of: "{\(name)}", with: value) }
        return path
    }
}
