import Foundation
import GRDB
import Testing

@testable import BookTime

/// Search that forgives: "Did you mean …", subjects of several words as phrases, snippets that
/// add to the title.
@Suite struct SearchQualityTests {
    static func hitSlugs(_ html: String) -> [String] {
        html.matches(of: /<h2><a href="\/product\/([a-z0-9-]+)\/">/).map { String($0.1) }
    }

    @Test func patternQuotesEveryWordAndKeepsSubjectsTogether() {
        #expect(SearchQuery("Science fiction novels", subjects: ["Science Fiction", "Fiction"]).rawPattern == #""science fiction" "novels"*"#)
        #expect(SearchQuery("old science and fiction").rawPattern == #""old"* "science"* "and"* "fiction"*"#)
        #expect(SearchQuery(#"walden" OR * NEAR(x:"#).rawPattern == #""walden"* "or"* "near"* "x"*"#)
        #expect(SearchQuery("  ...  ").isEmpty)
        #expect(SearchQuery("popular science fiction", subjects: ["Popular Science", "Science Fiction"]).parts.count == 2)
    }

    @Test func aSubjectOfSeveralWordsIsMatchedAsAPhrase() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Dune", description: "Sand and spice.", price: 900, tags: ["Science Fiction"]))
            try await db.catalog.createProduct(
                ProductInput(name: "A Brief History of Time", description: "Science for everyone.", price: 900, tags: ["Non-fiction"])
            )
            #expect(Self.hitSlugs(try await browser.get("/search/?q=science+fiction").text) == ["dune"])
            #expect(Self.hitSlugs(try await browser.get("/search/?q=Science+Fiction+dune").text) == ["dune"])
            // Not a subject name: each word on its own, as before.
            #expect(Set(Self.hitSlugs(try await browser.get("/search/?q=science").text)) == ["dune", "a-brief-history-of-time"])
        }
    }

    @Test(arguments: [
        ("wuthring heigts", "wuthering heights"), ("drakula", "dracula"), ("pride prejudise", "pride prejudice"),
        ("moby dik", "moby dick"), ("shakespere", "shakespeare"),
    ])
    func misspellingsGetASuggestionThatFindsBooks(typed: String, suggested: String) async throws {
        try await withTestApp { browser, db in
            for (name, author) in [("Wuthering Heights", "Emily Brontë"), ("Dracula", "Bram Stoker"), ("Pride and Prejudice", "Jane Austen"),
                ("Moby-Dick", "Herman Melville"), ("Hamlet", "William Shakespeare"), ("Her Story", "Anon")]
            {
                try await db.catalog.createProduct(ProductInput(name: name, author: author, price: 500))
            }
            let html = try await browser.get(Routes.search(query: typed)).text
            #expect(html.contains("No books match"))
            #expect(html.contains(#"Did you mean <a href="\#(HTML.escape(Routes.search(query: suggested)))">\#(suggested)</a>?"#), "\(typed)")
            #expect(!Self.hitSlugs(try await browser.get(Routes.search(query: suggested)).text).isEmpty)
        }
    }

    @Test func nothingCloseMeansNoSuggestion() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Dracula", price: 500))
            let html = try await browser.get("/search/?q=xqzvw").text
            #expect(html.contains("No books match"))
            #expect(!html.contains("Did you mean"))
            #expect(html.contains("Check the spelling"))
        }
    }

    @Test func theSnippetComesFromTheDescription() async throws {
        try await withTestApp { browser, db in
            try await db.catalog.createProduct(ProductInput(name: "Walden", description: "Two years in a cabin by a pond in Massachusetts.", price: 500))
            let html = try await browser.get("/search/?q=walden").text
            let snippet = try #require(html.firstMatch(of: /<p class="snippet">([^<]*)<\/p>/).map { String($0.1) })
            #expect(snippet.contains("Two years in a cabin"))
            #expect(!snippet.contains("Walden"))
        }
    }

    @Test(arguments: [("kitten", "sitting", 3), ("", "abc", 3), ("flaw", "lawn", 2), ("same", "same", 0)])
    func editDistance(a: String, b: String, distance: Int) {
        #expect(SearchSuggestion.levenshtein(Array(a.unicodeScalars), Array(b.unicodeScalars)) == distance)
    }

    @Test func stemsAreComparedWithoutTheEndingsTheStemmerCuts() {
        #expect(SearchSuggestion.stemDistance(Array("wuthring".unicodeScalars), Array("wuther".unicodeScalars)) == 1)
        #expect(SearchSuggestion.stemDistance(Array("heigts".unicodeScalars), Array("height".unicodeScalars)) == 1)
        #expect(SearchSuggestion.stemDistance(Array("heigts".unicodeScalars), Array("heir".unicodeScalars)) > 1)
    }
}
