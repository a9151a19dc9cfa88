// Splits an over-long sentence so that no piece is longer than the segment limit (`maxCharacters`, counted
// from the first to the last non-space character):
// 1. at clause boundaries: ";" first, then ":", then "," (and their CJK forms ； ： ， 、), then a dash. Each split
//    takes the candidate of the most preferred kind that lies closest to the middle of the piece (keeping at least
//    `minWords` words on each side), and pieces still too long are split again;
// 2. with no usable punctuation, at the space nearest the middle (at least one word on each side);
// 3. with no space either (a run of characters without spaces, e.g. a 50,000-character "word" or CJK text
//    without punctuation), hard: into equal pieces of at most the limit.
// Linear time: the candidates of each kind are collected once per paragraph (sorted, so the one nearest the
// middle is a binary search), and word counts of any range come from `WordIndex` in O(1).
import Foundation

struct ClauseSplitter {
    private static let preference: [Set<Character>] = [
        Set([";"]).union(CJKPunctuation.semicolons), Set([":"]).union(CJKPunctuation.colons),
        Set([",", "\u{060C}"]).union(CJKPunctuation.commas), ["\u{2014}", "\u{2013}", "\u{2015}"],
    ]
    private static let dashKind = 3

    private let index: WordIndex
    /// Per preference kind: offsets of the marks and the cut just after each (strictly increasing together).
    private let marks: [[Int]]
    private let cuts: [[Int]]
    /// Offsets of whitespace characters (cuts of the word-boundary fallback).
    private let spaces: [Int]

    /// Tables for one paragraph; build once, then split any of its sentences.
    init(_ chars: [Character]) {
        index = WordIndex(chars)
        var marks = [[Int]](repeating: [], count: Self.preference.count)
        var cuts = marks
        var spaces: [Int] = []
        for (k, ch) in chars.enumerated() {
            if index.isSpace[k] { spaces.append(k); continue }
            guard ch.isPunctuation, let kind = Self.preference.firstIndex(where: { $0.contains(ch) }),
                  let cut = Self.cutAfter(chars, k, dash: kind == Self.dashKind) else { continue }
            marks[kind].append(k)
            cuts[kind].append(cut)
        }
        self.marks = marks
        self.cuts = cuts
        self.spaces = spaces
    }

    /// Ranges that partition `span`, none longer than `maxCharacters` after trimming spaces, in order.
    func split(_ span: Range<Int>, maxCharacters: Int, minWords: Int) -> [Range<Int>] {
        let limit = max(maxCharacters, 1)
        var out: [Range<Int>] = []
        var pending = [span]
        while let s = pending.popLast() {
            if index.trimmedLength(s.lowerBound, s.upperBound) <= limit {
                out.append(s)
            } else if let cut = bestCut(s, minWords: minWords) {
                pending.append(cut..<s.upperBound)
                pending.append(s.lowerBound..<cut)
            } else {
                out += hardSplit(s, limit: limit)
            }
        }
        return out
    }

    private func bestCut(_ span: Range<Int>, minWords: Int) -> Int? {
        let mid = (span.lowerBound + span.upperBound) / 2
        if let valid = validCuts(span, minWords: minWords) {
            for kind in marks.indices {
                // Marks inside the span whose cut keeps enough words on both sides: one contiguous run of the list.
                let first = max(Self.lowerBound(marks[kind], span.lowerBound), Self.lowerBound(cuts[kind], valid.lowerBound))
                let end = Self.lowerBound(cuts[kind], valid.upperBound + 1)
                if first < end, let cut = Self.nearest(cuts[kind], first..<end, to: mid) { return cut }
            }
        }
        // No punctuation to split at: the space nearest the middle.
        guard let valid = validCuts(span, minWords: 1) else { return nil }
        let first = Self.lowerBound(spaces, max(valid.lowerBound, span.lowerBound + 1))
        let end = Self.lowerBound(spaces, valid.upperBound + 1)
        return first < end ? Self.nearest(spaces, first..<end, to: mid) : nil
    }

    /// The cuts c with at least `minWords` words in both lower..<c and c..<upper (word counts are monotone in c,
    /// so they form one closed interval), or nil when there is none.
    private func validCuts(_ span: Range<Int>, minWords: Int) -> ClosedRange<Int>? {
        let lo = span.lowerBound, hi = span.upperBound
        guard index.words(lo, hi) >= minWords else { return nil }
        // Smallest c with words(lo, c) ≥ minWords.
        var a = lo, b = hi
        while a < b {
            let c = (a + b) / 2
            if index.words(lo, c) >= minWords { b = c } else { a = c + 1 }
        }
        let first = a
        // Largest c with words(c, hi) ≥ minWords.
        a = lo
        b = hi
        while a < b {
            let c = (a + b + 1) / 2
            if index.words(c, hi) >= minWords { a = c } else { b = c - 1 }
        }
        return first <= a ? first...a : nil
    }

    /// Equal pieces of at most `limit` characters between the span's first and last non-space characters.
    private func hardSplit(_ span: Range<Int>, limit: Int) -> [Range<Int>] {
        let text = index.trimmed(span.lowerBound, span.upperBound)
        let pieces = (text.count + limit - 1) / limit
        let size = (text.count + pieces - 1) / pieces
        var out: [Range<Int>] = []
        var start = span.lowerBound
        for p in 1..<pieces {
            let cut = text.lowerBound + p * size
            out.append(start..<cut)
            start = cut
        }
        out.append(start..<span.upperBound)
        return out
    }

    /// The offset just after the punctuation at `k` (and any closing quotes); nil when the mark is not a
    /// clause break (", " needs whitespace after it, so 1,000 and 3:30 are never split; dashes and CJK marks
    /// need none).
    private static func cutAfter(_ chars: [Character], _ k: Int, dash: Bool) -> Int? {
        let cjk = CJKPunctuation.clauseMarks.contains(chars[k])
        var j = k + 1
        while j < chars.count, (cjk ? CJKPunctuation.closers : SentenceSplitter.closers).contains(chars[j]) { j += 1 }
        guard j < chars.count else { return nil }
        if dash || cjk { return j }
        return chars[j].isBlank ? j : nil
    }

    /// First index in the sorted `values` whose value is ≥ `x`.
    private static func lowerBound(_ values: [Int], _ x: Int) -> Int {
        var a = 0, b = values.count
        while a < b {
            let m = (a + b) / 2
            if values[m] < x { a = m + 1 } else { b = m }
        }
        return a
    }

    /// The value in `values[range]` (sorted) closest to `mid`; the smaller one on a tie.
    private static func nearest(_ values: [Int], _ range: Range<Int>, to mid: Int) -> Int? {
        guard !range.isEmpty else { return nil }
        var a = range.lowerBound, b = range.upperBound
        while a < b {
            let m = (a + b) / 2
            if values[m] < mid { a = m + 1 } else { b = m }
        }
        if a == range.upperBound { return values[a - 1] }
        if a == range.lowerBound { return values[a] }
        return mid - values[a - 1] <= values[a] - mid ? values[a - 1] : values[a]
    }
}
