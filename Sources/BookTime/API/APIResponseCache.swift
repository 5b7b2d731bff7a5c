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
        /// `body` gzip-compressed once, when it is long enough to gain from it.
        let gzipBody: ByteBuffer?

        init(headers: HTTPFields, body: ByteBuffer) {
            self.headers = headers
            self.body = body
            self.gzipBody = body.readableBytes >= Gzip.minimumBytes ? Gzip.compress(body) : nil
        }

        func response(acceptsGzip: Bool) -> Response {
            guard acceptsGzip, let gzipBody else { return Response(status: .ok, headers: headers, body: .init(byteBuffer: body)) }
            var headers = headers
            headers.markGzip(length: gzipBody.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipBody))
        }
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
        let acceptsGzip = AcceptEncoding.allowsGzip(request.headers)
        if let answer = cached { return answer.response(acceptsGzip: acceptsGzip) }
        let response = try await next(request, context)
        guard response.status == .ok else { return response }
        let answer = Answer(headers: response.headers, body: try await response.body.collect())
        answers.keep(answer, for: key, ifGeneration: generation)
        return answer.response(acceptsGzip: acceptsGzip)
    }
}
