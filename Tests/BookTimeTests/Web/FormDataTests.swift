import Foundation
import Testing

@testable import BookTime

@Suite struct FormDataTests {
    /// What `FormData` did before it parsed bytes: Foundation's replacing and percent decoding.
    static func reference(_ string: String) -> [(String, String)] {
        func decode(_ part: Substring) -> String {
            let spaced = part.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        return string.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func same(_ string: String) -> Bool {
        let parsed = FormData(string: string).fields
        let expected = reference(string)
        return parsed.count == expected.count && zip(parsed, expected).allSatisfy { $0.name == $1.0 && $0.value == $1.1 }
    }

    @Test(arguments: [
        "product_id=12&quantity=3&csrf_token=abc-_123",
        "q=herman+melville&page=2", "name=J%C3%BCrgen%20M%C3%BCller", "a=%zz&b=100%&c=%4", "a=%C3&b=%FF%FE",
        "=&&==&a==b&noequals&", "emoji=%F0%9F%93%9A+and+%E2%82%AC", "lower=%c3%a9&mixed=%C3%a9", "plus=%2B1+2", "",
        "street=1+the+road%0D%0ALine+2", "x=caf\u{e9}",
    ])
    func parsesAsFoundationDid(_ body: String) {
        #expect(Self.same(body), "\(body)")
    }

    /// Foundation decoded a lone continuation byte (`%A9`) as U+FFFD but refused `%C3` or `%FF`;
    /// a part whose bytes are not UTF-8 is now kept as typed, whichever byte it is.
    @Test func escapesThatAreNotUTF8AreKeptLiterally() {
        let form = FormData(string: "a=%A9+x&b=%C3&c=x%FFy&d=%C3%A9")
        #expect(form.value("a") == "%A9 x")
        #expect(form.value("b") == "%C3")
        #expect(form.value("c") == "x%FFy")
        #expect(form.value("d") == "é")
    }

    @Test func randomBodiesParseAsFoundationDid() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab=&+%0123456789ABCDEFcfz \u{e9}")
        var compared = 0
        for _ in 0..<3000 {
            let body = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            if Self.reference(body).contains(where: { ($0.0 + $0.1).contains("\u{FFFD}") }) { continue }  // the quirk above
            #expect(Self.same(body), "\(body)")
            compared += 1
        }
        #expect(compared > 2500)
    }
}
