// Subtitle cues from segment timings: one cue per segment (sentence or clause), its text the segment's source
// text (as written, not the normalized text the engine read) with control and bidi characters removed
// (TagText) and whitespace collapsed, wrapped at word boundaries into lines of at most 42 characters, at most
// 2 lines per cue. A longer segment becomes several consecutive cues that share out its time span in
// proportion to their characters (each cue ends where the next begins, the last at the segment's end).
// A word longer than a line is cut at the line length.
import Foundation
import TextFrontend

public struct SubtitleCue: Sendable, Equatable {
    /// Times in milliseconds from the start of the file's timeline.
    public var startMs: Int64
    public var endMs: Int64
    public var lines: [String]

    public init(startMs: Int64, endMs: Int64, lines: [String]) {
        self.startMs = startMs
        self.endMs = endMs
        self.lines = lines
    }
}

public enum SubtitleCues {
    /// Bumped when the cues made from the same timings and text change.
    public static let version = "1"
    public static let maxLineLength = 42
    public static let maxLines = 2

    /// The cues of one segment's text over [startMs, endMs].
    public static func cues(text: String, startMs: Int64, endMs: Int64,
                            maxLineLength: Int = maxLineLength, maxLines: Int = maxLines) -> [SubtitleCue] {
        let lines = wrap(TagText.singleLine(text), width: maxLineLength)
        guard !lines.isEmpty else { return [] }
        let groups = stride(from: 0, to: lines.count, by: maxLines).map { Array(lines[$0..<min($0 + maxLines, lines.count)]) }
        if groups.count == 1 { return [SubtitleCue(startMs: startMs, endMs: endMs, lines: groups[0])] }
        // Characters of each group, counting the space that joined its lines.
        let weights = groups.map { g in Int64(g.reduce(0) { $0 + $1.count } + g.count - 1) }
        let total = weights.reduce(0, +)
        let span = endMs - startMs
        var out: [SubtitleCue] = []
        var before: Int64 = 0
        var start = startMs
        for (i, g) in groups.enumerated() {
            before += weights[i]
            let end = i == groups.count - 1 ? endMs : startMs + (span * before + total / 2) / total
            out.append(SubtitleCue(startMs: start, endMs: end, lines: g))
            start = end
        }
        return out
    }

    /// Greedy word wrap: as many words per line as fit in `width` characters; a longer word is cut.
    public static func wrap(_ text: String, width: Int = maxLineLength) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0.isNewline || $0 == "\t" }) {
            var w = Substring(word)
            while w.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(w.prefix(width)))
                w = w.dropFirst(width)
            }
            if w.isEmpty { continue }
            if line.isEmpty {
                line = String(w)
            } else if line.count + 1 + w.count <= width {
                line += " " + w
            } else {
                lines.append(line)
                line = String(w)
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }
}
