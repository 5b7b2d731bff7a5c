import Crypto
import Foundation

/// Draws a book cover as SVG for products without pictures: title, author line, and a colour
/// picked from the slug so every book keeps its own look.
enum CoverArt {
    static let palette: [(background: String, accent: String)] = [
        ("#7a2e1f", "#f3d9a4"), ("#1f5f46", "#e8dcb8"), ("#2d4a7a", "#f1e3c2"), ("#5b3a6b", "#f0d6a8"),
        ("#3a3530", "#e7c77d"), ("#8a5a14", "#fbeccb"), ("#24545c", "#f4dfb6"), ("#6b1f3a", "#f5dcc0"),
    ]

    static func svg(title: String, author: String, seed: String) -> String {
        let digest = Array(SHA256.hash(data: Data(seed.utf8)))
        let colours = palette[Int(digest[0]) % palette.count]
        let titleLines = wrap(title, width: 16, maxLines: 5)
        let titleSize = titleLines.count > 3 ? 22 : 26
        var text = ""
        for (index, line) in titleLines.enumerated() {
            text += #"<text x="150" y="\#(120 + index * (titleSize + 8))" font-size="\#(titleSize)" font-weight="700">\#(HTML.escape(line))</text>"#
        }
        if !author.isEmpty {
            for (index, line) in wrap(author, width: 24, maxLines: 2).enumerated() {
                text += #"<text x="150" y="\#(355 + index * 22)" font-size="17" font-style="italic">\#(HTML.escape(line))</text>"#
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 450" width="300" height="450" role="img" aria-label="\(HTML.escape(title))">\
            <rect width="300" height="450" fill="\(colours.background)"/>\
            <rect x="14" y="14" width="272" height="422" fill="none" stroke="\(colours.accent)" stroke-width="2"/>\
            <rect x="30" y="62" width="240" height="3" fill="\(colours.accent)"/>\
            <rect x="30" y="300" width="240" height="3" fill="\(colours.accent)"/>\
            <g fill="\(colours.accent)" font-family="Georgia, 'Times New Roman', serif" text-anchor="middle">\(text)</g>\
            <text x="150" y="420" fill="\(colours.accent)" font-family="Georgia, serif" font-size="12" text-anchor="middle" letter-spacing="3">BOOKTIME</text>\
            </svg>
            """
    }

    /// Greedy word wrap; an over-long last line ends with an ellipsis.
    static func wrap(_ text: String, width: Int, maxLines: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        if lines.count > maxLines {
            lines = Array(lines.prefix(maxLines))
            lines[maxLines - 1] += "…"
        }
        return lines.map { $0.count > width + 6 ? String($0.prefix(width + 5)) + "…" : $0 }
    }

    static func fingerprint(_ svg: String) -> String {
        String(sha256Hex(Data(svg.utf8)).prefix(24))
    }
}
