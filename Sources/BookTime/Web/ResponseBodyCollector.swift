import Hummingbird
import NIOCore

extension ResponseBody {
    /// All of the body's bytes, for middleware that keeps or rewrites a whole answer
    /// (`APIResponseCache`, `ResponseCompressionMiddleware`). Only for bodies of known, bounded length.
    func collect() async throws -> ByteBuffer {
        let collector = Collector()
        try await write(Collector.Writer(collector: collector))
        return collector.buffer
    }

    /// Gathers a response body's bytes (written by one task, in order).
    private final class Collector: @unchecked Sendable {
        var buffer = ByteBuffer()

        struct Writer: ResponseBodyWriter {
            let collector: Collector

            mutating func write(_ part: ByteBuffer) async throws {
                var part = part
                collector.buffer.writeBuffer(&part)
            }

            consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
        }
    }
}
