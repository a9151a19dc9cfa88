// HTML comments in a Markdown book are not read: each `<!-- … -->` (on one line or several) is replaced by the
// newlines it held, so line numbers stay true. An unclosed `<!--` is left as text (a warning names its line):
// dropping the rest of the book would lose it. One pass over the bytes.
import Foundation
import Logging

enum HTMLComments {
    private static let logger = Logger(label: "bookvox.text.markdown")
    private static let open: [UInt8] = Array("<!--".utf8)
    private static let close: [UInt8] = Array("-->".utf8)

    static func remove(from text: String, path: String) -> String {
        let bytes = Array(text.utf8)
        guard var start = find(open, in: bytes, from: 0) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var copied = 0
        while true {
            guard let end = find(close, in: bytes, from: start + open.count) else {
                let line = 1 + bytes[..<start].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                logger.warning("\(path):\(line): '<!--' is never closed by '-->'; reading it as text")
                break
            }
            out += bytes[copied..<start]
            // LF, CRLF and a lone CR each end a line (as `SourceLines` reads them).
            for k in start..<end where bytes[k] == 0x0A || (bytes[k] == 0x0D && bytes[k + 1] != 0x0A) { out.append(0x0A) }
            copied = end + close.count
            guard let next = find(open, in: bytes, from: copied) else { break }
            start = next
        }
        out += bytes[copied...]
        return String(decoding: out, as: UTF8.self)
    }

    /// First offset ≥ `from` where `needle` occurs in `bytes`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var i = from
        let last = bytes.count - needle.count
        while i <= last {
            if bytes[i] == needle[0] {
                var k = 1
                while k < needle.count, bytes[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
