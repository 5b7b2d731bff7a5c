import Foundation
import Hummingbird

/// Static files served at content-hashed URLs (`/static/site.3f9a1c2b7d.css`), so browsers may cache
/// them forever: a changed file gets a new URL. Built from the embedded files plus the theme overlay.
public struct StaticAssets: Sendable {
    public struct Asset: Sendable {
        public let name: String
        public let hashedName: String
        public let body: ByteBuffer
        public let contentType: String
        public let etag: String
        /// `body` gzip-compressed once, for text files where that makes it smaller.
        let gzipBody: ByteBuffer?
    }

    /// By hashed file name, as requested.
    private let byHashedName: [String: Asset]
    /// Hashed URL by logical name (`site.css`).
    private let urls: [String: String]

    /// `files` maps logical names (`site.css`) to bytes.
    init(files: [String: [UInt8]]) {
        var byHashedName: [String: Asset] = [:]
        var urls: [String: String] = [:]
        for (name, bytes) in files {
            let digest = sha256Hex(bytes)
            let hash = String(digest.prefix(12))
            let ext = (name as NSString).pathExtension
            let stem = (name as NSString).deletingPathExtension
            let hashedName = ext.isEmpty ? "\(stem).\(hash)" : "\(stem).\(hash).\(ext)"
            let body = ByteBuffer(bytes: bytes)
            let contentType = Self.contentType(forExtension: ext)
            let gzipBody = Gzip.isCompressible(contentType: contentType) && bytes.count >= Gzip.minimumBytes
                ? Gzip.compress(body).flatMap { $0.readableBytes < bytes.count ? $0 : nil } : nil
            byHashedName[hashedName] = Asset(
                name: name, hashedName: hashedName, body: body, contentType: contentType, etag: "\"\(hash)\"", gzipBody: gzipBody
            )
            urls[name] = Routes.staticFile(hashedName)
        }
        self.byHashedName = byHashedName
        self.urls = urls
    }

    /// The URL to put in a page for `name`; a missing file is a bug caught by tests.
    public func url(for name: String) -> String {
        urls[name] ?? Routes.staticFile(name)
    }

    public func asset(hashedName: String) -> Asset? {
        byHashedName[hashedName]
    }

    /// By logical name (`favicon.svg`), for the few files served at a fixed URL.
    public func asset(named name: String) -> Asset? {
        byHashedName.values.first { $0.name == name }
    }

    static func contentType(forExtension ext: String) -> String {
        switch ext.lowercased() {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        case "txt": "text/plain; charset=utf-8"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}

/// `GET /static/<hashed name>`: immutable caching, ETag and 304.
struct StaticController {
    let views: Views

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(Routes.Pattern.staticFile.routerPath) { request, context in
            try serve(request, context: context)
        }
        // Browsers, feed readers and bots ask for /favicon.ico whatever the page links: the icon
        // (an SVG, which browsers take from this URL too), cached for a day as it is not hashed.
        router.get(RouterPath(Routes.favicon)) { request, _ in
            guard let asset = views.assets.asset(named: "favicon.svg") else { throw HTTPError(.notFound) }
            return respond(request, asset: asset, cacheControl: "public, max-age=86400")
        }
    }

    private func serve(_ request: Request, context: AppRequestContext) throws -> Response {
        let file = try context.parameters.require("file")
        guard let asset = views.assets.asset(hashedName: file) else { throw HTTPError(.notFound) }
        return respond(request, asset: asset, cacheControl: "public, max-age=31536000, immutable")
    }

    /// The compressed copy when there is one and the client takes gzip (its ETag says `-gzip`).
    private func respond(_ request: Request, asset: StaticAssets.Asset, cacheControl: String) -> Response {
        let gzipBody = asset.gzipBody.flatMap { AcceptEncoding.allowsGzip(request.headers) ? $0 : nil }
        let etag = gzipBody == nil ? asset.etag : GzipETag.tagged(asset.etag)
        var headers: HTTPFields = [.contentType: asset.contentType, .cacheControl: cacheControl, .eTag: etag]
        if asset.gzipBody != nil { headers.addVaryAcceptEncoding() }
        let known = [asset.etag, GzipETag.tagged(asset.etag)]
        if let inm = request.headers[.ifNoneMatch], inm.split(separator: ",").contains(where: { known.contains($0.trimmingCharacters(in: .whitespaces)) }) {
            return Response(status: .notModified, headers: headers)
        }
        if let gzipBody {
            headers.markGzip(length: gzipBody.readableBytes)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipBody))
        }
        headers[.contentLength] = String(asset.body.readableBytes)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
