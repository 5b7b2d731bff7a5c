import CompressNIO
import NIOCore

/// gzip (RFC 1952) for responses: whole bodies through compress-nio, and pages assembled from
/// pieces compressed once.
///
/// A cached page is text with per-request slots (CSRF token, flash messages, basket count, account
/// area). Its text pieces are each deflated once, on their own (`Segment`), and a request's gzip
/// body is: header, the pieces' deflate blocks, each slot's value as a *stored* (uncompressed)
/// deflate block, a final empty block, and the trailer. Deflate allows that splice because every
/// piece ends byte-aligned (a sync flush) and refers to nothing before its own start. No library
/// builds a gzip stream out of pre-compressed pieces, so this framing is written here; the
/// compressing itself is compress-nio's (zlib).
///
/// Keeping slot values out of the compressor also keeps secrets (the CSRF token) out of reach of
/// the BREACH attack, which guesses a secret from how well it compresses next to reflected input.
enum Gzip {
    /// Bodies smaller than this are sent as they are: the header and trailer would eat the gain.
    static let minimumBytes = 1_024

    /// Media types worth compressing: text, JSON, XML, YAML, SVG (not images, PDFs, databases or
    /// event streams, which are already compressed or must not be held back).
    static func isCompressible(contentType: String) -> Bool {
        // The shop's own pages and answers, without parsing.
        if contentType == "text/html; charset=utf-8" || contentType == "application/json" { return true }
        let mediaType = Self.mediaType(of: contentType)
        if mediaType.hasPrefix("text/") { return mediaType != "text/event-stream" }
        return [
            "application/json", "application/problem+json", "application/manifest+json", "application/javascript",
            "application/xml", "application/yaml", "image/svg+xml",
        ].contains(mediaType)
    }

    /// A Content-Type's media type: before any `;`, without spaces or tabs around it, in lower
    /// case. On the bytes (ASCII, as header values are): Foundation's trimming cost more than
    /// the rest of a `/healthz` answer.
    static func mediaType(of contentType: String) -> String {
        let utf8 = contentType.utf8
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var lower = utf8.startIndex
        var upper = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        while lower < upper, isBlank(utf8[lower]) { lower = utf8.index(after: lower) }
        while lower < upper, isBlank(utf8[utf8.index(before: upper)]) { upper = utf8.index(before: upper) }
        return String(decoding: utf8[lower..<upper].lazy.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// The whole of `body`, gzip-compressed.
    static func compress(_ body: ByteBuffer) -> ByteBuffer? {
        var body = body
        return try? body.compress(with: .gzip())
    }

    /// The decompressed bytes of a gzip body (for tests and for checking what we send).
    static func decompress(_ body: ByteBuffer, maxSize: Int = 64 << 20) throws -> ByteBuffer {
        var body = body
        return try body.decompress(with: .gzip(), maxSize: maxSize)
    }

    // MARK: - Pieces compressed once

    /// A piece of text deflated on its own, with what the trailer needs to know of it.
    struct Segment: Sendable {
        /// Raw deflate blocks, no final block, ending byte-aligned.
        let deflated: ByteBuffer
        let crc: UInt32
        let length: Int
        /// `x^(8·length) mod P`, which moves a CRC past this piece (`CRC32.combine`).
        let shift: UInt32

        init(_ text: ByteBuffer) {
            var input = text
            let compressor = CompressionAlgorithm.deflate().compressor
            var out = ByteBuffer()
            do {
                try compressor.startStream()
                out = try input.compressStream(with: compressor, flush: .sync)
                try compressor.finishStream()
            } catch {
                // zlib fails here only without memory; the piece then travels stored.
                out = ByteBuffer()
                Gzip.writeStored(text.readableBytesView, to: &out)
            }
            self.deflated = out
            self.crc = CRC32.checksum(text.readableBytesView)
            self.length = text.readableBytes
            self.shift = CRC32.shift(byteCount: text.readableBytes)
        }
    }

    /// Builds one gzip body piece by piece.
    struct Writer {
        private(set) var buffer: ByteBuffer
        private var crc: UInt32 = 0
        private var length: Int = 0

        /// ID1 ID2, CM=deflate, no flags, no time, no extra flags, OS=Unix.
        private static let header: [UInt8] = [0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03]
        /// A final stored block of no bytes.
        private static let finalBlock: [UInt8] = [0x01, 0x00, 0x00, 0xFF, 0xFF]

        init(capacity: Int) {
            buffer = ByteBuffer()
            buffer.reserveCapacity(capacity + 64)
            buffer.writeBytes(Self.header)
        }

        mutating func append(_ segment: Segment) {
            buffer.writeImmutableBuffer(segment.deflated)
            crc = CRC32.combine(crc, segment.crc, shift: segment.shift)
            length += segment.length
        }

        /// Text that changes per request, sent uncompressed inside the stream.
        mutating func appendStored(_ text: String) {
            var text = text
            text.withUTF8 { bytes in
                Gzip.writeStored(bytes, to: &buffer)
                crc = CRC32.update(crc, UnsafeRawBufferPointer(bytes))
                length += bytes.count
            }
        }

        /// The final (empty, stored) block and the trailer: CRC-32 and length mod 2³², little-endian.
        consuming func finish() -> ByteBuffer {
            buffer.writeBytes(Self.finalBlock)
            buffer.writeInteger(crc, endianness: .little)
            buffer.writeInteger(UInt32(truncatingIfNeeded: length), endianness: .little)
            return buffer
        }
    }

    /// Non-final stored blocks (at most 65,535 bytes each) holding `bytes`; the stream must be
    /// byte-aligned here, as it is after a sync flush.
    fileprivate static func writeStored(_ bytes: some Collection<UInt8>, to buffer: inout ByteBuffer) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let chunk = rest.prefix(65_535)
            let count = UInt16(chunk.count)
            buffer.writeInteger(UInt8(0x00))
            buffer.writeInteger(count, endianness: .little)
            buffer.writeInteger(~count, endianness: .little)
            buffer.writeBytes(chunk)
            rest = rest.dropFirst(chunk.count)
        }
    }
}

/// CRC-32 as gzip and zlib define it (reflected polynomial 0xEDB88320), with zlib's way of joining
/// two checksums without re-reading the bytes (`crc32_combine`, zlib 1.2.12's `multmodp`/`x2nmodp`).
/// zlib's own functions are not exported by compress-nio, hence these few lines.
enum CRC32 {
    private static let polynomial: UInt32 = 0xEDB8_8320

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
        return crc
    }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { update(0, bytes) }

    /// The checksum of what `crc` covered followed by `bytes`.
    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        bytes.withContiguousStorageIfAvailable { update(crc, UnsafeRawBufferPointer($0)) } ?? update(crc, Array(bytes))
    }

    /// The same over contiguous bytes, without a bounds check per byte (each cached page's
    /// per-request slots go through here).
    static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        table.withUnsafeBufferPointer { table in
            var value = ~crc
            for byte in bytes { value = table[Int((value ^ UInt32(byte)) & 0xFF)] ^ (value >> 8) }
            return ~value
        }
    }

    /// The checksum of A followed by B, from A's checksum, B's and `shift(byteCount: B's length)`.
    static func combine(_ first: UInt32, _ second: UInt32, shift: UInt32) -> UInt32 {
        multiply(shift, first) ^ second
    }

    /// `x^(8·n) mod P`.
    static func shift(byteCount: Int) -> UInt32 {
        var n = UInt64(byteCount)
        var power = 3  // x^(2^3) = x^8: one byte
        var result: UInt32 = 1 << 31  // x^0
        while n != 0 {
            if n & 1 == 1 { result = multiply(powers[power & 31], result) }
            n >>= 1
            power += 1
        }
        return result
    }

    /// `x^(2^k) mod P` for k = 0...31.
    private static let powers: [UInt32] = {
        var powers: [UInt32] = [1 << 30]  // x^1
        for _ in 1..<32 { powers.append(multiply(powers.last!, powers.last!)) }
        return powers
    }()

    /// `a·b mod P` in the reflected representation.
    private static func multiply(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var b = b
        var mask: UInt32 = 1 << 31
        var product: UInt32 = 0
        while mask != 0 {
            if a & mask != 0 {
                product ^= b
                if a & (mask - 1) == 0 { break }
            }
            mask >>= 1
            b = b & 1 == 1 ? (b >> 1) ^ polynomial : b >> 1
        }
        return product
    }
}
