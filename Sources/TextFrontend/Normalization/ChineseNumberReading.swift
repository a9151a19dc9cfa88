// Chinese readings of digit strings, following the WeTextProcessing `tn.chinese` cardinal grammar
// (rules/cardinal.py, data/number/*.tsv):
//   - a single digit reads as its name (0 → 零);
//   - 10–19 at the head of a number drop the 一: 15 → 十五, 150000 → 十五万; inside a larger number they keep it:
//     115 → 一百一十五;
//   - zeros: one 零 per gap, none at the end: 1001 → 一千零一, 1010 → 一千零一十, 10010 → 一万零一十,
//     100000100 → 一亿零一百, 120000000 → 一亿两千万;
//   - 万 and 亿 groups, up to 12 integer digits; longer strings and strings with a leading zero (007) are read
//     digit by digit, as the grammar's single-digit fallback reads them;
//   - at the start of a number 二百/二千/二万/二亿 become 两百/两千/两万/两亿 (200 → 两百, 1200 → 一千二百);
//   - sign + → 正, ± → 正负, - → 负 (a signed number keeps 二: -200 → 负二百); decimals read digit by digit
//     after 点 (3.14 → 三点一四).
import Foundation

enum ChineseNumberReading {
    static let digitNames: [Character] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    static func value(_ c: Character) -> Int? {
        guard let a = c.asciiValue, a >= 48, a <= 57 else { return nil }
        return Int(a - 48)
    }

    /// Digit by digit: "2023" → 二零二三; `phone` reads 1 as 幺 (telephone style).
    static func digits(_ s: some StringProtocol, phone: Bool = false) -> String {
        String(s.compactMap { c -> Character? in
            guard let v = value(c) else { return nil }
            return phone && v == 1 ? "幺" : digitNames[v]
        })
    }

    /// 1–2 digit tens without a leading zero; `head` drops the 一 of 1x (十五 vs 一十五).
    private static func tens(_ d: ArraySlice<Int>, head: Bool) -> String {
        let a = d[d.startIndex], b = d[d.startIndex + 1]
        return (a == 1 && head ? "" : String(digitNames[a])) + "十" + (b == 0 ? "" : String(digitNames[b]))
    }

    /// 1–4 digits, first digit non-zero.
    private static func small(_ d: ArraySlice<Int>, head: Bool) -> String {
        let s = d.startIndex
        switch d.count {
        case 1: return String(digitNames[d[s]])
        case 2: return tens(d, head: head)
        case 3:
            let rest = d[(s + 1)...]
            let tail: String
            if rest.allSatisfy({ $0 == 0 }) { tail = "" } else if d[s + 1] == 0 { tail = "零" + String(digitNames[d[s + 2]]) } else { tail = tens(rest, head: false) }
            return String(digitNames[d[s]]) + "百" + tail
        default:
            let rest = d[(s + 1)...]
            return String(digitNames[d[s]]) + "千" + zeroLed(rest)
        }
    }

    /// The reading of a digit group after a higher unit: leading zeros collapse to one 零, all zeros read "".
    private static func zeroLed(_ d: ArraySlice<Int>) -> String {
        guard let first = d.firstIndex(where: { $0 != 0 }) else { return "" }
        let body = small(d[first...], head: false)
        return first == d.startIndex ? body : "零" + body
    }

    /// Integer reading of `d` (no leading zero unless d == [0]), or nil for more than 12 digits.
    static func cardinal(_ d: [Int]) -> String? {
        guard !d.isEmpty, d.count <= 12, d.count == 1 || d[0] != 0 else { return nil }
        let n = d.count
        let text: String
        if n <= 4 {
            text = small(d[...], head: true)
        } else if n <= 8 {
            text = small(d[0..<(n - 4)], head: true) + "万" + zeroLed(d[(n - 4)...])
        } else {
            let high = small(d[0..<(n - 8)], head: true) + "亿"
            let wan = d[(n - 8)..<(n - 4)], low = d[(n - 4)...]
            if wan.contains(where: { $0 != 0 }) {
                text = high + zeroLed(wan) + "万" + zeroLed(low)
            } else if low.contains(where: { $0 != 0 }) {
                let body = zeroLed(low)
                text = high + (body.hasPrefix("零") ? body : "零" + body)
            } else {
                text = high
            }
        }
        for unit in ["百", "千", "万", "亿"] where text.hasPrefix("二" + unit) {
            return "两" + text.dropFirst()
        }
        return text
    }

    /// A parsed number: optional sign, integer digits (grouping commas removed), optional decimals.
    struct Number {
        var sign: Character?
        var integer: String
        var fraction: String?
        /// Characters consumed.
        var length: Int

        /// 正/正负/负 + integer (cardinal, or digit by digit) + 点 + decimal digits.
        var reading: String {
            let d = integer.compactMap(ChineseNumberReading.value)
            var out = ""
            switch sign {
            case "+": out = "正"
            case "±": out = "正负"
            case "-", "−": out = "负"
            default: break
            }
            var body = ChineseNumberReading.cardinal(d) ?? ChineseNumberReading.digits(integer)
            // The 两 rewrite applies at the start of the number only, so a signed number keeps 二.
            if sign != nil, body.hasPrefix("两") { body = "二" + body.dropFirst() }
            out += body
            if let f = fraction { out += "点" + ChineseNumberReading.digits(f) }
            return out
        }

        /// True when the number reads exactly 二 (a measure then says 两: 2个 → 两个).
        var isBareTwo: Bool { sign == nil && fraction == nil && integer == "2" }
    }

    /// Parses [sign] digits [,ddd]* [.digits] at `i`. `allowSign` is false after a Latin letter or digit, so
    /// "GPT-4" keeps its hyphen instead of reading 负四.
    static func parse(_ c: [Character], _ i: Int, allowSign: Bool = true) -> Number? {
        var j = i
        var sign: Character?
        if allowSign, j < c.count, "+-±−".contains(c[j]), j + 1 < c.count, value(c[j + 1]) != nil {
            sign = c[j]
            j += 1
        }
        let start = j
        while j < c.count, value(c[j]) != nil { j += 1 }
        guard j > start else { return nil }
        var integer = String(c[start..<j])
        // Thousands grouping: 1–3 digits then ",ddd" groups (each exactly three digits).
        if j - start <= 3 {
            var k = j
            var groups = ""
            while k + 3 < c.count, c[k] == ",", (1...3).allSatisfy({ value(c[k + $0]) != nil }),
                  k + 4 >= c.count || value(c[k + 4]) == nil {
                groups += String(c[(k + 1)...(k + 3)])
                k += 4
            }
            if !groups.isEmpty { integer += groups; j = k }
        }
        var fraction: String?
        if j + 1 < c.count, c[j] == ".", value(c[j + 1]) != nil {
            var k = j + 1
            while k < c.count, value(c[k]) != nil { k += 1 }
            fraction = String(c[(j + 1)..<k])
            j = k
        }
        return Number(sign: sign, integer: integer, fraction: fraction, length: j - i)
    }

    /// Length of the digit run at `i` (0 when c[i] is not a digit).
    static func digitRun(_ c: [Character], _ i: Int) -> Int {
        var j = i
        while j < c.count, value(c[j]) != nil { j += 1 }
        return j - i
    }
}
