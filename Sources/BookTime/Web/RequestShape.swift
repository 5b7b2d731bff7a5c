import HTTPTypes
import Hummingbird

/// What every request must look like, checked before routing, and HEAD.
///
/// - A request without a `Host`, or with two (RFC 9112 §3.2), is refused with 400: such a request
///   comes from a scanner or a smuggling attempt, and links, cookies and the CSRF origin check all
///   rely on knowing the one host it was sent to. (HTTP/1 → HTTPTypes keeps the first `Host` as
///   the authority and any second one as a plain header field.)
/// - HEAD is answered as GET without the body (monitors and link checkers use it), with the
///   `Content-Length` the GET would have. The router matches routes by method before any of its
///   middleware runs, so this wraps the router rather than being one of its middleware.
struct RequestShape<Inner: HTTPResponderBuilder>: HTTPResponderBuilder {
    let inner: Inner

    init(_ inner: Inner) {
        self.inner = inner
    }

    func buildResponder() -> Responder {
        Responder(inner: inner.buildResponder())
    }

    struct Responder: HTTPResponder {
        typealias Context = Inner.Responder.Context
        static var host: HTTPField.Name { HTTPField.Name("Host")! }
        let inner: Inner.Responder

        func respond(to request: Request, context: Context) async throws -> Response {
            guard let authority = request.head.authority, !authority.isEmpty, request.headers[Self.host] == nil else {
                return Response(status: .badRequest, headers: [.contentType: "text/plain; charset=utf-8", .connection: "close"],
                    body: .init(byteBuffer: ByteBuffer(string: "A request names exactly one Host.\n")))
            }
            guard request.method == .head else { return try await inner.respond(to: request, context: context) }
            var head = request.head
            head.method = .get
            var response = try await inner.respond(to: Request(head: head, body: request.body), context: context)
            let length = response.headers[.contentLength]
            response.body = ResponseBody()
            response.headers[.contentLength] = length
            return response
        }
    }
}
