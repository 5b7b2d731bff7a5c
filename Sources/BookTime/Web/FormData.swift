import Foundation
import Hummingbird

/// A parsed `application/x-www-form-urlencoded` body: the fields a form posted, by name.
///
/// Kept as raw strings (not decoded into a `Decodable`) so that a form can validate each field,
/// report every error at once and re-display what the visitor typed.
public struct FormData: Sendable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public init(body: ByteBuffer) {
        self.init(string: String(buffer: body))
    }

    public init(string: String) {
        for pair in string.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = Self.decode(parts[0])
            let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            fields.append((name, value))
        }
    }

    /// The first value posted under `name`, if any.
    public func value(_ name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value posted under `name` (checkbox groups, formsets).
    public func values(_ name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// `+` is a space; invalid percent escapes are kept literally rather than failing the whole form.
    private static func decode(_ part: Substring) -> String {
        let spaced = part.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

extension Request {
    /// The query string read as a GET form sends it (`+` is a space), which the URI's own
    /// `queryParameters` does not do.
    public var queryForm: FormData { FormData(string: uri.query ?? "") }

    /// Reads and parses this request's url-encoded form body, up to the context's upload limit.
    public mutating func formData(context: some RequestContext) async throws -> FormData {
        let body = try await collectBody(upTo: context.maxUploadSize)
        return FormData(body: body)
    }
}
