// Splits a paragraph into sentences. The spans partition the text exactly (whitespace included), so the
// split is lossless by construction.
//
// A sentence ends at a run of . ! ? … (plus closing quotes/brackets) followed by whitespace, unless:
// - the next word starts with a lower-case letter ("“Yes!” said he", "wait… maybe", "etc. and");
// - the run is one "." after a title or reference abbreviation (Mr. Mrs. Dr. St. Prof. e.g. i.e. vs. …),
//   after an initial ("J. R. R. Tolkien"; a lone "I." still ends a sentence), or after "No." before a digit.
// An interrupted quotation ("I never—” “Stop.”) also ends at the dash when a new capitalised quotation follows.
// Decimals (3.14) and times (3:30) never split: a terminator must be followed by whitespace.
// CJK sentence ends (。！？．｡, and an ellipsis …… right after a CJK character) end the sentence with any closing
// quotes or brackets after them (」』”）…), whether or not whitespace follows; a full-width ． between digits does not.
// The scan is one pass: every character is looked at a bounded number of times.
import Foundation

enum SentenceSplitter {
    static let terminators: Set<Character> = [".", "!", "?", "\u{2026}", "\u{203D}"]
    static let closers: Set<Character> = ["\u{201D}", "\u{2019}", "\"", "'", ")", "]", "\u{00BB}", "\u{203A}"]
    static let openers: Set<Character> = ["\u{201C}", "\u{2018}", "\"", "'", "(", "[", "\u{00AB}", "\u{2039}"]
    static let dashes: Set<Character> = ["\u{2014}", "\u{2015}"]

    /// Abbreviations (lower-cased, without their final period) after which "." never ends a sentence.
    static let nonTerminalAbbreviations: Set<String> = [
        "mr", "mrs", "ms", "messrs", "mme", "mlle", "dr", "prof", "st", "rev", "hon", "capt", "col", "gen",
        "lt", "sgt", "cpl", "maj", "gov", "sen", "rep", "fr", "pres", "supt", "insp", "mt", "ft", "ave",
        "e.g", "i.e", "cf", "viz", "vs", "approx", "vol", "ch", "fig", "pp", "p", "ed", "esp", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.d", "b.c",
    ]

    /// Character offset ranges of the sentences; together they cover `chars` exactly, in order.
    static func split(_ chars: [Character]) -> [Range<Int>] {
        var spans: [Range<Int>] = []
        var start = 0
        var i = 0
        let n = chars.count
        while i < n {
            let c = chars[i]
            var end: Int?
            let afterCJK = i > 0 && CJKPunctuation.isWordCharacter(chars[i - 1])
            if terminators.contains(c) || CJKPunctuation.terminators.contains(c)
                || (afterCJK && CJKPunctuation.ellipses.contains(c)) {
                var j = i
                var cjk = CJKPunctuation.terminators.contains(c)
                func continuesRun(_ ch: Character) -> Bool {
                    terminators.contains(ch) || CJKPunctuation.terminators.contains(ch)
                        || ((cjk || afterCJK) && CJKPunctuation.ellipses.contains(ch))
                }
                while j + 1 < n, continuesRun(chars[j + 1]) {
                    j += 1
                    if CJKPunctuation.terminators.contains(chars[j]) { cjk = true }
                }
                if !cjk, afterCJK, chars[i...j].allSatisfy({ CJKPunctuation.ellipses.contains($0) }) { cjk = true }
                if cjk {
                    while j + 1 < n, CJKPunctuation.closers.contains(chars[j + 1]) { j += 1 }
                    let decimalPoint = i == j && c == "\u{FF0E}" && i > 0 && chars[i - 1].isNumber
                        && j + 1 < n && chars[j + 1].isNumber
                    if !decimalPoint { end = j + 1 }
                } else {
                    let runIsSinglePeriod = (j == i && c == ".")
                    while j + 1 < n, closers.contains(chars[j + 1]) { j += 1 }
                    if j + 1 >= n || chars[j + 1].isBlank {
                        if endsSentence(chars, runStart: i, afterRun: j + 1, singlePeriod: runIsSinglePeriod) { end = j + 1 }
                    }
                }
                i = j
            } else if dashes.contains(c), i + 1 < n, closers.contains(chars[i + 1]) {
                var j = i + 1
                while j + 1 < n, closers.contains(chars[j + 1]) { j += 1 }
                if j + 1 < n, chars[j + 1].isBlank,
                   let w = nextWordStart(chars, from: j + 1), w.sawOpener, chars[w.index].isUppercase {
                    end = j + 1
                }
                i = j
            }
            if let e = end, e < n {
                spans.append(start..<e)
                start = e
            }
            i += 1
        }
        if start < n || spans.isEmpty { spans.append(start..<n) }
        return spans
    }

    /// First letter/digit after `from`, skipping whitespace and opening punctuation.
    static func nextWordStart(_ chars: [Character], from: Int) -> (index: Int, sawOpener: Bool)? {
        var k = from
        var sawOpener = false
        while k < chars.count {
            let ch = chars[k]
            if ch.isLetter || ch.isNumber { return (k, sawOpener) }
            if openers.contains(ch) || dashes.contains(ch) { sawOpener = true }
            else if !ch.isBlank { return (k, sawOpener) }
            k += 1
        }
        return nil
    }

    private static func endsSentence(_ chars: [Character], runStart: Int, afterRun: Int, singlePeriod: Bool) -> Bool {
        guard let w = nextWordStart(chars, from: afterRun) else { return true }
        let next = chars[w.index]
        if next.isLowercase { return false }
        // A spaced ellipsis (". . .") ends only at its last dot.
        if terminators.contains(next) { return false }
        guard singlePeriod else { return true }
        let word = wordBefore(chars, at: runStart)
        let lower = word.lowercased()
        if nonTerminalAbbreviations.contains(lower) { return false }
        if lower == "no" || lower == "nos" { return !next.isNumber }
        // Initials: "J." or "J.R.R." (but a lone "I." is the pronoun or a numeral and ends the sentence).
        let letters = word.split(separator: ".")
        if !letters.isEmpty, letters.allSatisfy({ $0.count == 1 && $0.first!.isUppercase }), word != "I" {
            return false
        }
        return true
    }

    /// The token just before `index`: back to whitespace, without leading opening punctuation.
    private static func wordBefore(_ chars: [Character], at index: Int) -> String {
        var k = index
        while k > 0, !chars[k - 1].isBlank, !openers.contains(chars[k - 1]), !dashes.contains(chars[k - 1]) { k -= 1 }
        return String(chars[k..<index])
    }
}
