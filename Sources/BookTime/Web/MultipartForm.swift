import Foundation
import Hummingbird

/// A `multipart/form-data` body (RFC 7578): text fields and uploaded files. Only what browsers
/// send is understood; anything malformed is refused as a whole.
struct MultipartForm: Sendable {
    struct File: Sendable {
        let name: String
        let filename: String
        let contentType: String
        let data: Data
    }

    enum Failure: Error, Equatable {
        case notMultipart
        case malformed
    }

    static let maxParts = 1000

    private(set) var fields: [(name: String, value: String)] = []
    private(set) var files: [File] = []

    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
    func file(_ name: String) -> File? { files.first { $0.name == name } }

    /// The boundary from a `Content-Type: multipart/form-data; boundary=...` header.
    static func boundary(contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2 ? String(pair[1].dropFirst().dropLast()) : pair[1]
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    init(body: [UInt8], boundary: String) throws {
        let delimiter = Array("--\(boundary)".utf8)
        guard var position = Self.find(delimiter, in: body, from: 0) else { throw Failure.malformed }
        var parts = 0
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { break }
            guard body.count >= position + 2, body[position] == 13, body[position + 1] == 10 else { throw Failure.malformed }
            position += 2
            guard let headerEnd = Self.find([13, 10, 13, 10], in: body, from: position) else { throw Failure.malformed }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else { throw Failure.malformed }
            let content = Data(body[contentStart..<next])
            parts += 1
            guard parts <= Self.maxParts else { throw Failure.malformed }
            try add(headers: headers, content: content)
            position = next + 2
        }
    }

    private mutating func add(headers: String, content: Data) throws {
        var disposition: [String: String] = [:]
        var contentType = "text/plain"
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            guard pair.count == 2 else { throw Failure.malformed }
            let name = pair[0].trimmingCharacters(in: .whitespaces).lowercased()
            let value = pair[1].trimmingCharacters(in: .whitespaces)
            if name == "content-disposition" {
                disposition = Self.parameters(value)
            } else if name == "content-type" {
                contentType = value
            }
        }
        guard let name = disposition["name"] else { throw Failure.malformed }
        if let filename = disposition["filename"] {
            files.append(File(name: name, filename: filename, contentType: contentType, data: content))
        } else {
            fields.append((name, String(decoding: content, as: UTF8.self)))
        }
    }

    /// `form-data; name="a"; filename="b.jpg"` → ["name": "a", "filename": "b.jpg"].
    static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        for item in value.split(separator: ";").dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            var text = pair[1].trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 {
                text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
            }
            result[pair[0].trimmingCharacters(in: .whitespaces).lowercased()] = text
        }
        return result
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        let first = needle[0]
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

extension Request {
    /// A multipart body, read up to `limit` bytes (413 beyond), kept readable for the next reader.
    mutating func multipartForm(limit: Int) async throws -> MultipartForm {
        guard let boundary = MultipartForm.boundary(contentType: headers[.contentType]) else { throw MultipartForm.Failure.notMultipart }
        let body = try await collectBody(upTo: limit)
        return try MultipartForm(body: Array(body.readableBytesView), boundary: boundary)
    }
}
