import Foundation
import Hummingbird

/// `/app/`: the book's React Native app (chapter 9) as an installable web app in vanilla JS. It
/// speaks only the mobile API (`POST /mobile-api/auth/` for a device token, then `Token` auth)
/// and the chat's WebSocket with `?token=`, as the book's app does; the page itself is a static
/// shell, cached by its service worker so the app opens without a network.
struct MobileAppController {
    let views: Views

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get(RouterPath(Routes.mobileApp), use: shell)
        router.get(RouterPath(Routes.mobileAppManifest), use: manifest)
        router.get(RouterPath(Routes.mobileAppServiceWorker), use: serviceWorker)
    }

    struct ShellPage {
        let manifestURL = Routes.mobileAppManifest
        let serviceWorkerURL = Routes.mobileAppServiceWorker
    }

    @Sendable func shell(_ request: Request, context: AppRequestContext) async throws -> Response {
        var response = views.render("mobile_app", page: ShellPage(), title: "BookTime app", request: request, context: context)
        response.headers[.cacheControl] = "no-cache"
        return response
    }

    /// The web app manifest: installable, opens at `/app/` on its own.
    @Sendable func manifest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let manifest: [String: Any] = [
            "name": "BookTime", "short_name": "BookTime", "description": "Your BookTime orders, and a chat with us about them.",
            "start_url": Routes.mobileApp, "scope": Routes.mobileApp, "display": "standalone",
            "background_color": "#fbf8f2", "theme_color": "#7a2e1f",
            "icons": [["src": views.assets.url(for: "favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"]],
        ]
        let data = try JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys, .withoutEscapingSlashes])
        return Response(
            status: .ok, headers: [.contentType: "application/manifest+json", .cacheControl: "no-cache"], body: .init(byteBuffer: .init(data: data))
        )
    }

    /// The service worker, served below `/app/` so that its scope is the app. It names the
    /// shell's files (their URLs carry content hashes, so a new binary means a new cache).
    @Sendable func serviceWorker(_ request: Request, context: AppRequestContext) async throws -> Response {
        let assets = views.assets
        let shellFiles = [Routes.mobileApp, Routes.mobileAppManifest] + ["site.css", "realtime.js", "app.js", "favicon.svg"].map { assets.url(for: $0) }
        let list = String(decoding: try JSONSerialization.data(withJSONObject: shellFiles, options: [.withoutEscapingSlashes]), as: UTF8.self)
        let version = sha256Hex(Data(list.utf8)).prefix(12)
        let script = "const CACHE = \"booktime-app-\(version)\";\nconst SHELL = \(list);\n" + String(buffer: assets.asset(named: "app-sw.js")?.body ?? .init())
        return Response(
            status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: .init(string: script))
        )
    }
}
