// Block-quote markers at the start of a Markdown line: "> > text" is depth 2 with content "text".
import Foundation

enum BlockQuote {
    /// The number of leading `>` markers (each after up to 3 spaces, each taking one following space or tab)
    /// and the rest of the line. One pass over the markers, however many there are.
    static func strip(_ line: String) -> (depth: Int, content: String) {
        var depth = 0
        var rest = Substring(line)
        while true {
            let spaces = rest.prefix { $0 == " " }.count
            guard spaces <= 3 else { break }
            let body = rest.dropFirst(spaces)
            guard body.first == ">" else { break }
            rest = body.dropFirst()
            if let next = rest.first, next == " " || next == "\t" { rest = rest.dropFirst() }
            depth += 1
        }
        return (depth, depth == 0 ? line : String(rest))
    }
}
