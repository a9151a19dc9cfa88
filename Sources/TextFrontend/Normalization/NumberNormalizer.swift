// Numbers in running text: currency, percentages, units, ordinals, decades, ranges, fractions, and finally
// plain numbers (negative, comma-grouped, decimal). Reading rules:
// - a bare four-digit number from 1000 to 2099 (no comma, no sign, no decimals) is read as a year
//   ("in 1999" → "nineteen ninety-nine") unless a counting word precedes it ("page 1234", "number 1500");
// - "1,999" (comma-grouped) is always a cardinal; numbers with leading zeros are read digit by digit;
// - "$3.50" → "three dollars and fifty cents"; "$1.5 billion" → "one point five billion dollars";
// - "10-20" / "1914–1918" / "1914–18" → "ten to twenty" / "nineteen fourteen to nineteen eighteen" /
//   "nineteen fourteen to eighteen".
import Foundation

enum NumberNormalizer {
    private struct Currency { let one: String; let many: String; let subOne: String?; let subMany: String? }
    private static let currencies: [String: Currency] = [
        "$": Currency(one: "dollar", many: "dollars", subOne: "cent", subMany: "cents"),
        "US$": Currency(one: "dollar", many: "dollars", subOne: "cent", subMany: "cents"),
        "£": Currency(one: "pound", many: "pounds", subOne: "penny", subMany: "pence"),
        "€": Currency(one: "euro", many: "euros", subOne: "cent", subMany: "cents"),
        "¥": Currency(one: "yen", many: "yen", subOne: nil, subMany: nil),
        "₹": Currency(one: "rupee", many: "rupees", subOne: "paisa", subMany: "paise"),
    ]
    private static let number = #"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"#
    private static let scaleWords = "thousand|million|billion|trillion"
    private static let money = Pattern(
        #"(?<![\p{L}\p{N}])([-−])?(US\$|\$|£|€|¥|₹)\s?"# + number + #"(?:\s+("# + scaleWords + #")\b)?"#)
    private static let percent = Pattern(#"(?<![\p{L}\p{N}.,])([-−])?"# + number + #"\s?%"#)
    private static let units: [String: (String, String)] = [
        "km": ("kilometer", "kilometers"), "kg": ("kilogram", "kilograms"), "cm": ("centimeter", "centimeters"),
        "mm": ("millimeter", "millimeters"), "mph": ("mile per hour", "miles per hour"),
        "km/h": ("kilometer per hour", "kilometers per hour"), "ft": ("foot", "feet"), "lb": ("pound", "pounds"),
        "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"), "mi": ("mile", "miles"), "kHz": ("kilohertz", "kilohertz"),
        "Hz": ("hertz", "hertz"), "GB": ("gigabyte", "gigabytes"), "MB": ("megabyte", "megabytes"),
        "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
        "°": ("degree", "degrees"),
    ]
    private static let unit = Pattern(
        #"(?<![\p{L}\p{N}.,])"# + number + #"\s?(km/h|km|kg|cm|mm|mph|ft|lbs|lb|oz|mi|kHz|Hz|GB|MB|°C|°F|°)(?:(?<=°)|(\.?)(?![\p{L}\p{N}]))"#)
    private static let ordinal = Pattern(#"(?<![\p{L}\p{N}.,])(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th|ST|ND|RD|TH)\b"#)
    private static let decade = Pattern(#"(?<![\p{L}\p{N}])(?:(\d{2})(\d)0|['’](\d)0|(\d)0)['’]?s\b"#)
    private static let range = Pattern(#"(?<![\p{L}\p{N}.,:/-])(\d{1,4})\s?[-–]\s?(\d{1,4})(?![\p{N}:/\-–]|\p{L}|[.,]\d)"#)
    private static let fraction = Pattern(#"(?<![\p{L}\p{N}.,/])(\d{1,3})/(\d{1,3})(?![\p{N}/])"#)
    private static let vulgar: [Character: (Int, Int)] = ["½": (1, 2), "¼": (1, 4), "¾": (3, 4), "⅓": (1, 3),
                                                          "⅔": (2, 3), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)]
    private static let vulgarFraction = Pattern(#"(\d+)?([½¼¾⅓⅔⅛⅜⅝⅞])"#)
    private static let plain = Pattern(#"(?:(?<![^\s(\[{\x{201C}"'])([-−]))?(?<![\p{N}.])(?:(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?|(?<![\p{N}])\.(\d+))"#)
    private static let countingWords: Set<String> = ["page", "pages", "number", "numbers", "no", "room", "flight",
                                                     "route", "highway", "item", "code", "pin", "id", "volume", "verse",
                                                     "over", "under", "about", "nearly", "almost", "some"]

    static func normalize(_ text: String) -> String {
        guard text.contains(where: { $0.isNumber }) else { return text }
        var s = money.replace(in: text) { g in currency(g) }
        s = percent.replace(in: s) { g in
            (g[1] != nil ? "minus " : "") + amount(g[2]!, g[3]) + " percent"
        }
        s = unit.replaceWithTail(in: s) { g, tail in
            guard let names = units[g[3]!] else { return nil }
            let one = g[1]! == "1" && g[2] == nil
            let dot = g[4] == "." && String.startsNewSentence(tail) ? "." : ""
            return amount(g[1]!, g[2]) + " " + (one ? names.0 : names.1) + dot
        }
        s = ordinal.replace(in: s) { g in
            let digits = g[1]!.filter(\.isNumber)
            guard let v = UInt64(digits), suffixMatches(v, g[2]!.lowercased()) else { return nil }
            return NumberWords.ordinal(v)
        }
        s = decade.replace(in: s) { g in
            if let century = g[1], let tens = g[2] { return NumberWords.pluralize(NumberWords.year(Int(century + tens + "0")!)) }
            let tens = g[3] ?? g[4]!
            return NumberWords.pluralize(NumberWords.cardinal(Int(tens + "0")!))
        }
        s = range.replace(in: s) { g in
            guard let a = Int(g[1]!), let b = Int(g[2]!) else { return nil }
            // "1914–18": a year followed by the last two digits of a later year.
            if g[1]!.count == 4, g[2]!.count == 2, isYear(a), a % 100 < b {
                return NumberWords.year(a) + " to " + NumberWords.cardinal(b)
            }
            guard a < b else { return nil }
            let years = g[1]!.count == 4 && g[2]!.count == 4 && isYear(a) && isYear(b)
            let read: (String) -> String = { years ? NumberWords.year(Int($0)!) : NumberWords.integer($0) }
            return read(g[1]!) + " to " + read(g[2]!)
        }
        s = vulgarFraction.replace(in: s) { g in
            guard let f = vulgar[Character(g[2]!)] else { return nil }
            guard let whole = g[1] else { return NumberWords.fraction(f.0, f.1) }
            let part = f.0 == 1 ? (f.1 == 2 ? "a half" : "a " + NumberWords.fraction(1, f.1).dropFirst(4)) : NumberWords.fraction(f.0, f.1)
            return NumberWords.integer(whole) + " and " + part
        }
        s = fraction.replace(in: s) { g in
            guard let a = Int(g[1]!), let b = Int(g[2]!), b > 0 else { return nil }
            return NumberWords.fraction(a, b)
        }
        return plainNumbers(s)
    }

    private static func plainNumbers(_ s: String) -> String {
        let ns = s as NSString
        var out = ""
        var last = 0
        let matches = plain.regex.matches(in: s, range: NSRange(location: 0, length: ns.length))
        for m in matches {
            func group(_ i: Int) -> String? {
                let r = m.range(at: i)
                return r.location == NSNotFound ? nil : ns.substring(with: r)
            }
            let sign = group(1) != nil ? "minus " : ""
            var words: String
            if let bare = group(4) {
                words = "point " + NumberWords.digits(bare)
            } else {
                let intPart = group(2)!, frac = group(3)
                if let frac {
                    words = NumberWords.decimal(integer: intPart, fraction: frac)
                } else if sign.isEmpty, intPart.count == 4, let v = Int(intPart), isYear(v),
                          !countingWords.contains(wordBefore(ns, m.range.location).lowercased()) {
                    words = NumberWords.year(v)
                } else {
                    words = NumberWords.integer(intPart)
                }
            }
            words = sign + words
            // Keep a number glued to letters readable: "MP3" → "MP three", "3D" → "three D".
            if m.range.location > 0, isLetter(ns, m.range.location - 1) { words = " " + words }
            let end = m.range.location + m.range.length
            if end < ns.length, isLetter(ns, end) { words += " " }
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last)) + words
            last = end
        }
        out += ns.substring(from: last)
        return out
    }

    private static func isLetter(_ ns: NSString, _ i: Int) -> Bool {
        guard let u = Unicode.Scalar(ns.character(at: i)) else { return false }
        return u.properties.isAlphabetic
    }

    /// The word before a UTF-16 offset (skipping spaces and a period), e.g. "page" in "page 1234".
    private static func wordBefore(_ ns: NSString, _ location: Int) -> String {
        var k = location
        while k > 0, let u = Unicode.Scalar(ns.character(at: k - 1)), u == " " || u == "." { k -= 1 }
        let end = k
        while k > 0, isLetter(ns, k - 1) { k -= 1 }
        return ns.substring(with: NSRange(location: k, length: end - k))
    }

    private static func isYear(_ v: Int) -> Bool { v >= 1000 && v <= 2099 }

    /// "1st", "2nd", "3rd", "11th" … — the suffix must fit the number ("1th" stays as written).
    private static func suffixMatches(_ v: UInt64, _ suffix: String) -> Bool {
        let expected: String
        if (11...13).contains(v % 100) { expected = "th" }
        else {
            switch v % 10 { case 1: expected = "st"; case 2: expected = "nd"; case 3: expected = "rd"; default: expected = "th" }
        }
        return suffix == expected
    }

    /// "3" → "three", "1.5" → "one point five".
    private static func amount(_ intPart: String, _ frac: String?) -> String {
        frac.map { NumberWords.decimal(integer: intPart, fraction: $0) } ?? NumberWords.integer(intPart)
    }

    private static func currency(_ g: [String?]) -> String? {
        guard let cur = currencies[g[2]!] else { return nil }
        let sign = g[1] != nil ? "minus " : ""
        let intPart = g[3]!, frac = g[4], scale = g[5]
        let whole = UInt64(intPart.filter(\.isNumber)) ?? 0
        if let scale {
            return sign + amount(intPart, frac) + " " + scale + " " + cur.many
        }
        if let frac, frac.count == 2, let subOne = cur.subOne, let subMany = cur.subMany, let sub = Int(frac) {
            let main = NumberWords.integer(intPart) + " " + (whole == 1 ? cur.one : cur.many)
            let cents = NumberWords.cardinal(sub) + " " + (sub == 1 ? subOne : subMany)
            if sub == 0 { return sign + main }
            if whole == 0 { return sign + cents }
            return sign + main + " and " + cents
        }
        if let frac { return sign + NumberWords.decimal(integer: intPart, fraction: frac) + " " + cur.many }
        return sign + NumberWords.integer(intPart) + " " + (whole == 1 && intPart.count == 1 ? cur.one : cur.many)
    }
}
