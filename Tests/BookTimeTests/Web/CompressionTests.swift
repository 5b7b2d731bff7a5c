import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import BookTime

@Suite struct CompressionTests {
    static var gzip: HTTPFields { [.acceptEncoding: "gzip, deflate, br"] }

    static func inflate(_ response: TestResponse) throws -> String {
        #expect(response.headers[.contentEncoding] == "gzip")
        #expect(response.headers[.contentLength] == String(response.body.readableBytes))
        return String(buffer: try Gzip.decompress(response.body))
    }

    static func varies(_ response: TestResponse) -> Bool {
        response.headers[values: .vary].contains { $0.lowercased().contains("accept-encoding") }
    }

    // MARK: - The gzip stream

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
    }

    @Test(arguments: [0, 1, 7, 8, 1000, 65_536, 100_003])
    func crcOfJoinedPiecesFromThePiecesAlone(secondLength: Int) {
        var generator = SystemRandomNumberGenerator()
        let first = (0..<333).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let second = (0..<secondLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let joined = CRC32.combine(CRC32.checksum(first), CRC32.checksum(second), shift: CRC32.shift(byteCount: second.count))
        #expect(joined == CRC32.checksum(first + second))
        #expect(CRC32.update(CRC32.checksum(first), second) == CRC32.checksum(first + second))
    }

    @Test func pageFromPiecesAndStoredSlotsIsValidGzip() throws {
        let page = CachedPage(html: "<html>" + String(repeating: "Pride and Prejudice. ", count: 200) + CachedPage.Slot.csrfToken.marker
            + "<p>middle</p>" + CachedPage.Slot.messages.marker + String(repeating: "Emma. ", count: 300) + "</html>")
        // A slot longer than one stored block (65,535 bytes) and one with multi-byte characters.
        let long = String(repeating: "é", count: 40_000)
        let values: (CachedPage.Slot) -> String = { $0 == .csrfToken ? "TOKEN-ü-123" : long }
        let gzip = page.assembleGzip(values)
        #expect(String(buffer: try Gzip.decompress(gzip)) == String(buffer: page.assemble(values)))
        var prepared = page
        prepared.prepareGzip()
        #expect(prepared.assembleGzip(values) == gzip, "pieces compressed ahead give the same bytes")
    }

    @Test func aCorruptTrailerIsCaught() throws {
        // The check above would pass with a wrong CRC if the decompressor did not verify it.
        var gzip = CachedPage(html: String(repeating: "Walden. ", count: 500)).assembleGzip { _ in "" }
        let crcIndex = gzip.writerIndex - 8
        gzip.setInteger(gzip.getInteger(at: crcIndex, as: UInt8.self)! ^ 0xFF, at: crcIndex)
        #expect(throws: (any Error).self) { try Gzip.decompress(gzip) }
    }

    @Test(arguments: [
        ("gzip", true), ("GZIP", true), ("x-gzip", true), ("deflate, gzip;q=0.5", true), ("*", true),
        ("gzip;q=0", false), ("*;q=0", false), ("br", false), ("", false), ("identity", false),
        ("gzip;q=0, *", false), ("*, br", true), ("br, gzip", true), ("gzip, deflate, br, zstd", true), ("gzi", false),
        ("deflate, br", false), ("g z i p", false),
    ])
    func acceptEncoding(value: String, gzip: Bool) {
        #expect(AcceptEncoding.allowsGzip([.acceptEncoding: value]) == gzip)
    }

    @Test(arguments: [
        ("text/plain; charset=utf-8", true), (" Text/CSS ", true), ("\ttext/csv\t;header=present", true), ("TEXT/EVENT-STREAM", false),
        ("text/event-stream; charset=utf-8", false), ("application/JSON;charset=utf-8", true), ("image/svg+xml", true),
        ("application/problem+json", true), ("image/png", false), ("application/octet-stream", false), ("application/pdf", false),
        ("", false), (";", false), ("  ", false), ("text/", true),
    ])
    func compressibleMediaTypes(contentType: String, compressible: Bool) {
        #expect(Gzip.isCompressible(contentType: contentType) == compressible)
        // What the check did with Foundation's trimming and lower-casing, before it read bytes.
        let foundation = contentType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        #expect(Gzip.mediaType(of: contentType) == foundation)
    }

    // MARK: - Responses

    @Test func cachedPageIsCompressedWithTheTokenLeftOutOfTheCompressor() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Emma", description: String(repeating: "A novel of manners. ", count: 50), price: 100))
            let plain = try await browser.get("/product/emma/")
            #expect(plain.headers[.contentEncoding] == nil)
            #expect(Self.varies(plain))
            let compressed = try await browser.get("/product/emma/", headers: Self.gzip)
            #expect(Self.varies(compressed))
            #expect(try Self.inflate(compressed) == plain.text)
            #expect(compressed.body.readableBytes * 2 < plain.body.readableBytes)
            // The CSRF token travels as it is (a stored block), never compressed next to page text.
            let token = try #require(browser.cookie("csrftoken"))
            #expect(String(decoding: compressed.body.readableBytesView, as: UTF8.self).contains(token))
        }
    }

    @Test func pagesRenderedPerRequestAreCompressedToo() async throws {
        try await withTestApp { browser, _ in
            let plain = try await browser.get("/login/")
            let compressed = try await browser.get("/login/", headers: Self.gzip)
            #expect(try Self.inflate(compressed) == plain.text)
            #expect(plain.text.contains(#"name="csrf_token""#))
        }
    }

    @Test func clientsThatRefuseGzipGetPlainPages() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/", headers: [.acceptEncoding: "gzip;q=0, identity"])
            #expect(response.headers[.contentEncoding] == nil)
            #expect(response.text.contains("<html"))
        }
    }

    @Test func staticFilesKeepACompressedCopyWithItsOwnETag() async throws {
        try await withTestApp { browser, _ in
            let url = try StaticAssetTests.stylesheetURL(in: try await browser.get("/").text)
            let plain = try await browser.get(url)
            let compressed = try await browser.get(url, headers: Self.gzip)
            #expect(try Self.inflate(compressed) == plain.text)
            #expect(Self.varies(plain) && Self.varies(compressed))
            let plainTag = try #require(plain.headers[.eTag])
            let gzipTag = try #require(compressed.headers[.eTag])
            #expect(gzipTag == GzipETag.tagged(plainTag) && gzipTag != plainTag)
            var revalidate = Self.gzip
            revalidate[.ifNoneMatch] = gzipTag
            let notModified = try await browser.get(url, headers: revalidate)
            #expect(notModified.status == .notModified)
            #expect(notModified.headers[.eTag] == gzipTag)
        }
    }

    @Test func otherAnswersAreCompressedOnTheWayOut() async throws {
        try await withTestApp { browser, _ in
            let plain = try await browser.get("/api/openapi.json")
            let compressed = try await browser.get("/api/openapi.json", headers: Self.gzip)
            #expect(try Self.inflate(compressed) == plain.text)
            #expect(Self.varies(plain) && Self.varies(compressed))
            #expect(compressed.body.readableBytes * 4 < plain.body.readableBytes)
        }
    }

    /// A handler with its own ETag and 304, behind the middleware alone.
    @Test func compressedAnswersGetTheirOwnETagAndStillRevalidate() async throws {
        let body = String(repeating: "<p>Sense and Sensibility</p>", count: 100)
        let router = Router()
        router.add(middleware: ResponseCompressionMiddleware())
        router.get("/page") { request, _ -> Response in
            var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .eTag: "\"v1\""]
            if request.headers[.ifNoneMatch] == "\"v1\"" { return Response(status: .notModified, headers: headers) }
            headers[.contentLength] = String(body.utf8.count)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        try await Application(router: router).test(.router) { client in
            let compressed = try await client.executeRequest(uri: "/page", method: .get, headers: Self.gzip, body: nil)
            #expect(try Self.inflate(compressed) == body)
            #expect(compressed.headers[.eTag] == "\"v1-gzip\"")
            var revalidate = Self.gzip
            revalidate[.ifNoneMatch] = "\"v1-gzip\""
            let notModified = try await client.executeRequest(uri: "/page", method: .get, headers: revalidate, body: nil)
            #expect(notModified.status == .notModified)
            #expect(notModified.headers[.eTag] == "\"v1-gzip\"")
            let plain = try await client.executeRequest(uri: "/page", method: .get, headers: [.ifNoneMatch: "\"v1\""], body: nil)
            #expect(plain.status == .notModified)
            #expect(plain.headers[.eTag] == "\"v1\"")
        }
    }

    @Test func smallAnswersAndStreamsAreLeftAlone() async throws {
        try await withTestApp { browser, _ in
            let health = try await browser.get("/healthz", headers: Self.gzip)
            #expect(health.status == .ok)
            #expect(health.headers[.contentEncoding] == nil)
        }
    }

    @Test func headAnnouncesTheCompressedLength() async throws {
        try await withTestApp { browser, _ in
            let url = try StaticAssetTests.stylesheetURL(in: try await browser.get("/").text)
            let get = try await browser.get(url, headers: Self.gzip)
            let head = try await browser.request(url, method: .head, headers: Self.gzip)
            #expect(head.headers[.contentEncoding] == "gzip")
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
            #expect(head.body.readableBytes == 0)
        }
    }
}
