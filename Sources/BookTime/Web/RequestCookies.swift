import Hummingbird

extension Request {
    /// The value of the request's cookie `name`, read as Hummingbird's `request.cookies[name]?.value`
    /// reads it (the first `name=` pair, its value as sent, nil when empty), in one pass over the
    /// header's bytes.
    ///
    /// `request.cookies` splits the whole header into `Character`s every time it is asked, and
    /// each request asks for several cookies; with a signed flash cookie in the header that costs
    /// more than a cached database read.
    func cookieValue(_ name: String) -> String? {
        for header in headers[values: .cookie] {
            if let value = Self.cookieValue(name, in: header) { return value }
        }
        return nil
    }

    static func cookieValue(_ name: String, in header: String) -> String? {
        let bytes = Array(header.utf8)
        let wanted = Array(name.utf8)
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: ";") { end += 1 }
            var pairStart = start
            while pairStart < end, bytes[pairStart] == UInt8(ascii: " ") || bytes[pairStart] == UInt8(ascii: "\t") { pairStart += 1 }
            let nameEnd = pairStart + wanted.count
            if nameEnd < end, bytes[nameEnd] == UInt8(ascii: "="), bytes[pairStart..<nameEnd].elementsEqual(wanted) {
                return nameEnd + 1 < end ? String(decoding: bytes[(nameEnd + 1)..<end], as: UTF8.self) : nil
            }
            start = end + 1
        }
        return nil
    }
}
