// Times and dates.
// Times: "3:30 pm" → "three thirty PM", "3 p.m." → "three PM", "14:05" → "fourteen oh five",
// "14:00" → "fourteen hundred", "9:00" → "nine o'clock".
// Dates: "March 3, 2021" → "March third, twenty twenty-one"; "3 March 2021" → "the third of March twenty
// twenty-one"; "2021-03-04" (ISO) → "March fourth, twenty twenty-one".
// Numeric dates d/m/yyyy vs m/d/yyyy: read as a date only when unambiguous — one part above 12 fixes which
// is the day (4/13/2021 → April thirteenth, 13/4/2021 → the thirteenth of April), or both parts are equal
// (5/5/2021). Otherwise (3/4/2021) the parts are read as numbers: "three slash four slash twenty twenty-one".
import Foundation

enum DateTimeNormalizer {
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                         "October", "November", "December"]
    private static let monthAbbreviations: [String: Int] = [
        "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10,
        "Nov": 11, "Dec": 12,
    ]
    private static let monthAlternation = months.joined(separator: "|")
        + "|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\\."

    private static let clockWithMeridiem = Pattern(
        #"(?<![\d:])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?\s*([AaPp])\.?\s?[Mm](\.?)(?![\p{L}])"#)
    private static let clock = Pattern(#"(?<![\d:.,])(\d{1,2}):(\d{2})(?::(\d{2}))?(?![\d:])"#)
    private static let monthDay = Pattern(
        #"\b("# + monthAlternation + #")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:(,?\s+)(\d{4})\b)?"#)
    private static let dayMonth = Pattern(
        #"\b(?:[Tt]he\s+)?(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?("# + monthAlternation + #")(?:(,?\s+)(\d{4})\b)?"#)
    private static let numericDate = Pattern(#"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])"#)
    private static let isoDate = Pattern(#"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])"#)

    static func normalize(_ text: String) -> String {
        var s = text
        guard s.contains(where: \.isNumber) else { return s }
        s = clockWithMeridiem.replaceWithTail(in: s) { g, tail in
            guard let h = Int(g[1]!), h >= 1, h <= 12 else { return nil }
            let m = g[2].flatMap { Int($0) } ?? 0, sec = g[3].flatMap { Int($0) }
            guard m < 60, (sec ?? 0) < 60 else { return nil }
            let meridiem = g[4]!.lowercased() == "a" ? "AM" : "PM"
            let dot = g[5] == "." && String.startsNewSentence(tail) ? "." : ""
            var words = NumberWords.cardinal(h)
            if m > 0 { words += " " + minutes(m) }
            if let sec { words += " and " + NumberWords.cardinal(sec) + (sec == 1 ? " second" : " seconds") }
            return words + " " + meridiem + dot
        }
        s = clock.replace(in: s) { g in
            guard let h = Int(g[1]!), let m = Int(g[2]!), h <= 24, m < 60 else { return nil }
            let sec = g[3].flatMap { Int($0) }
            guard (sec ?? 0) < 60 else { return nil }
            var words: String
            if m == 0 {
                words = (h == 0 || h > 12 || g[1]!.count == 2 && g[1]!.hasPrefix("0"))
                    ? NumberWords.cardinal(h) + " hundred" : NumberWords.cardinal(h) + " o'clock"
            } else {
                words = NumberWords.cardinal(h) + " " + minutes(m)
            }
            if let sec { words += " and " + NumberWords.cardinal(sec) + (sec == 1 ? " second" : " seconds") }
            return words
        }
        s = isoDate.replace(in: s) { g in
            guard let y = Int(g[1]!), let mo = Int(g[2]!), let d = Int(g[3]!), valid(month: mo, day: d) else { return nil }
            return months[mo - 1] + " " + NumberWords.ordinal(UInt64(d)) + ", " + NumberWords.year(y)
        }
        s = numericDate.replace(in: s) { g in
            let a = Int(g[1]!)!, b = Int(g[2]!)!, y = Int(g[3]!)!
            let year = NumberWords.year(y)
            if a > 12, valid(month: b, day: a) {
                return "the " + NumberWords.ordinal(UInt64(a)) + " of " + months[b - 1] + ", " + year
            }
            if (b > 12 || a == b), valid(month: a, day: b) {
                return months[a - 1] + " " + NumberWords.ordinal(UInt64(b)) + ", " + year
            }
            return NumberWords.cardinal(a) + " slash " + NumberWords.cardinal(b) + " slash " + year
        }
        s = monthDay.replace(in: s) { g in
            guard let mo = monthNumber(g[1]!), let d = Int(g[2]!), valid(month: mo, day: d) else { return nil }
            var out = months[mo - 1] + " " + NumberWords.ordinal(UInt64(d))
            if let sep = g[3], let y = g[4].flatMap({ Int($0) }) { out += sep + NumberWords.year(y) }
            return out
        }
        s = dayMonth.replace(in: s) { g in
            guard let mo = monthNumber(g[2]!), let d = Int(g[1]!), valid(month: mo, day: d) else { return nil }
            let article = g[0]!.hasPrefix("The") ? "The " : "the "
            var out = article + NumberWords.ordinal(UInt64(d)) + " of " + months[mo - 1]
            if let y = g[4].flatMap({ Int($0) }) { out += ", " + NumberWords.year(y) }
            return out
        }
        return s
    }

    /// Minutes after the hour: 5 → "oh five", 30 → "thirty".
    private static func minutes(_ m: Int) -> String {
        m < 10 ? "oh " + NumberWords.cardinal(m) : NumberWords.cardinal(m)
    }

    private static func monthNumber(_ name: String) -> Int? {
        if let i = months.firstIndex(of: name) { return i + 1 }
        return monthAbbreviations[String(name.dropLast())]
    }

    private static func valid(month: Int, day: Int) -> Bool {
        let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1]
    }
}
