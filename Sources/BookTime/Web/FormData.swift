import Foundation
import Hummingbird

/// A parsed `application/x-www-form-urlencoded` body: the fields a form posted, by name.
///
/// Kept as raw strings (not decoded into a `Decodable`) so that a form can validate each field,
/// report every error at once and re-display what the visitor typed.
public struct FormData: Sendable {
    /// More fields than any form of the shop posts (an admin list page of 100 rows posts a few
    /// hundred): a body with more is refused with 413 before it is parsed.
    public static let maxFields = 5_000

    public private(set) var fields: [(name: String, value: String)] = []
    /// Where each name's values are in `fields`, for a form of more than `maxScannedFields` fields: a
    /// lookup costs the same with 20 fields or 5,000, so a form that looks up each of its rows
    /// stays linear. Smaller ones (every query string) are scanned: building the index cost more
    /// than the lookups.
    private var positions: [String: [Int]] = [:]
    static let maxScannedFields = 16

    public init(fields: [(String, String)]) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
        indexFields()
    }

    private mutating func indexFields() {
        guard fields.count > Self.maxScannedFields else { return }
        positions.reserveCapacity(fields.count)
        for (position, field) in fields.enumerated() { positions[field.name, default: []].append(position) }
    }

    /// How many fields a url-encoded body holds, counted without parsing it.
    public static func fieldCount(_ body: ByteBuffer) -> Int {
        body.readableBytesView.isEmpty ? 0 : body.readableBytesView.reduce(1) { $1 == UInt8(ascii: "&") ? $0 + 1 : $0 }
    }

    /// A form body, or 413 when it holds more than `maxFields` fields.
    public static func parse(_ body: ByteBuffer) throws -> FormData {
        guard fieldCount(body) <= maxFields else {
            throw HTTPError(.contentTooLarge, message: "This form has more than \(maxFields) fields.")
        }
        return FormData(body: body)
    }

    public init(body: ByteBuffer) {
        self.init(string: String(buffer: body))
    }

    /// Parsed on the bytes: every POST is read once by `CSRFMiddleware` and once by its handler,
    /// and Foundation's `replacingOccurrences`/`removingPercentEncoding` cost more than the rest
    /// of a request's own work.
    public init(string: String) {
        var string = string
        string.withUTF8 { bytes in
            for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
                if let equals = pair.firstIndex(of: UInt8(ascii: "=")) {
                    fields.append((Self.decode(pair[..<equals]), Self.decode(pair[(equals + 1)...])))
                } else {
                    fields.append((Self.decode(pair), ""))
                }
            }
        }
        indexFields()
    }

    /// The first value posted under `name`, if any.
    public func value(_ name: String) -> String? {
        guard fields.count > Self.maxScannedFields else { return fields.first { $0.name == name }?.value }
        return positions[name]?.first.map { fields[$0].value }
    }

    /// Every value posted under `name` (checkbox groups, formsets).
    public func values(_ name: String) -> [String] {
        guard fields.count > Self.maxScannedFields else { return fields.filter { $0.name == name }.map(\.value) }
        return positions[name]?.map { fields[$0].value } ?? []
    }

    /// `+` is a space and `%XX` a byte; a part with an invalid escape, or whose bytes are not
    /// UTF-8, is kept literally (with its spaces) rather than failing the whole form.
    static func decode<Bytes: RandomAccessCollection<UInt8>>(_ part: Bytes) -> String where Bytes.Index == Int {
        // Most parts (every query string's `sort=-price`) have nothing to decode: their bytes are
        // a whole String's between ASCII separators, so valid UTF-8 as they are.
        guard part.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) else {
            return String(decoding: part, as: UTF8.self)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(part.count)
        var index = part.startIndex
        while index < part.endIndex {
            let byte = part[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < part.endIndex, let high = part[index + 1].hexDigitValue, let low = part[index + 2].hexDigitValue else {
                    return literal(part)
                }
                bytes.append(high << 4 | low)
                index += 3
                continue
            }
            bytes.append(byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return String(validating: bytes, as: UTF8.self) ?? literal(part)
    }

    private static func literal(_ part: some Collection<UInt8>) -> String {
        String(decoding: part.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }
}

extension Request {
    /// The query string read as a GET form sends it (`+` is a space), which the URI's own
    /// `queryParameters` does not do.
    public var queryForm: FormData { FormData(string: uri.query ?? "") }

    /// Reads and parses this request's url-encoded form body, up to the context's upload limit.
    public mutating func formData(context: some RequestContext) async throws -> FormData {
        let body = try await collectBody(upTo: context.maxUploadSize)
        return try FormData.parse(body)
    }
}
