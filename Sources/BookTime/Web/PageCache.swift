import NIOCore
import Synchronization

/// A page rendered once with placeholders, split at them: text, slot, text, slot, ... text.
struct CachedPage: Sendable {
    enum Slot: String, CaseIterable, Sendable {
        case csrfToken, messages, basketCount, account

        /// What the cached render writes in place of the per-request value. It starts with `<`,
        /// which escaping turns into `&lt;` in any data, so only our templates can produce one.
        var marker: String { "<\u{E000}\(rawValue)\u{E000}>" }
    }

    let parts: [ByteBuffer]
    let slots: [Slot]
    /// The account slot for visitors who are not signed in, rendered once with the page.
    var anonymousAccountHTML: String?
    /// `parts` deflated one by one (`Gzip.Segment`), for pages kept in a cache: a hit then costs
    /// no compressing, only the slots' values are framed in.
    private(set) var gzipParts: [Gzip.Segment]?

    init(html: String) {
        // Split on bytes: Foundation's `range(of:)` bridges through NSString and costs more than
        // rendering the page. Markers are `<` U+E000 name U+E000 `>`.
        let bytes = Array(html.utf8)
        let open: [UInt8] = [0x3C, 0xEE, 0x80, 0x80]
        let close: [UInt8] = [0xEE, 0x80, 0x80, 0x3E]
        var parts: [ByteBuffer] = []
        var slots: [Slot] = []
        var partStart = 0
        var searchFrom = 0
        while let start = Self.find(open, in: bytes, from: searchFrom) {
            let nameStart = start + open.count
            guard let end = Self.find(close, in: bytes, from: nameStart),
                let slot = Slot(rawValue: String(decoding: bytes[nameStart..<end], as: UTF8.self))
            else { break }
            parts.append(ByteBuffer(bytes: bytes[partStart..<start]))
            slots.append(slot)
            partStart = end + close.count
            searchFrom = partStart
        }
        parts.append(ByteBuffer(bytes: bytes[partStart...]))
        self.parts = parts
        self.slots = slots
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard bytes.count >= needle.count, from <= bytes.count - needle.count else { return nil }
        var index = from
        while index <= bytes.count - needle.count {
            guard let first = bytes[index...].firstIndex(of: needle[0]), first <= bytes.count - needle.count else { return nil }
            if bytes[first..<(first + needle.count)].elementsEqual(needle) { return first }
            index = first + 1
        }
        return nil
    }

    /// Compresses the text parts once; `assembleGzip` reuses them.
    mutating func prepareGzip() {
        if gzipParts == nil { gzipParts = parts.map(Gzip.Segment.init) }
    }

    /// The page for one request, gzip-compressed. The slots' values go in uncompressed (stored
    /// blocks), so a secret among them never shares a compressor with reflected input.
    func assembleGzip(_ value: (Slot) -> String) -> ByteBuffer {
        let segments = gzipParts ?? parts.map(Gzip.Segment.init)
        var writer = Gzip.Writer(capacity: segments.reduce(0) { $0 + $1.deflated.readableBytes } + 512)
        for (index, segment) in segments.enumerated() {
            writer.append(segment)
            if index < slots.count { writer.appendStored(value(slots[index])) }
        }
        return writer.finish()
    }

    /// The page for one request.
    func assemble(_ value: (Slot) -> String) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(parts.reduce(0) { $0 + $1.readableBytes } + 256)
        for (index, part) in parts.enumerated() {
            buffer.writeImmutableBuffer(part)
            if index < slots.count { buffer.writeString(value(slots[index])) }
        }
        return buffer
    }
}

/// Rendered pages kept in memory, keyed by what they were rendered from (path and query, the
/// catalogue version, the theme). Bounded: past `capacity` entries it starts afresh, so no
/// sequence of URLs can grow it without limit.
public final class PageCache: Sendable {
    private let entries = Mutex<[String: CachedPage]>([:])
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)
    let capacity: Int

    public init(capacity: Int = 2000) {
        self.capacity = capacity
    }

    func value(for key: String) -> CachedPage? {
        let page = entries.withLock { $0[key] }
        if page == nil { missCount.add(1, ordering: .relaxed) } else { hitCount.add(1, ordering: .relaxed) }
        return page
    }

    /// Lookups answered and not answered so far (for `/metrics`).
    var hits: Int { hitCount.load(ordering: .relaxed) }
    var misses: Int { missCount.load(ordering: .relaxed) }

    func store(_ page: CachedPage, for key: String) {
        entries.withLock {
            if $0.count >= capacity { $0.removeAll(keepingCapacity: true) }
            $0[key] = page
        }
    }

    public func removeAll() {
        entries.withLock { $0.removeAll() }
    }

    var count: Int { entries.withLock { $0.count } }
}
