// English number words: cardinals, ordinals, years, decades, digit strings, fractions.
// American style: no "and" inside numbers ("one hundred five"), hyphens for 21–99 ("forty-two").
import Foundation

enum NumberWords {
    private static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                               "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
                               "eighteen", "nineteen"]
    private static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    private static let scales = ["", "thousand", "million", "billion", "trillion", "quadrillion", "quintillion"]

    /// 0 → "zero", 1_234 → "one thousand two hundred thirty-four".
    static func cardinal(_ n: UInt64) -> String {
        if n == 0 { return "zero" }
        var groups: [String] = []
        var rest = n
        var scale = 0
        while rest > 0 {
            let group = Int(rest % 1000)
            if group > 0 {
                groups.insert(scale == 0 ? belowThousand(group) : belowThousand(group) + " " + scales[scale], at: 0)
            }
            rest /= 1000
            scale += 1
        }
        return groups.joined(separator: " ")
    }

    static func cardinal(_ n: Int) -> String {
        n < 0 ? "minus " + cardinal(UInt64(n.magnitude)) : cardinal(UInt64(n))
    }

    private static func belowHundred(_ n: Int) -> String {
        if n < 20 { return ones[n] }
        return n % 10 == 0 ? tens[n / 10] : tens[n / 10] + "-" + ones[n % 10]
    }

    private static func belowThousand(_ n: Int) -> String {
        let h = n / 100, r = n % 100
        if h == 0 { return belowHundred(r) }
        return r == 0 ? ones[h] + " hundred" : ones[h] + " hundred " + belowHundred(r)
    }

    private static let irregularOrdinals = ["one": "first", "two": "second", "three": "third", "five": "fifth",
                                            "eight": "eighth", "nine": "ninth", "twelve": "twelfth"]

    /// Turns the last word of number words into its ordinal: "twenty-one" → "twenty-first".
    static func ordinalize(_ words: String) -> String {
        let splitAt = words.lastIndex(where: { $0 == " " || $0 == "-" }).map { words.index(after: $0) } ?? words.startIndex
        let head = words[..<splitAt], last = String(words[splitAt...])
        let ord: String
        if let irregular = irregularOrdinals[last] { ord = irregular }
        else if last.hasSuffix("y") { ord = last.dropLast() + "ieth" }
        else { ord = last + "th" }
        return head + ord
    }

    /// 1 → "first", 22 → "twenty-second", 100 → "one hundredth".
    static func ordinal(_ n: UInt64) -> String { ordinalize(cardinal(n)) }

    /// Plural of number words, for decades: "nineteen ninety" → "nineteen nineties", "eighteen hundred" → "eighteen hundreds".
    static func pluralize(_ words: String) -> String {
        words.hasSuffix("y") ? words.dropLast() + "ies" : (words.hasSuffix("x") ? words + "es" : words + "s")
    }

    /// Years as spoken: 1999 → "nineteen ninety-nine", 1900 → "nineteen hundred", 1905 → "nineteen oh five",
    /// 2000 → "two thousand", 2005 → "two thousand five", 2021 → "twenty twenty-one".
    static func year(_ y: Int) -> String {
        guard y >= 1000, y <= 9999 else { return cardinal(y) }
        if y % 1000 == 0 { return cardinal(y) }
        if y >= 2000 && y < 2010 { return cardinal(y) }
        let hi = y / 100, lo = y % 100
        if lo == 0 { return belowHundred(hi) + " hundred" }
        if lo < 10 { return belowHundred(hi) + " oh " + ones[lo] }
        return belowHundred(hi) + " " + belowHundred(lo)
    }

    /// Each digit spoken: "007" → "zero zero seven".
    static func digits<S: StringProtocol>(_ s: S) -> String {
        s.compactMap { $0.wholeNumberValue }.map { ones[$0] }.joined(separator: " ")
    }

    /// Integer digits (may have leading zeros) → words; leading zeros are read digit by digit, as are
    /// numbers too large for 64 bits.
    static func integer<S: StringProtocol>(_ s: S) -> String {
        let clean = String(s.filter(\.isNumber))
        if clean.count > 1 && clean.hasPrefix("0") { return digits(clean) }
        guard let v = UInt64(clean) else { return digits(clean) }
        return cardinal(v)
    }

    /// "3" + "14" → "three point one four".
    static func decimal<S: StringProtocol>(integer intPart: S, fraction: S) -> String {
        let whole = intPart.isEmpty ? "" : integer(intPart) + " "
        return whole + "point " + digits(fraction)
    }

    private static let denominators: [Int: (String, String)] = [
        2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters"), 5: ("fifth", "fifths"),
        6: ("sixth", "sixths"), 7: ("seventh", "sevenths"), 8: ("eighth", "eighths"), 9: ("ninth", "ninths"),
        10: ("tenth", "tenths"),
    ]

    /// 1/2 → "one half", 3/4 → "three quarters", 5/16 → "five over sixteen".
    static func fraction(_ num: Int, _ den: Int) -> String {
        guard let names = denominators[den], num > 0 else { return cardinal(num) + " over " + cardinal(den) }
        return cardinal(num) + " " + (num == 1 ? names.0 : names.1)
    }
}
