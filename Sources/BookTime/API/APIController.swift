import BookTimeResources
import Foundation
import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Mounts the JSON API: its document (`/api/openapi.json` and `.yaml`, the same bytes: the file is
/// written in YAML's JSON subset), a short page at `/api/` that links it, and the operations the
/// generator made from that document, behind `APIAuthMiddleware`.
struct APIController {
    let db: AppDatabase
    let signIn: SignIn
    let publicURL: PublicURL
    let orderEmail: OrderEmailSettings?
    let currency: Currency
    let carrier: any Carrier
    let jwt: JWTTokens

    static let document: [UInt8] = EmbeddedResources.files["api/openapi.yaml"] ?? []

    func addRoutes(to router: Router<AppRequestContext>) throws {
        router.get(RouterPath(Routes.apiDocumentJSON)) { _, _ in Self.documentResponse("application/json") }
        router.get(RouterPath(Routes.apiDocumentYAML)) { _, _ in Self.documentResponse("application/yaml") }
        router.get(RouterPath(Routes.api)) { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
                body: .init(byteBuffer: ByteBuffer(string: Self.indexHTML))
            )
        }
        // Methods a path of the document does not take answer 405 with `Allow`, from the document.
        for (path, methods) in Self.documentedMethods() {
            let allow = methods.map(\.rawValue).sorted().joined(separator: ", ")
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !methods.contains(method) {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw APIError(
                        status: .methodNotAllowed, code: "method_not_allowed", message: "This URL takes \(allow) only.", headers: [.allow: allow]
                    )
                }
            }
        }
        let reads = APIReads(db: db)
        let api = router.group().add(middleware: APIAuthMiddleware(signIn: signIn, publicURL: publicURL, jwt: jwt))
            .add(
                middleware: APIResponseCache(
                    db: db, paths: [Routes.apiOrderLines, Routes.apiOrders], roles: BookTimeAPI.dispatchRoles, tables: APIReads.orderTables
                )
            )
        try BookTimeAPI(db: db, signIn: signIn, orderEmail: orderEmail, currency: currency, carrier: carrier, jwt: jwt, reads: reads).registerHandlers(
            on: api, serverURL: Servers.Server1.url(), configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds, jsonEncodingOptions: [.sortedKeys, .withoutEscapingSlashes])
        )
    }

    /// Each path of the document with the methods it documents.
    static func documentedMethods() -> [(path: String, methods: Set<HTTPRequest.Method>)] {
        guard let document = try? JSONSerialization.jsonObject(with: Data(Self.document)) as? [String: Any],
            let paths = document["paths"] as? [String: [String: Any]]
        else { return [] }
        return paths.keys.sorted().map { path in
            let operations = (paths[path] ?? [:]).keys.filter { ["get", "put", "post", "patch", "delete"].contains($0) }
            return (path, Set(operations.compactMap { HTTPRequest.Method($0.uppercased()) }))
        }
    }

    static func documentResponse(_ contentType: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: contentType, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(bytes: document))
        )
    }

    /// The API's front page for people: what it is and where the document is.
    static let indexHTML = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>BookTime API</title></head>
        <body>
        <h1>BookTime API</h1>
        <p>The dispatch API: the lines and shipping addresses of paid orders, for dispatchers and owners.
        Sign in with HTTP Basic (your email and password) or use this browser's session.</p>
        <ul>
        <li><a href="\(Routes.apiDocumentJSON)">OpenAPI document (JSON)</a></li>
        <li><a href="\(Routes.apiDocumentYAML)">OpenAPI document (YAML)</a></li>
        <li><a href="\(Routes.apiOrderLines)">Order lines of paid orders</a></li>
        <li><a href="\(Routes.apiOrders)">Paid orders</a></li>
        </ul>
        </body></html>
        """
}
