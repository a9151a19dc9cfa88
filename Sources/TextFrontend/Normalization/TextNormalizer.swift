// Turns source text into what a speech engine is sent: numbers, dates, times, currency, Roman numerals,
// abbreviations and symbols written out as English words. Applied at synthesis time only; the stored
// segment text stays as written in the book.
//
// Order matters: Roman numerals and abbreviations first (they need the original capitalisation and
// periods), then times and dates (which contain numbers), then the remaining numbers.
// Languages other than English are returned with whitespace tidied only.
import Foundation

public enum TextNormalizer {
    /// `text` with numbers, dates, abbreviations … spelled out for speech (English; other languages unchanged).
    public static func normalize(_ text: String, language: String = "en") -> String {
        var s = tidySpaces(text)
        guard language.lowercased().hasPrefix("en") else { return s.collapsingWhitespace }
        s = RomanNumerals.normalize(s)
        s = Abbreviations.normalize(s)
        s = DateTimeNormalizer.normalize(s)
        s = NumberNormalizer.normalize(s)
        return s.collapsingWhitespace
    }

    /// Non-breaking and thin spaces become plain spaces so the patterns see word gaps.
    private static func tidySpaces(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value == 0xA0 || (0x2000...0x200A).contains($0.value) || $0.value == 0x202F })
        else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { u in
            (u.value == 0xA0 || (0x2000...0x200A).contains(u.value) || u.value == 0x202F) ? " " : u
        }))
    }
}
