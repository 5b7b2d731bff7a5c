import Foundation
import Testing

@testable import BookTime

@Suite struct CookieSignerTests {
    @Test func base64URLRoundTripsEveryLengthAndByte() throws {
        var generator = SystemRandomNumberGenerator()
        for length in 0...66 {
            // 0xFB 0xFF… encode to "+" and "/" in standard base64: the characters swapped here.
            let data = Data((0..<length).map { index in index.isMultiple(of: 3) ? 0xFB : UInt8.random(in: .min ... .max, using: &generator) })
            let encoded = Base64URL.encode(data)
            #expect(!encoded.contains(where: { "+/=".contains($0) }))
            #expect(encoded == data.base64EncodedString().replacing("+", with: "-").replacing("/", with: "_").replacing("=", with: ""))
            #expect(Base64URL.decode(encoded) == data)
        }
        #expect(Base64URL.encode(Data([0xFB, 0xFF])) == "-_8")
    }

    @Test func base64URLRefusesOtherAlphabets() {
        for bad in ["a+b/", "YQ==", "a", "é", "ab cd"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
    }

    @Test func signedValuesVerifyAndTamperingDoesNot() throws {
        let signer = CookieSigner(secret: Array("0123456789abcdef0123456789abcdef".utf8))
        let signed = signer.sign(#"[{"text":"Hello, £ and 📚"}]"#)
        #expect(signer.verify(signed) == #"[{"text":"Hello, £ and 📚"}]"#)
        let other = CookieSigner(secret: Array("fedcba9876543210fedcba9876543210".utf8))
        #expect(other.verify(signed) == nil)
        var tampered = Array(signed)
        tampered[2] = tampered[2] == "A" ? "B" : "A"
        #expect(signer.verify(String(tampered)) == nil)
        #expect(signer.verify("no-dot") == nil)
        #expect(signer.verify("a.b.c") == nil)
    }

    /// Tokens hold `count` random bytes, every one of them drawn (a word at a time).
    @Test(arguments: [5, 13, 32])
    func randomTokensAreRandomInEveryByte(count: Int) throws {
        var seen = Array(repeating: Set<UInt8>(), count: count)
        var tokens = Set<String>()
        for _ in 0..<200 {
            let token = Base64URL.randomToken(bytes: count)
            let bytes = try #require(Base64URL.decode(token))
            #expect(bytes.count == count)
            for (index, byte) in bytes.enumerated() { seen[index].insert(byte) }
            tokens.insert(token)
        }
        #expect(tokens.count == 200)
        #expect(seen.allSatisfy { $0.count > 100 }, "each position takes many values")
        #expect(Base64URL.randomToken().count == 43)
    }
}
