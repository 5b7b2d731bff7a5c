import Foundation
import Hummingbird
import NIOCore

/// Whole answers of the dispatch API's list pages, kept until a commit touches the order tables
/// (`TableCache`), for dispatchers and owners only: a client polling the lines gets the bytes of
/// the last identical answer instead of the generated server encoding 100 objects again.
/// Only `200` answers to `GET` are kept, by path and query; the role check happens here first,
/// as the operation itself would.
struct APIResponseCache: RouterMiddleware {
    typealias Context = AppRequestContext

    struct Answer: Sendable {
        let headers: HTTPFields
        let body: ByteBuffer
    }

    let paths: Set<String>
    let roles: Set<Role>
    let answers: TableCache<String, Answer>

    init(db: AppDatabase, paths: Set<String>, roles: Set<Role>, tables: [String]) {
        self.paths = paths
        self.roles = roles
        self.answers = TableCache(db: db, tables: tables, capacity: 1_000)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, paths.contains(request.uri.path), let user = APIRequest.current?.user, !user.roles.isDisjoint(with: roles)
        else { return try await next(request, context) }
        let key = request.uri.description
        let (cached, generation) = answers.lookup(key)
        if let answer = cached {
            return Response(status: .ok, headers: answer.headers, body: .init(byteBuffer: answer.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok else { return response }
        let collector = Collector()
        try await response.body.write(collector.writer)
        let body = collector.buffer
        answers.keep(Answer(headers: response.headers, body: body), for: key, ifGeneration: generation)
        return Response(status: .ok, headers: response.headers, body: .init(byteBuffer: body))
    }

    /// Gathers a response body's bytes (written by one task, in order).
    final class Collector: @unchecked Sendable {
        var buffer = ByteBuffer()

        var writer: Writer { Writer(collector: self) }

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
