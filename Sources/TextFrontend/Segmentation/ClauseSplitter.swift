// Splits an over-long sentence at clause boundaries: ";" first, then ":", then ",", then an em-dash.
// Each split takes the candidate of the most preferred kind that lies closest to the middle of the piece
// (keeping at least `minWords` words on each side), and pieces still too long are split again. A sentence
// with no usable punctuation is split at the space nearest its middle, so no piece exceeds the limit
// unless it is a single unbreakable word.
import Foundation

enum ClauseSplitter {
    private static let preference: [Set<Character>] = [[";"], [":"], [",", "\u{060C}"], ["\u{2014}", "\u{2013}", "\u{2015}"]]

    static func split(_ chars: [Character], _ span: Range<Int>, maxCharacters: Int, minWords: Int) -> [Range<Int>] {
        guard trimmedLength(chars, span) > maxCharacters else { return [span] }
        guard let cut = bestCut(chars, span, minWords: minWords) else { return [span] }
        return split(chars, span.lowerBound..<cut, maxCharacters: maxCharacters, minWords: minWords)
            + split(chars, cut..<span.upperBound, maxCharacters: maxCharacters, minWords: minWords)
    }

    private static func bestCut(_ chars: [Character], _ span: Range<Int>, minWords: Int) -> Int? {
        let mid = (span.lowerBound + span.upperBound) / 2
        for kinds in preference {
            var best: Int?
            for k in span where kinds.contains(chars[k]) {
                guard let cut = cutAfter(chars, k, span: span, dash: kinds.contains("\u{2014}")) else { continue }
                guard wordCount(chars, span.lowerBound..<cut) >= minWords,
                      wordCount(chars, cut..<span.upperBound) >= minWords else { continue }
                if best.map({ abs(cut - mid) < abs($0 - mid) }) ?? true { best = cut }
            }
            if let best { return best }
        }
        // No punctuation to split at: the space nearest the middle.
        var best: Int?
        for k in span where chars[k].isWhitespace && k > span.lowerBound {
            guard wordCount(chars, span.lowerBound..<k) >= 1, wordCount(chars, k..<span.upperBound) >= 1 else { continue }
            if best.map({ abs(k - mid) < abs($0 - mid) }) ?? true { best = k }
        }
        return best
    }

    /// The offset just after the punctuation at `k` (and any closing quotes); nil when the mark is not a
    /// clause break (", " needs whitespace after it, so 1,000 and 3:30 are never split).
    private static func cutAfter(_ chars: [Character], _ k: Int, span: Range<Int>, dash: Bool) -> Int? {
        var j = k + 1
        while j < span.upperBound, SentenceSplitter.closers.contains(chars[j]) { j += 1 }
        guard j < span.upperBound else { return nil }
        if dash { return j }
        return chars[j].isWhitespace ? j : nil
    }

    static func wordCount(_ chars: [Character], _ span: Range<Int>) -> Int {
        var count = 0
        var inWord = false
        var wordHasText = false
        for k in span {
            let ch = chars[k]
            if ch.isWhitespace {
                if inWord && wordHasText { count += 1 }
                inWord = false
                wordHasText = false
            } else {
                inWord = true
                if ch.isLetter || ch.isNumber { wordHasText = true }
            }
        }
        if inWord && wordHasText { count += 1 }
        return count
    }

    static func trimmedLength(_ chars: [Character], _ span: Range<Int>) -> Int {
        var lo = span.lowerBound
        var hi = span.upperBound
        while lo < hi, chars[lo].isWhitespace { lo += 1 }
        while hi > lo, chars[hi - 1].isWhitespace { hi -= 1 }
        return hi - lo
    }
}
