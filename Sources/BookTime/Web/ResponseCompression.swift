import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip for text answers when the client accepts it (design.md §3): HTML, CSS, JavaScript, SVG,
/// JSON, CSV, YAML and plain text.
///
/// Most bytes never pass through here compressed per request: cached pages, static files and the
/// API's cached answers keep their gzip bytes and arrive with `Content-Encoding` already set, which
/// this leaves alone. What remains (JSON answers, drawn covers, CSV reports) is compressed here
/// with compress-nio when it is at least `Gzip.minimumBytes` long and of known length; streams
/// (server-sent events, backup downloads) have no length and pass as they are.
///
/// Every compressible answer says `Vary: Accept-Encoding`, compressed or not, so a shared cache
/// keeps the two apart. A compressed answer's ETag gets `-gzip` inside its quotes (two encodings are
/// two representations), and an `If-None-Match` naming that ETag is turned back into the handler's
/// own before the handler sees it, so 304s keep working.
struct ResponseCompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Larger bodies are streamed as they are rather than held whole in memory to compress.
    static var maximumBytes: Int { 8 << 20 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let acceptsGzip = AcceptEncoding.allowsGzip(request.headers)
        var forwarded = request
        var askedForGzipTag = false
        if acceptsGzip, request.headers[.ifNoneMatch] != nil {
            var head = request.head
            askedForGzipTag = GzipETag.stripFromIfNoneMatch(&head.headerFields)
            if askedForGzipTag { forwarded = Request(head: head, body: request.body) }
        }
        var response = try await next(forwarded, context)
        // Pages, static files and cached API answers arrive already encoded, with their Vary.
        if response.headers[.contentEncoding] != nil { return response }
        guard let contentType = response.headers[.contentType], Gzip.isCompressible(contentType: contentType) else { return response }
        response.headers.addVaryAcceptEncoding()
        if response.status == .notModified {
            if askedForGzipTag, let etag = response.headers[.eTag] { response.headers[.eTag] = GzipETag.tagged(etag) }
            return response
        }
        guard acceptsGzip, response.status.code >= 200, response.status != .noContent, response.headers[.contentEncoding] == nil,
            let length = response.body.contentLength, length >= Gzip.minimumBytes, length <= Self.maximumBytes
        else { return response }
        let body = try await response.body.collect()
        guard let compressed = Gzip.compress(body), compressed.readableBytes < body.readableBytes else {
            response.body = .init(byteBuffer: body)
            return response
        }
        response.headers.markGzip(length: compressed.readableBytes)
        if let etag = response.headers[.eTag] { response.headers[.eTag] = GzipETag.tagged(etag) }
        response.body = .init(byteBuffer: compressed)
        return response
    }
}

/// `Accept-Encoding` (RFC 9110 §12.5.3): does the client take gzip? `gzip`, `x-gzip` or `*`
/// with a quality above zero; an explicit `gzip;q=0` refuses it whatever `*` says.
enum AcceptEncoding {
    static func allowsGzip(_ headers: HTTPFields) -> Bool {
        let values = headers[values: .acceptEncoding]
        // What browsers and curl send ("gzip, deflate, br"): no weights, so any gzip is a yes.
        if values.count == 1, let value = values.first, !value.utf8.contains(UInt8(ascii: ";")) {
            if value.utf8.count < 64, mentionsGzip(value) { return true }
        }
        var wildcard: Bool?
        for value in values {
            for item in value.split(separator: ",") {
                let parameters = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                guard let coding = parameters.first, !coding.isEmpty else { continue }
                let quality = parameters.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
                switch coding {
                case "gzip", "x-gzip": return quality > 0
                case "*": wildcard = quality > 0
                default: continue
                }
            }
        }
        return wildcard ?? false
    }
}

extension AcceptEncoding {
    /// Whether "gzip" appears in `value`, on its bytes: Foundation's `contains` and the standard
    /// library's generic `firstRange(of:)` each cost more than a cached page's own work.
    static func mentionsGzip(_ value: String) -> Bool {
        let gzip: (UInt8, UInt8, UInt8, UInt8) = (0x67, 0x7A, 0x69, 0x70)
        var window: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        for byte in value.utf8 {
            window = (window.1, window.2, window.3, byte)
            if window == gzip { return true }
        }
        return false
    }
}

/// ETags of compressed answers: `"abc"` becomes `"abc-gzip"` (weak tags keep their `W/`).
enum GzipETag {
    static let suffix = "-gzip"

    static func tagged(_ etag: String) -> String {
        guard etag.hasSuffix("\""), !etag.hasSuffix("\(suffix)\"") else { return etag }
        return String(etag.dropLast()) + suffix + "\""
    }

    /// Rewrites `If-None-Match` tags ending in `-gzip` to the handler's own; true when there was one.
    static func stripFromIfNoneMatch(_ headers: inout HTTPFields) -> Bool {
        guard let value = headers[.ifNoneMatch], value.contains("\(suffix)\"") else { return false }
        headers[.ifNoneMatch] = value.replacingOccurrences(of: "\(suffix)\"", with: "\"")
        return true
    }
}

extension HTTPFields {
    /// `Vary: Accept-Encoding`, added once to whatever `Vary` already says.
    mutating func addVaryAcceptEncoding() {
        guard let first = self[.vary] else {
            self[.vary] = "Accept-Encoding"
            return
        }
        if first == "Accept-Encoding" { return }
        let existing = self[values: .vary]
        guard !existing.contains(where: { $0.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces).lowercased() == "accept-encoding" } })
        else { return }
        self[values: .vary] = existing + ["Accept-Encoding"]
    }

    /// The headers of a gzip body of `length` bytes.
    mutating func markGzip(length: Int) {
        self[.contentEncoding] = "gzip"
        self[.contentLength] = String(length)
        addVaryAcceptEncoding()
    }
}
