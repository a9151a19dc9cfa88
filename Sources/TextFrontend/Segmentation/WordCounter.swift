// Word counts over character ranges, as the segmenter defines a word: a maximal run of non-space, non-CJK
// characters that holds a letter or digit, or a single CJK ideograph / kana (CJK text has no spaces).
//
// `count(_:_:)` scans the range (for short texts); `WordIndex` answers the same question for any range of a
// paragraph in O(1) after one O(n) pass, which keeps the clause splitter linear on arbitrarily long input.
import Foundation

enum WordCounter {
    /// Words in `chars[span]` (a word cut by the range's ends counts when its part inside holds a letter or digit).
    static func count(_ chars: [Character], _ span: Range<Int>) -> Int {
        var count = 0
        var inWord = false
        var wordHasText = false
        for k in span {
            let ch = chars[k]
            if ch.isBlank || CJKPunctuation.isWordCharacter(ch) {
                if inWord && wordHasText { count += 1 }
                inWord = false
                wordHasText = false
                if !ch.isBlank { count += 1 }
            } else {
                inWord = true
                if ch.isLetter || ch.isNumber { wordHasText = true }
            }
        }
        if inWord && wordHasText { count += 1 }
        return count
    }
}

/// Prefix tables over one paragraph's characters: word counts and trimmed lengths of any range in O(1).
struct WordIndex {
    let count: Int
    /// Whitespace flag per character.
    let isSpace: [Bool]
    /// CJK word characters before offset i (n + 1 entries).
    private let cjkBefore: [Int32]
    /// Letters/digits (outside CJK) before offset i.
    private let textBefore: [Int32]
    /// Runs (maximal non-space, non-CJK sequences) holding a letter or digit that start before offset i.
    private let textRunStartsBefore: [Int32]
    /// Start and end (exclusive) of the run each character belongs to; -1 outside runs.
    private let runStart: [Int32]
    private let runEnd: [Int32]
    /// First non-space offset ≥ i (n when none), and last non-space offset < i plus one (0 when none).
    private let nextNonSpace: [Int32]
    private let nonSpaceEndBefore: [Int32]

    init(_ chars: [Character]) {
        let n = chars.count
        count = n
        var isSpace = [Bool](repeating: false, count: n)
        var isCJK = [Bool](repeating: false, count: n)
        var isText = [Bool](repeating: false, count: n)
        for (i, ch) in chars.enumerated() {
            if ch.isBlank { isSpace[i] = true }
            else if CJKPunctuation.isWordCharacter(ch) { isCJK[i] = true }
            else if ch.isLetter || ch.isNumber { isText[i] = true }
        }
        var cjkBefore = [Int32](repeating: 0, count: n + 1)
        var textBefore = [Int32](repeating: 0, count: n + 1)
        for i in 0..<n {
            cjkBefore[i + 1] = cjkBefore[i] + (isCJK[i] ? 1 : 0)
            textBefore[i + 1] = textBefore[i] + (isText[i] ? 1 : 0)
        }
        var runStart = [Int32](repeating: -1, count: n)
        var runEnd = [Int32](repeating: -1, count: n)
        var textRunStartsBefore = [Int32](repeating: 0, count: n + 1)
        var i = 0
        while i < n {
            textRunStartsBefore[i + 1] = textRunStartsBefore[i]
            guard !isSpace[i], !isCJK[i] else { i += 1; continue }
            var j = i
            while j < n, !isSpace[j], !isCJK[j] { j += 1 }
            for k in i..<j {
                runStart[k] = Int32(i)
                runEnd[k] = Int32(j)
            }
            if textBefore[j] > textBefore[i] { textRunStartsBefore[i + 1] += 1 }
            for k in (i + 1)..<j { textRunStartsBefore[k + 1] = textRunStartsBefore[k] }
            i = j
        }
        var nextNonSpace = [Int32](repeating: Int32(n), count: n + 1)
        for k in stride(from: n - 1, through: 0, by: -1) { nextNonSpace[k] = isSpace[k] ? nextNonSpace[k + 1] : Int32(k) }
        var nonSpaceEndBefore = [Int32](repeating: 0, count: n + 1)
        for k in 0..<n { nonSpaceEndBefore[k + 1] = isSpace[k] ? nonSpaceEndBefore[k] : Int32(k + 1) }
        self.isSpace = isSpace
        self.cjkBefore = cjkBefore
        self.textBefore = textBefore
        self.textRunStartsBefore = textRunStartsBefore
        self.runStart = runStart
        self.runEnd = runEnd
        self.nextNonSpace = nextNonSpace
        self.nonSpaceEndBefore = nonSpaceEndBefore
    }

    /// Same as `WordCounter.count(chars, lo..<hi)`, in O(1).
    func words(_ lo: Int, _ hi: Int) -> Int {
        guard lo < hi else { return 0 }
        var n = Int(cjkBefore[hi] - cjkBefore[lo]) + Int(textRunStartsBefore[hi] - textRunStartsBefore[lo])
        // A run that started before `lo` counts for its part inside the range.
        let s = Int(runStart[lo])
        if s >= 0, s < lo, textBefore[min(Int(runEnd[lo]), hi)] > textBefore[lo] { n += 1 }
        // A run that starts inside and ends after `hi` was counted whole above; count only its part inside.
        let rs = Int(runStart[hi - 1]), re = Int(runEnd[hi - 1])
        if rs >= lo, re > hi {
            if textBefore[re] > textBefore[rs] { n -= 1 }
            if textBefore[hi] > textBefore[rs] { n += 1 }
        }
        return n
    }

    /// Characters from the first to the last non-space character of the range (0 when it is all space).
    func trimmedLength(_ lo: Int, _ hi: Int) -> Int {
        let first = Int(nextNonSpace[lo])
        let end = Int(nonSpaceEndBefore[hi])
        return first < hi && end > first ? end - first : 0
    }

    /// The first and one past the last non-space offsets of the range (an empty range when it is all space).
    func trimmed(_ lo: Int, _ hi: Int) -> Range<Int> {
        let first = Int(nextNonSpace[lo])
        let end = Int(nonSpaceEndBefore[hi])
        return first < hi && end > first ? first..<end : lo..<lo
    }
}
