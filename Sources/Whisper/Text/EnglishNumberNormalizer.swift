// openai-whisper normalizers/english.py EnglishNumberNormalizer: spelled-out numbers → digits, keeping suffixes
// (1960s, 274th), currency words → symbols before the number ($20 million → $20000000), "percent"/"per cent" → %,
// successive single digits read as a nominal number ("one oh one" → 101), "double"/"triple", "point", "and a half";
// then "$2 and ¢7" → "$2.07", "$0.07" → "¢7" and a standalone 1(s) → one(s). Python ints become DecimalInteger
// (the multipliers go up to 10^33); the int/str distinction of the original's running value is kept.
import Foundation

struct EnglishNumberNormalizer: Sendable {
    enum Value: Equatable {
        case int(DecimalInteger)
        case str(String)

        var text: String {
            switch self {
            case let .int(i): return i.description
            case let .str(s): return s
            }
        }

        /// Python truthiness (`value or ""`): 0 and "" are false.
        var truthy: Bool {
            switch self {
            case let .int(i): return !i.isZero
            case let .str(s): return !s.isEmpty
            }
        }
    }

    let zeros: Set<String> = ["o", "oh", "zero"]
    let ones: [String: Int]
    let onesSuffixed: [String: (Int, String)]
    let tens: [String: Int]
    let tensSuffixed: [String: (Int, String)]
    /// Multiplier name → power of ten.
    let multipliers: [String: Int]
    let multipliersSuffixed: [String: (Int, String)]
    let decimals: Set<String>
    let precedingPrefixers: [String: String] = ["minus": "-", "negative": "-", "plus": "+", "positive": "+"]
    let followingPrefixers: [String: String] = [
        "pound": "£", "pounds": "£", "euro": "€", "euros": "€", "dollar": "$", "dollars": "$", "cent": "¢", "cents": "¢",
    ]
    let prefixes: Set<Character>
    let specials: Set<String> = ["and", "double", "triple", "point"]
    let words: Set<String>

    init() {
        let oneNames = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        var ones: [String: Int] = [:]
        for (i, n) in oneNames.enumerated() { ones[n] = i + 1 }
        var onesPlural: [String: (Int, String)] = [:]
        for (n, v) in ones { onesPlural[n == "six" ? "sixes" : n + "s"] = (v, "s") }
        var onesOrdinal: [String: (Int, String)] = [
            "zeroth": (0, "th"), "first": (1, "st"), "second": (2, "nd"), "third": (3, "rd"), "fifth": (5, "th"), "twelfth": (12, "th"),
        ]
        for (n, v) in ones where v > 3 && v != 5 && v != 12 { onesOrdinal[n + (n.hasSuffix("t") ? "h" : "th")] = (v, "th") }
        let tens = ["twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90]
        var tensSuffixed: [String: (Int, String)] = [:]
        for (n, v) in tens { tensSuffixed[n.replacingOccurrences(of: "y", with: "ies")] = (v, "s") }
        for (n, v) in tens { tensSuffixed[n.replacingOccurrences(of: "y", with: "ieth")] = (v, "th") }
        let multipliers = ["hundred": 2, "thousand": 3, "million": 6, "billion": 9, "trillion": 12, "quadrillion": 15,
                           "quintillion": 18, "sextillion": 21, "septillion": 24, "octillion": 27, "nonillion": 30, "decillion": 33]
        var multipliersSuffixed: [String: (Int, String)] = [:]
        for (n, v) in multipliers { multipliersSuffixed[n + "s"] = (v, "s") }
        for (n, v) in multipliers { multipliersSuffixed[n + "th"] = (v, "th") }
        self.ones = ones
        onesSuffixed = onesPlural.merging(onesOrdinal) { _, b in b }
        self.tens = tens
        self.tensSuffixed = tensSuffixed
        self.multipliers = multipliers
        self.multipliersSuffixed = multipliersSuffixed
        decimals = Set(ones.keys).union(tens.keys).union(zeros)
        prefixes = Set(precedingPrefixers.values.map { Character($0) } + followingPrefixers.values.map { Character($0) })
        var w = zeros.union(ones.keys).union(onesSuffixed.keys).union(tens.keys).union(tensSuffixed.keys)
        w.formUnion(multipliers.keys)
        w.formUnion(multipliersSuffixed.keys)
        w.formUnion(precedingPrefixers.keys)
        w.formUnion(followingPrefixers.keys)
        w.formUnion(["per", "percent"])
        w.formUnion(specials)
        words = w
    }

    static let numeric = PyRegex(#"^\d+(\.\d+)?$"#)

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    func processWords(_ words: [String]) -> [String] {
        var out: [String] = []
        var prefix: String?
        var value: Value?
        var skip = false
        func output(_ result: String) -> String {
            let r = (prefix ?? "") + result
            value = nil
            prefix = nil
            return r
        }
        if words.isEmpty { return [] }
        let padded: [String?] = [nil] + words.map { Optional($0) } + [nil]
        for w in 0..<words.count {
            let prev = padded[w], current = padded[w + 1]!, next = padded[w + 2]
            if skip {
                skip = false
                continue
            }
            let nextIsNumeric = next.map { Self.numeric.matchesAtStart($0) } ?? false
            let hasPrefix = prefixes.contains(Character(String(current.unicodeScalars.first!)))
            let withoutPrefix = hasPrefix ? String(String.UnicodeScalarView(current.unicodeScalars.dropFirst())) : current
            let prevInOnes = prev.map { ones[$0] != nil } ?? false
            let prevInTens = prev.map { tens[$0] != nil } ?? false
            if Self.numeric.matchesAtStart(withoutPrefix) {
                // arabic numbers (potentially with signs and fractions)
                if let v = value {
                    if case let .str(s) = v, PythonText.endsWith(s, ".") {
                        value = .str(s + current) // concatenate decimals / ip address components
                        continue
                    }
                    out.append(output(v.text))
                }
                if hasPrefix { prefix = String(current.unicodeScalars.first!) }
                if case let .integer(i) = DecimalInteger.scaled(decimalString: withoutPrefix, pow10: 0) {
                    value = .int(i)
                } else {
                    value = .str(withoutPrefix)
                }
            } else if !self.words.contains(current) {
                if let v = value { out.append(output(v.text)) }
                out.append(output(current))
            } else if zeros.contains(current) {
                value = .str(((value?.truthy ?? false) ? value!.text : "") + "0")
            } else if let o = ones[current] {
                if value == nil {
                    value = .int(DecimalInteger(o))
                } else if case let .str(s) = value!, true {
                    value = .str(prevInTens && o < 10 ? String(s.dropLast()) + String(o) : s + String(o))
                } else if case let .int(i) = value!, prevInOnes {
                    value = .str(prevInTens && o < 10 ? String(i.description.dropLast()) + String(o) : i.description + String(o))
                } else if case let .int(i) = value! {
                    if o < 10 {
                        value = i.mod(pow10: 1) == 0 ? .int(i + o) : .str(i.description + String(o))
                    } else {
                        value = i.mod(pow10: 2) == 0 ? .int(i + o) : .str(i.description + String(o))
                    }
                }
            } else if let (o, suffix) = onesSuffixed[current] {
                // ordinal or cardinal; yield the number right away
                if value == nil {
                    out.append(output(String(o) + suffix))
                } else if case .str = value!, true {
                    let s = value!.text
                    out.append(output(prevInTens && o < 10 ? String(s.dropLast()) + String(o) + suffix : s + String(o) + suffix))
                } else if prevInOnes {
                    let s = value!.text
                    out.append(output(prevInTens && o < 10 ? String(s.dropLast()) + String(o) + suffix : s + String(o) + suffix))
                } else if case let .int(i) = value! {
                    if o < 10 {
                        out.append(output(i.mod(pow10: 1) == 0 ? (i + o).description + suffix : i.description + String(o) + suffix))
                    } else {
                        out.append(output(i.mod(pow10: 2) == 0 ? (i + o).description + suffix : i.description + String(o) + suffix))
                    }
                }
                value = nil
            } else if let t = tens[current] {
                if value == nil {
                    value = .int(DecimalInteger(t))
                } else if case let .str(s) = value! {
                    value = .str(s + String(t))
                } else if case let .int(i) = value! {
                    value = i.mod(pow10: 2) == 0 ? .int(i + t) : .str(i.description + String(t))
                }
            } else if let (t, suffix) = tensSuffixed[current] {
                if value == nil {
                    out.append(output(String(t) + suffix))
                } else if case let .str(s) = value! {
                    out.append(output(s + String(t) + suffix))
                } else if case let .int(i) = value! {
                    out.append(output(i.mod(pow10: 2) == 0 ? (i + t).description + suffix : i.description + String(t) + suffix))
                }
            } else if let k = multipliers[current] {
                if value == nil {
                    value = .int(DecimalInteger(1).timesPow10(k))
                } else if case let .int(i) = value!, !i.isZero {
                    value = .int(i.thousandsFloor + DecimalInteger(i.mod(pow10: 3)).timesPow10(k))
                } else {
                    // a str, or the int 0
                    let f = DecimalInteger.scaled(decimalString: value!.text, pow10: k)
                    if case let .integer(p) = f {
                        value = .int(p)
                    } else {
                        out.append(output(value!.text))
                        value = .int(DecimalInteger(1).timesPow10(k))
                    }
                }
            } else if let (k, suffix) = multipliersSuffixed[current] {
                if value == nil {
                    out.append(output(DecimalInteger(1).timesPow10(k).description + suffix))
                } else if case let .str(s) = value! {
                    if case let .integer(p) = DecimalInteger.scaled(decimalString: s, pow10: k) {
                        out.append(output(p.description + suffix))
                    } else {
                        out.append(output(s))
                        out.append(output(DecimalInteger(1).timesPow10(k).description + suffix))
                    }
                } else if case let .int(i) = value! {
                    let v = i.thousandsFloor + DecimalInteger(i.mod(pow10: 3)).timesPow10(k)
                    value = .int(v)
                    out.append(output(v.description + suffix))
                }
                value = nil
            } else if let p = precedingPrefixers[current] {
                // apply prefix (positive, minus, etc.) if it precedes a number
                if let v = value { out.append(output(v.text)) }
                if let n = next, self.words.contains(n) || nextIsNumeric {
                    prefix = p
                } else {
                    out.append(output(current))
                }
            } else if let p = followingPrefixers[current] {
                // apply prefix (dollars, cents, etc.) only after a number
                if let v = value {
                    prefix = p
                    out.append(output(v.text))
                } else {
                    out.append(output(current))
                }
            } else if current == "per" || current == "percent" {
                // apply suffix symbols (percent -> '%')
                if let v = value {
                    if current == "per" {
                        if next == "cent" {
                            out.append(output(v.text + "%"))
                            skip = true
                        } else {
                            out.append(output(v.text))
                            out.append(output(current))
                        }
                    } else {
                        out.append(output(v.text + "%"))
                    }
                } else {
                    out.append(output(current))
                }
            } else if specials.contains(current) {
                let nextIsWord = next.map { self.words.contains($0) } ?? false
                if !nextIsWord && !nextIsNumeric {
                    // apply special handling only if the next word can be numeric
                    if let v = value { out.append(output(v.text)) }
                    out.append(output(current))
                } else if current == "and" {
                    // ignore "and" after hundreds, thousands, etc.
                    if !(prev.map { multipliers[$0] != nil } ?? false) {
                        if let v = value { out.append(output(v.text)) }
                        out.append(output(current))
                    }
                } else if current == "double" || current == "triple" {
                    if let n = next, ones[n] != nil || zeros.contains(n) {
                        let repeats = current == "double" ? 2 : 3
                        let o = ones[n] ?? 0
                        value = .str(((value?.truthy ?? false) ? value!.text : "") + String(repeating: String(o), count: repeats))
                        skip = true
                    } else {
                        if let v = value { out.append(output(v.text)) }
                        out.append(output(current))
                    }
                } else if current == "point" {
                    if let n = next, decimals.contains(n) || nextIsNumeric {
                        value = .str(((value?.truthy ?? false) ? value!.text : "") + ".")
                    }
                }
            }
        }
        if let v = value { out.append(output(v.text)) }
        return out
    }

    static let andAHalf = PyRegex(#"\band\s+a\s+half\b"#)
    static let letterDigit = PyRegex("([a-z])([0-9])")
    static let digitLetter = PyRegex("([0-9])([a-z])")
    static let digitSuffix = PyRegex(#"([0-9])\s+(st|nd|rd|th|s)\b"#)

    func preprocess(_ text: String) -> String {
        // replace "<number> and a half" with "<number> point five"
        var results: [String] = []
        let segments = Self.andAHalf.split(text)
        for (i, segment) in segments.enumerated() {
            if PythonText.strip(segment).isEmpty { continue }
            results.append(segment)
            if i != segments.count - 1 {
                let lastWord = PythonText.split(segment).last ?? ""
                results.append(decimals.contains(lastWord) || multipliers[lastWord] != nil ? "point five" : "and a half")
            }
        }
        var s = results.joined(separator: " ")
        // put a space at number/letter boundary, but remove spaces which could be a suffix
        s = Self.letterDigit.sub(#"\1 \2"#, s)
        s = Self.digitLetter.sub(#"\1 \2"#, s)
        s = Self.digitSuffix.sub(#"\1\2"#, s)
        return s
    }

    static let cents = PyRegex(#"([€£$])([0-9]+) (?:and )?¢([0-9]{1,2})\b"#)
    static let zeroCents = PyRegex(#"[€£$]0.([0-9]{1,2})\b"#)
    static let one = PyRegex(#"\b1(s?)\b"#)

    func postprocess(_ text: String) -> String {
        // "$2 and ¢7" → "$2.07"
        var s = Self.cents.sub(text) { m in
            let c = Int(m.group(3)!)!
            return m.group(1)! + m.group(2)! + "." + (c < 10 ? "0" : "") + String(c)
        }
        s = Self.zeroCents.sub(s) { m in "¢" + String(Int(m.group(1)!)!) }
        // write "one(s)" instead of "1(s)", just for the readability
        return Self.one.sub(#"one\1"#, s)
    }

    func normalize(_ text: String) -> String {
        var s = preprocess(text)
        s = processWords(PythonText.split(s)).joined(separator: " ")
        return postprocess(s)
    }
}
