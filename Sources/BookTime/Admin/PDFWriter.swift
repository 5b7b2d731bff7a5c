/// A small PDF 1.4 writer: A4 pages of text in the standard Helvetica fonts (which every reader
/// has, so nothing is embedded) and ruled lines. Streams are left uncompressed and text is
/// WinAnsi-encoded, so the text can be extracted and searched; tests parse what it writes.
struct PDFWriter {
    static let pageWidth = 595.0
    static let pageHeight = 842.0

    enum Font: String {
        case regular = "F1"
        case bold = "F2"
    }

    private var pages: [[String]] = [[]]
    let title: String

    init(title: String) {
        self.title = title
    }

    mutating func newPage() { pages.append([]) }

    var pageCount: Int { pages.count }

    /// Text with its baseline at (`x`, `y`), in points from the bottom left.
    mutating func text(_ text: String, x: Double, y: Double, size: Double, font: Font = .regular) {
        pages[pages.count - 1].append("BT /\(font.rawValue) \(Self.number(size)) Tf \(Self.number(x)) \(Self.number(y)) Td \(Self.literal(text)) Tj ET")
    }

    /// Text whose right edge is at `right`.
    mutating func rightAlignedText(_ text: String, right: Double, y: Double, size: Double, font: Font = .regular) {
        self.text(text, x: right - Self.width(of: text, size: size), y: y, size: size, font: font)
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, width: Double = 0.5) {
        pages[pages.count - 1].append("\(Self.number(width)) w \(Self.number(x1)) \(Self.number(y1)) m \(Self.number(x2)) \(Self.number(y2)) l S")
    }

    /// The whole file.
    func bytes() -> [UInt8] {
        var output: [UInt8] = []
        var offsets: [Int] = []
        func append(_ text: String) { output.append(contentsOf: Array(text.utf8)) }
        func object(_ body: String) {
            offsets.append(output.count)
            append("\(offsets.count) 0 obj\n\(body)\nendobj\n")
        }
        append("%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n")
        let fixedObjects = 5
        let pageObject = { (index: Int) in fixedObjects + 1 + index * 2 }
        object("<< /Type /Catalog /Pages 2 0 R >>")
        let kids = pages.indices.map { "\(pageObject($0)) 0 R" }.joined(separator: " ")
        object("<< /Type /Pages /Kids [\(kids)] /Count \(pages.count) >>")
        object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
        object("<< /Title \(Self.literal(title)) /Producer (BookTime) >>")
        for (index, operations) in pages.enumerated() {
            let content = operations.joined(separator: "\n")
            object(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(Self.number(Self.pageWidth)) \(Self.number(Self.pageHeight))] "
                    + "/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents \(pageObject(index) + 1) 0 R >>"
            )
            object("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        let xref = output.count
        append("xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n")
        for offset in offsets {
            let digits = String(offset)
            append(String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n")
        }
        append("trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R /Info 5 0 R >>\nstartxref\n\(xref)\n%%EOF\n")
        return output
    }

    /// A PDF string literal: WinAnsi bytes, with anything outside printable ASCII as an octal escape.
    static func literal(_ text: String) -> String {
        var result = "("
        for byte in winAnsi(text) {
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "\\"):
                result += "\\" + String(UnicodeScalar(byte))
            case 32...126:
                result += String(UnicodeScalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result + ")"
    }

    /// Windows-1252, which `/WinAnsiEncoding` names; characters it lacks become `?`.
    static func winAnsi(_ text: String) -> [UInt8] {
        let extra: [Character: UInt8] = [
            "€": 0x80, "‚": 0x82, "„": 0x84, "…": 0x85, "‘": 0x91, "’": 0x92, "“": 0x93, "”": 0x94, "•": 0x95, "–": 0x96, "—": 0x97,
            "™": 0x99, "Œ": 0x8C, "œ": 0x9C, "Š": 0x8A, "š": 0x9A, "Ž": 0x8E, "ž": 0x9E, "Ÿ": 0x9F,
        ]
        return text.map { character in
            if let byte = extra[character] { return byte }
            guard let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1 else { return UInt8(ascii: "?") }
            switch scalar.value {
            case 0x20...0x7E, 0xA0...0xFF: return UInt8(scalar.value)
            default: return UInt8(ascii: "?")
            }
        }
    }

    /// Helvetica's advance widths (its AFM, per 1000 em) for printable ASCII; 556 for the rest
    /// (the width of a digit, and of £ and €). Bold is a little wider; right edges stay close.
    static let asciiWidths: [Double] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
        611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
        667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
        222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
    ]

    static func width(of text: String, size: Double) -> Double {
        let units = text.unicodeScalars.reduce(0.0) { total, scalar in
            total + ((32...126).contains(scalar.value) ? asciiWidths[Int(scalar.value) - 32] : 556)
        }
        return units * size / 1000
    }

    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
