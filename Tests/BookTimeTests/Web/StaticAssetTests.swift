import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import BookTime
import BookTimeResources

@Suite struct StaticAssetTests {
    /// The stylesheet URL the layout links to.
    static func stylesheetURL(in html: String) throws -> String {
        let match = try #require(html.firstMatch(of: /href="(\/static\/site\.[0-9a-f]{12}\.css)"/))
        return String(match.1)
    }

    @Test func layoutLinksHashedStylesheetServedImmutable() async throws {
        try await withTestApp { browser, _ in
            let url = try Self.stylesheetURL(in: try await browser.get("/").text)
            let response = try await browser.get(url)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/css; charset=utf-8")
            #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
            let etag = try #require(response.headers[.eTag])
            #expect(response.text == String(decoding: EmbeddedResources.files["static/site.css"]!, as: UTF8.self))

            var headers = HTTPFields()
            headers[.ifNoneMatch] = etag
            let cached = try await browser.get(url, headers: headers)
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
        }
    }

    @Test func faviconIcoIsTheIcon() async throws {
        try await withTestApp { browser, _ in
            let response = try await browser.get("/favicon.ico")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "image/svg+xml")
            #expect(response.headers[.cacheControl] == "public, max-age=86400")
            #expect(response.text == String(decoding: EmbeddedResources.files["static/favicon.svg"]!, as: UTF8.self))
        }
    }

    @Test func hashFollowsContent() {
        let a = StaticAssets(files: ["site.css": Array("a{}".utf8)])
        let b = StaticAssets(files: ["site.css": Array("b{}".utf8)])
        #expect(a.url(for: "site.css") != b.url(for: "site.css"))
        #expect(a.url(for: "site.css") == StaticAssets(files: ["site.css": Array("a{}".utf8)]).url(for: "site.css"))
    }

    @Test(arguments: ["/static/site.css", "/static/site.000000000000.css", "/static/..%2F..%2Fetc%2Fpasswd"])
    func unhashedOrUnknownStaticNamesAre404(path: String) async throws {
        let status = try await withTestApp { browser, _ in try await browser.get(path).status }
        #expect(status == .notFound)
    }

    /// Every file under Resources/ (templates, static, data, api) is compiled into the binary.
    @Test func everyResourceFileIsRegistered() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Resources")
        var onDisk: Set<String> = []
        for folder in ["templates", "static", "data", "api"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path) {
                onDisk.insert("\(folder)/\(name)")
            }
        }
        #expect(onDisk == Set(EmbeddedResources.files.keys))
        for (path, bytes) in EmbeddedResources.files {
            let disk = try Data(contentsOf: root.appendingPathComponent(path))
            #expect(Data(bytes) == disk, "\(path) is registered under the wrong bytes")
        }
    }

    @Test func everyTemplateParses() throws {
        let views = try Views()
        for name in EmbeddedResources.files.keys where name.hasPrefix("templates/") {
            let template = String(name.dropFirst("templates/".count).dropLast(".mustache".count))
            #expect(views.library.getTemplate(named: template) != nil, "\(name)")
        }
    }
}

@Suite struct ThemeTests {
    @Test func themeFilesOverrideEmbeddedOnesAndReloadWithoutRestart() async throws {
        let theme = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: theme.file("templates"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: theme.file("static"), withIntermediateDirectories: true)
        try "body { color: rebeccapurple; }".write(toFile: theme.file("static/site.css"), atomically: true, encoding: .utf8)
        try "{{<base}}{{$content}}<h1>Owner's own about page</h1>{{/content}}{{/base}}"
            .write(toFile: theme.file("templates/company_about_us.mustache"), atomically: true, encoding: .utf8)

        try await withTestApp(configure: { $0.themeDirectory = theme.path; $0.themePollInterval = .milliseconds(50) }) { browser, _ in
            let about = try await browser.get("/about-us/").text
            #expect(about.contains("Owner's own about page"))
            #expect(about.contains("BookTime"))
            let cssURL = try StaticAssetTests.stylesheetURL(in: about)
            #expect(try await browser.get(cssURL).text == "body { color: rebeccapurple; }")
            // Pages the theme does not override still come from the binary.
            #expect(try await browser.get("/contact-us/").text.contains(#"name="message""#))

            // Edit the theme: the running server picks it up.
            try "{{<base}}{{$content}}<h1>About us, second draft</h1>{{/content}}{{/base}}"
                .write(toFile: theme.file("templates/company_about_us.mustache"), atomically: true, encoding: .utf8)
            try "body { color: teal; }".write(toFile: theme.file("static/site.css"), atomically: true, encoding: .utf8)
            var reloaded = false
            for _ in 0..<100 where !reloaded {
                try await Task.sleep(for: .milliseconds(50))
                reloaded = try await browser.get("/about-us/").text.contains("second draft")
            }
            #expect(reloaded)
            let newCSS = try StaticAssetTests.stylesheetURL(in: try await browser.get("/").text)
            #expect(newCSS != cssURL)
            #expect(try await browser.get(newCSS).text == "body { color: teal; }")
        }
    }

    @Test func brokenThemeTemplateKeepsTheLastGoodOne() throws {
        let theme = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: theme.file("templates"), withIntermediateDirectories: true)
        let views = try Views(themeDirectory: theme.path)
        try "{{#unclosed}}".write(toFile: theme.file("templates/company_home.mustache"), atomically: true, encoding: .utf8)
        #expect(views.reloadIfThemeChanged() == false)
        #expect(views.library.getTemplate(named: "company_home") != nil)
    }

    @Test func missingThemeDirectoryIsAConfigurationError() throws {
        var config = AppConfiguration()
        config.themeDirectory = "/nonexistent/theme"
        #expect(throws: ConfigurationError.self) { try config.validate() }
    }
}
