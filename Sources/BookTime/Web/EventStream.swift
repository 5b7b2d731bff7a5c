import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A Server-Sent Events response (`text/event-stream`): every `interval` it asks `next` for an
/// event's data and sends `data: …` when there is one, a keep-alive comment when there has been
/// nothing for 15 s. It ends when the client goes, when `once` (the book's `?nopoll`: one event,
/// then the end), when `stop` says so, or when the server shuts down gracefully.
enum EventStream {
    static let headers: HTTPFields = [
        .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache, no-store",
        // A proxy in front (nginx) would otherwise hold the events back.
        HTTPField.Name("X-Accel-Buffering")!: "no",
    ]

    static func response(
        every interval: Duration = .seconds(1), once: Bool = false, stop: @escaping @Sendable () -> Bool = { false },
        next: @escaping @Sendable () async throws -> String?
    ) -> Response {
        Response(
            status: .ok, headers: headers,
            body: ResponseBody { writer in
                var quietSince = ContinuousClock.now
                while !Task.isCancelled, !Task.isShuttingDownGracefully, !stop() {
                    if let data = try await next() {
                        try await writer.write(ByteBuffer(string: event(data)))
                        quietSince = .now
                        if once { break }
                    } else if ContinuousClock.now - quietSince > .seconds(15) {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        quietSince = .now
                    }
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                }
                try await writer.finish(nil)
            }
        )
    }

    /// The book's `?nopoll` (a bare query, or a `nopoll` parameter): one event, then the end.
    static func isNoPoll(_ request: Request) -> Bool {
        request.uri.query == "nopoll" || request.uri.queryParameters["nopoll"] != nil
    }

    /// One event: each line of `data` on its own `data:` line, then a blank line.
    static func event(_ data: String) -> String {
        data.split(separator: "\n", omittingEmptySubsequences: false).map { "data: \($0)\n" }.joined() + "\n"
    }
}
