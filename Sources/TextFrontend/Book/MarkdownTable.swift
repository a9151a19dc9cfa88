// GitHub-style Markdown tables: a header row, then a delimiter row such as `|---|:--:|` with as many cells.
// The reader skips the header, the delimiter and the body rows (up to a blank line or another block).
import Foundation

enum MarkdownTable {
    /// True for a delimiter row: cells of `-` (at least one) with optional `:` at either end, separated by `|`
    /// (at least one `|`, so a plain "---" stays a thematic break).
    static func isDelimiterRow(_ line: String) -> Bool {
        guard line.contains("|") else { return false }
        let cells = self.cells(line)
        return !cells.isEmpty && cells.allSatisfy { cell in
            var c = Substring(cell)
            if c.first == ":" { c = c.dropFirst() }
            if c.last == ":" { c = c.dropLast() }
            return !c.isEmpty && c.allSatisfy { $0 == "-" }
        }
    }

    /// Cells of a row: split at `|` not escaped by a backslash, without the optional outer pipes.
    static func cellCount(_ line: String) -> Int { cells(line).count }

    private static func cells(_ line: String) -> [String] {
        let t = line.trimmingCharacters(in: .whitespaces)
        var cells: [String] = []
        var current = ""
        var escaped = false
        for ch in t {
            if ch == "|" && !escaped {
                cells.append(current)
                current = ""
            } else {
                current.append(ch)
            }
            escaped = ch == "\\" && !escaped
        }
        cells.append(current)
        if t.hasPrefix("|") { cells.removeFirst() }
        if t.count > 1, t.hasSuffix("|"), !t.hasSuffix("\\|") { cells.removeLast() }
        return cells.map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
