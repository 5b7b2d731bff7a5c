import Foundation
import GRDB

/// A visitor's search turned into an FTS5 pattern: every word a prefix that must match, except
/// that the words of a multi-word subject ("science fiction") must match side by side, as a
/// phrase, so "science fiction" does not find "Non-fiction" books that mention science.
struct SearchQuery: Equatable {
    enum Part: Equatable {
        case prefix(String)
        case phrase([String])
    }

    let parts: [Part]

    /// Letters and digits, lower-cased: the words FTS5's tokenizer would see (quotes, stars,
    /// colons and other FTS syntax are dropped, so no input is a syntax error).
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init).prefix(32).map { $0 }
    }

    /// `subjects` are the catalogue's multi-word subject names; the longest one found wins.
    init(_ text: String, subjects: [String] = []) {
        var words = Self.words(String(text.prefix(200)))
        var phrases: [(at: Int, words: [String])] = []
        for subject in subjects.map(Self.words).filter({ $0.count > 1 }).sorted(by: { $0.count > $1.count }) {
            var index = 0
            while index + subject.count <= words.count {
                if Array(words[index..<(index + subject.count)]) == subject {
                    phrases.append((index, subject))
                    words.replaceSubrange(index..<(index + subject.count), with: Array(repeating: "", count: subject.count))
                    index += subject.count
                } else {
                    index += 1
                }
            }
        }
        var parts: [(Int, Part)] = phrases.map { ($0.at, .phrase($0.words)) }
        for (index, word) in words.enumerated() where !word.isEmpty { parts.append((index, .prefix(word))) }
        self.parts = parts.sorted { $0.0 < $1.0 }.map(\.1)
    }

    var isEmpty: Bool { parts.isEmpty }

    /// `"science fiction" "nov"*`: each word quoted, so it is only ever a word.
    var rawPattern: String {
        parts.map { part in
            switch part {
            case .prefix(let word): "\"\(word)\"*"
            case .phrase(let words): "\"\(words.joined(separator: " "))\""
            }
        }.joined(separator: " ")
    }

    /// The pattern, checked by SQLite against the search table.
    func pattern(_ db: Database) throws -> FTS5Pattern? {
        isEmpty ? nil : try db.makeFTS5Pattern(rawPattern: rawPattern, forTable: "productSearch")
    }
}

// MARK: - "Did you mean …"

/// A better query for one that found nothing: each word that matches nothing is replaced by the
/// closest word of the catalogue's search vocabulary (`productSearchVocabulary`, an `fts5vocab`
/// table over the search index), within an edit distance that grows with the word's length. The
/// vocabulary holds the index's stemmed terms ("wuther" for "Wuthering"), so the word shown is
/// read back from a book's own text, where the term occurs.
enum SearchSuggestion {
    /// Edits allowed for a word of this length: none below 3 letters.
    static func allowedDistance(_ length: Int) -> Int {
        length < 3 ? 0 : length < 5 ? 1 : 2
    }

    static func suggestion(for query: String, _ db: Database) throws -> String? {
        let words = SearchQuery.words(query)
        guard !words.isEmpty else { return nil }
        let known = try words.map { try finds([$0], db) }
        guard known.contains(false) else { return nil }
        // Word by word, the closest replacement that still finds books together with the words
        // chosen so far and the known words still to come.
        var chosen: [String] = []
        for (index, word) in words.enumerated() {
            if known[index] {
                chosen.append(word)
                continue
            }
            let rest = zip(words, known).dropFirst(index + 1).filter(\.1).map(\.0)
            var replacement: String?
            for term in try closestTerms(to: word, db) {
                guard let surface = try surfaceWord(forTerm: term, db), try finds(chosen + [surface] + rest, db) else { continue }
                replacement = surface
                break
            }
            guard let replacement else { return nil }
            chosen.append(replacement)
        }
        return chosen.joined(separator: " ")
    }

    private static func finds(_ words: [String], _ db: Database) throws -> Bool {
        guard let pattern = try SearchQuery(words.joined(separator: " ")).pattern(db) else { return false }
        return try Row.fetchOne(db, sql: "SELECT 1 FROM productSearch WHERE productSearch MATCH ? LIMIT 1", arguments: [pattern]) != nil
    }

    /// Vocabulary terms within the allowed distance, closest and commonest first (a few).
    private static func closestTerms(to word: String, _ db: Database) throws -> [String] {
        let target = Array(word.folding(options: .diacriticInsensitive, locale: nil).unicodeScalars)
        let limit = allowedDistance(target.count)
        guard limit > 0 else { return [] }
        let candidates = try Row.fetchAll(
            db, sql: "SELECT term, doc FROM productSearchVocabulary WHERE length(term) BETWEEN ? AND ?",
            arguments: [max(1, target.count - 3), target.count + limit]
        )
        var scored: [(term: String, distance: Int, documents: Int)] = []
        for row in candidates {
            let term: String = row["term"]
            let distance = stemDistance(target, Array(term.unicodeScalars))
            if distance <= limit { scored.append((term, distance, row["doc"])) }
        }
        return scored.sorted { ($0.distance, -$0.documents, $0.term) < ($1.distance, -$1.documents, $1.term) }.prefix(10).map(\.term)
    }

    /// Endings the index's Porter stemmer cuts off words ("wuthering" is indexed as "wuther").
    static let stemmedEndings = ["ings", "ing", "ies", "ness", "ment", "ers", "er", "ed", "es", "ly", "s", "y"]

    /// Edits from `word` to `term`, where `term` may be a stem: the word is also compared
    /// without an ending the stemmer would have cut ("wuthring" → "wuthr" against "wuther").
    static func stemDistance(_ word: [Unicode.Scalar], _ term: [Unicode.Scalar]) -> Int {
        var best = levenshtein(word, term)
        let text = String(String.UnicodeScalarView(word))
        for ending in stemmedEndings where text.hasSuffix(ending) && word.count - ending.count >= 3 {
            best = min(best, levenshtein(Array(word.dropLast(ending.count)), term))
        }
        return best
    }

    static func levenshtein(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The word a book's name, author, subjects or description spells for `term`, lower-cased.
    private static func surfaceWord(forTerm term: String, _ db: Database) throws -> String? {
        guard let pattern = try? db.makeFTS5Pattern(rawPattern: "\"\(term)\"*", forTable: "productSearch") else { return nil }
        for column in 0..<4 {
            let marked = try String.fetchOne(
                db,
                sql: "SELECT highlight(productSearch, ?, char(2), char(3)) FROM productSearch WHERE productSearch MATCH ? AND instr(highlight(productSearch, ?, char(2), char(3)), char(2)) > 0 LIMIT 1",
                arguments: [column, pattern, column]
            )
            if let marked, let start = marked.firstIndex(of: "\u{2}"), let end = marked[start...].firstIndex(of: "\u{3}") {
                return String(marked[marked.index(after: start)..<end]).lowercased()
            }
        }
        return nil
    }
}
