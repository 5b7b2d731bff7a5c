/// RFC 4180 CSV: quoted fields with embedded commas, quotes ("") and line breaks; CRLF or LF;
/// a UTF-8 byte-order mark is ignored. Each record carries the line number it starts on.
public struct CSVReader {
    public struct Record: Equatable, Sendable {
        public let line: Int
        public let fields: [String]
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public static func parse(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var afterQuote = false
        var line = 1
        var recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var index = 0

        func endRecord() {
            fields.append(field)
            field = ""
            // A blank line is not a record.
            if !(fields.count == 1 && fields[0].isEmpty) {
                records.append(Record(line: recordLine, fields: fields))
            }
            fields = []
        }

        while index < chars.count {
            let c = chars[index]
            if inQuotes {
                if c == "\"" {
                    if index + 1 < chars.count, chars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "," {
                fields.append(field)
                field = ""
                afterQuote = false
            } else if c == "\r" || c == "\n" {
                if c == "\r", index + 1 < chars.count, chars[index + 1] == "\n" { index += 1 }
                endRecord()
                afterQuote = false
                line += 1
                recordLine = line
            } else if c == "\"" {
                guard field.isEmpty, !afterQuote else {
                    throw ParseError(line: line, message: "a quote inside an unquoted field")
                }
                inQuotes = true
            } else {
                guard !afterQuote else { throw ParseError(line: line, message: "text after a closing quote") }
                field.unicodeScalars.append(c)
            }
            index += 1
        }
        if inQuotes { throw ParseError(line: recordLine, message: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
