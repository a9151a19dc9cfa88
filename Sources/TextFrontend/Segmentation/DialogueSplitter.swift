// Finds the quoted speech of a paragraph, for a book whose cast has a dialogue voice (`dialogue:` in the front
// matter): the paragraph is cut into runs of narration and of speech, and the segmenter reads each run on its own.
//
// Outer quotes are double quotes: curly “…”, straight "…" (opening and closing alternate), and guillemets «…».
// Quotes nested inside them (‘…’, '…', or doubles of the same kind) stay part of the speech, and apostrophes are
// never quotes. Each paragraph starts outside a quotation; one left open at the paragraph's end runs to that end, so
// speech over several paragraphs, written the usual way (no closing quote at the end of each paragraph but an opening
// one at the start of the next), is speech throughout. A quotation counts as speech when its words end with
// punctuation (`“Hello,”`, `“Stop!”`, `“I never—”`), when it starts the paragraph or when it is left open; a quoted
// word or phrase inside a sentence (`the "so-called" expert`) stays narration.
import Foundation

enum DialogueSplitter {
    struct Run: Equatable {
        var range: Range<Int>
        var isSpeech: Bool
    }

    private static let closing: [Character: Character] = ["\u{201C}": "\u{201D}", "\"": "\"", "\u{00AB}": "\u{00BB}"]
    private static let speechEnd: Set<Character> = [".", ",", "!", "?", ";", ":", "\u{2026}", "\u{2014}", "\u{2013}", "-", "\u{203D}"]

    /// Runs covering `chars` exactly, in order; adjacent runs differ in `isSpeech`.
    static func runs(_ chars: [Character]) -> [Run] {
        var quotes: [Range<Int>] = []
        var i = 0
        let n = chars.count
        while i < n {
            guard let close = closing[chars[i]] else { i += 1; continue }
            let open = chars[i]
            var depth = 1
            var j = i + 1
            while j < n {
                if chars[j] == close && (open == close || depth == 1) { depth = 0; break }
                if chars[j] == close { depth -= 1 } else if open != close, chars[j] == open { depth += 1 }
                j += 1
            }
            let end = min(j + 1, n)
            if j >= n || isSpeech(chars, i, j) || chars[..<i].allSatisfy(\.isWhitespace) { quotes.append(i..<end) }
            i = end
        }
        var out: [Run] = []
        var at = 0
        func add(_ r: Range<Int>, _ speech: Bool) {
            guard !r.isEmpty else { return }
            if let last = out.last, last.isSpeech == speech {
                out[out.count - 1].range = last.range.lowerBound..<r.upperBound
            } else {
                out.append(Run(range: r, isSpeech: speech))
            }
        }
        for q in quotes {
            // Whitespace between a quote and the narration goes with the narration.
            add(at..<q.lowerBound, false)
            add(q, true)
            at = q.upperBound
        }
        add(at..<n, false)
        // Narration that is only whitespace or punctuation (`“Yes.” “No.”`) joins the speech before it.
        var merged: [Run] = []
        for run in out {
            if !run.isSpeech, let last = merged.last, last.isSpeech,
               !chars[run.range].contains(where: { $0.isLetter || $0.isNumber }) {
                merged[merged.count - 1].range = last.range.lowerBound..<run.range.upperBound
            } else if let last = merged.last, last.isSpeech == run.isSpeech {
                merged[merged.count - 1].range = last.range.lowerBound..<run.range.upperBound
            } else {
                merged.append(run)
            }
        }
        return merged.isEmpty ? [Run(range: 0..<n, isSpeech: false)] : merged
    }

    /// The quotation open at `open` and closed at `close` ends its words with punctuation.
    private static func isSpeech(_ chars: [Character], _ open: Int, _ close: Int) -> Bool {
        var k = close - 1
        while k > open, chars[k].isWhitespace || SentenceSplitter.closers.contains(chars[k]) { k -= 1 }
        return k > open && speechEnd.contains(chars[k])
    }
}
