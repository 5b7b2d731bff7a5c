import NIOCore
import Synchronization

/// Small images (thumbnails) kept in memory by content hash. A hash names its bytes forever, so
/// entries never go stale; the cache only needs a size bound, and starts afresh past it.
public final class ImageCache: Sendable {
    struct Entry: Sendable {
        let contentType: String
        let body: ByteBuffer
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var bytes = 0
    }

    private let state = Mutex(State())
    let maxEntryBytes: Int
    let maxTotalBytes: Int

    public init(maxEntryBytes: Int = 256 * 1024, maxTotalBytes: Int = 32 * 1024 * 1024) {
        self.maxEntryBytes = maxEntryBytes
        self.maxTotalBytes = maxTotalBytes
    }

    func entry(_ hash: String) -> Entry? {
        state.withLock { $0.entries[hash] }
    }

    func store(_ blob: ImageBlob) {
        guard blob.data.count <= maxEntryBytes else { return }
        state.withLock {
            if $0.bytes + blob.data.count > maxTotalBytes { $0 = State() }
            $0.entries[blob.hash] = Entry(contentType: blob.contentType, body: ByteBuffer(bytes: blob.data))
            $0.bytes += blob.data.count
        }
    }

    var totalBytes: Int { state.withLock { $0.bytes } }
}
