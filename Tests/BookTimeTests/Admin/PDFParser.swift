import Foundation

/// Just enough of a PDF reader to check what `PDFWriter` writes: the cross-reference table
/// points at every object, the trailer names the catalogue, and the text shown by `Tj` comes back.
struct ParsedPDF {
    let pageCount: Int
    let lines: [String]
    let title: String?

    enum Failure: Error, CustomStringConvertible {
        case malformed(String)
        var description: String { switch self { case .malformed(let why): "not a valid PDF: \(why)" } }
    }

    init(_ bytes: [UInt8]) throws {
        let text = String(decoding: bytes.map { $0 < 128 ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
        guard text.hasPrefix("%PDF-1.") else { throw Failure.malformed("no header") }
        guard text.hasSuffix("%%EOF\n"), let startRange = text.range(of: "startxref\n", options: .backwards) else {
            throw Failure.malformed("no startxref")
        }
        let offsetText = text[startRange.upperBound...].prefix { $0.isNumber }
        guard let xref = Int(offsetText), xref < bytes.count else { throw Failure.malformed("bad startxref") }
        let table = text.utf8.dropFirst(xref)
        let tableText = String(decoding: table, as: UTF8.self)
        var rows = tableText.split(separator: "\n", omittingEmptySubsequences: false).makeIterator()
        guard rows.next() == "xref", let header = rows.next()?.split(separator: " "), header.count == 2, let count = Int(header[1]) else {
            throw Failure.malformed("no xref table at \(xref)")
        }
        for index in 0..<count {
            guard let row = rows.next(), row.count == 19 || row.count == 20 else { throw Failure.malformed("bad xref row \(index)") }
            guard index > 0 else { continue }
            guard row.trimmingCharacters(in: .whitespaces).hasSuffix(" n"), let offset = Int(row.prefix(10)) else { throw Failure.malformed("object \(index) not in use") }
            let expected = "\(index) 0 obj"
            guard String(decoding: bytes[offset..<min(offset + expected.utf8.count, bytes.count)], as: UTF8.self) == expected else {
                throw Failure.malformed("xref entry \(index) does not point at its object")
            }
        }
        guard tableText.contains("trailer"), tableText.contains("/Root 1 0 R") else { throw Failure.malformed("no trailer") }
        pageCount = text.components(separatedBy: "/Type /Page ").count - 1

        var lines: [String] = []
        var rest = Substring(text)
        while let start = rest.range(of: "stream\n"), let end = rest.range(of: "\nendstream", range: start.upperBound..<rest.endIndex) {
            let content = rest[start.upperBound..<end.lowerBound]
            lines += Self.shownStrings(content, bytes: bytes, base: text)
            rest = rest[end.upperBound...]
        }
        self.lines = lines
        title = Self.shownStrings(text[text.range(of: "/Title ")!.upperBound...].prefix(300) + " Tj", bytes: bytes, base: text).first
    }

    /// The decoded operands of every `(...) Tj` in `content`.
    static func shownStrings(_ content: Substring, bytes: [UInt8], base: String) -> [String] {
        var result: [String] = []
        var index = content.startIndex
        while let open = content[index...].firstIndex(of: "(") {
            var decoded: [UInt8] = []
            var cursor = content.index(after: open)
            while cursor < content.endIndex, content[cursor] != ")" {
                if content[cursor] == "\\" {
                    cursor = content.index(after: cursor)
                    let digits = content[cursor...].prefix { $0.isNumber }.prefix(3)
                    if !digits.isEmpty, let value = UInt8(digits, radix: 8) {
                        decoded.append(value)
                        cursor = content.index(cursor, offsetBy: digits.count)
                        continue
                    }
                }
                decoded.append(content[cursor].asciiValue ?? UInt8(ascii: "?"))
                cursor = content.index(after: cursor)
            }
            result.append(winAnsiString(decoded))
            index = cursor < content.endIndex ? content.index(after: cursor) : cursor
        }
        return result
    }

    static func winAnsiString(_ bytes: [UInt8]) -> String {
        let extra: [UInt8: Character] = [0x80: "€", 0x85: "…", 0x91: "‘", 0x92: "’", 0x93: "“", 0x94: "”", 0x96: "–", 0x97: "—"]
        return String(bytes.map { extra[$0] ?? Character(UnicodeScalar($0)) })
    }
}
