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

    init(html: String) {
        var parts: [ByteBuffer] = []
        var slots: [Slot] = []
        var rest = Substring(html)
        while let start = rest.range(of: "<\u{E000}") {
            let afterStart = rest[start.upperBound...]
            guard let end = afterStart.range(of: "\u{E000}>"), let slot = Slot(rawValue: String(afterStart[..<end.lowerBound])) else { break }
            parts.append(ByteBuffer(string: String(rest[..<start.lowerBound])))
            slots.append(slot)
            rest = afterStart[end.upperBound...]
        }
        parts.append(ByteBuffer(string: String(rest)))
        self.parts = parts
        self.slots = slots
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
    let capacity: Int

    public init(capacity: Int = 2000) {
        self.capacity = capacity
    }

    func value(for key: String) -> CachedPage? {
        entries.withLock { $0[key] }
    }

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
