import Foundation
import HummingbirdTesting
import Testing

@testable import BookTime

/// `/app/`: the shell, its manifest and its service worker (the app itself runs in Chromium, e2e).
@Suite struct MobileAppTests {
    @Test func theShellIsInstallable() async throws {
        try await withTestApp { browser, _ in
            let shell = try await browser.get(Routes.mobileApp)
            #expect(shell.status == .ok)
            #expect(shell.text.contains(#"<link rel="manifest" href="/app/manifest.webmanifest">"#))
            #expect(shell.text.contains(#"data-auth-url="/mobile-api/auth/""#))
            #expect(shell.text.contains("Your BookTime orders"))
            #expect(!shell.text.contains("<script>"))  // nothing inline: the CSP would refuse it

            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(try await browser.get(Routes.mobileAppManifest).text.utf8)) as? [String: Any])
            #expect(manifest["start_url"] as? String == "/app/")
            #expect(manifest["scope"] as? String == "/app/")
            #expect(manifest["display"] as? String == "standalone")
            let icon = try #require((manifest["icons"] as? [[String: Any]])?.first?["src"] as? String)
            #expect(try await browser.get(icon).status == .ok)

            let worker = try await browser.get(Routes.mobileAppServiceWorker)
            #expect(worker.headers[.contentType]?.hasPrefix("text/javascript") == true)
            let shellList = try #require(worker.text.firstMatch(of: /const SHELL = (\[[^\]]*\]);/).map { String($0.1) })
            let files = try #require(try JSONSerialization.jsonObject(with: Data(shellList.utf8)) as? [String])
            #expect(files.contains("/app/"))
            for file in files { #expect(try await browser.get(file).status == .ok, "\(file)") }
            #expect(worker.text.contains("addEventListener(\"fetch\""))
        }
    }
}
