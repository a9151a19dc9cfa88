// Roman numerals (canonical upper-case form, I … MMMCMXCIX) and where they are read as numbers:
// after heading words ("Chapter IV" → "Chapter four") and after names ("Henry VIII" → "Henry the Eighth").
import Foundation

enum RomanNumerals {
    private static let canonical = Pattern(#"^M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})$"#)
    private static let values: [Character: Int] = ["I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000]

    /// The value of a canonical Roman numeral, or nil ("IIII", "VX", "" and lower case are rejected).
    static func value(_ s: String) -> Int? {
        guard !s.isEmpty, canonical.matches(s) else { return nil }
        let v = s.compactMap { values[$0] }
        var total = 0
        for (i, x) in v.enumerated() {
            total += (i + 1 < v.count && x < v[i + 1]) ? -x : x
        }
        return total
    }

    private static let headingWords = "Chapter|CHAPTER|Book|BOOK|Part|PART|Volume|VOLUME|Vol\\.|Act|ACT|Scene|SCENE|"
        + "Section|SECTION|Canto|CANTO|Letter|LETTER|Appendix|APPENDIX|Psalm|Article|ARTICLE|Stave|STAVE|Epistle"
    private static let heading = Pattern(#"\b("# + headingWords + #")(\s+)([IVXLCDM]+)\b"#)

    /// Monarchs, popes and other names regularly followed by a regnal number.
    static let regnalNames: Set<String> = [
        "Henry", "Edward", "Richard", "George", "William", "James", "Charles", "Elizabeth", "Mary", "Anne",
        "John", "Stephen", "Louis", "Philip", "Philippe", "Francis", "Frederick", "Frederic", "Peter", "Catherine",
        "Alexander", "Nicholas", "Ivan", "Paul", "Pius", "Leo", "Gregory", "Benedict", "Innocent", "Clement",
        "Urban", "Boniface", "Sixtus", "Julius", "Napoleon", "Ferdinand", "Isabella", "Wilhelm", "Otto", "Rudolf",
        "Carlos", "Juan", "Alfonso", "Gustav", "Gustavus", "Christian", "Olaf", "Harald", "Haakon", "Victor",
        "Umberto", "Constantine", "Ramesses", "Ptolemy", "Tutankhamun", "Amenhotep", "Thutmose",
        "David", "Robert", "Kenneth", "Duncan", "Alfred", "Edmund", "Harold", "Joseph", "Leopold", "Maximilian",
        "Sigismund", "Casimir", "Vladimir", "Boris", "Selim", "Mehmed", "Suleiman", "Murad", "Pedro", "Manuel",
    ]
    /// Capitalised words that are not names: a numeral after them is left alone.
    private static let functionWords: Set<String> = [
        "The", "A", "An", "And", "Or", "But", "Of", "In", "On", "At", "To", "For", "By", "With", "From", "As",
        "If", "So", "Then", "When", "While", "That", "This", "These", "Those", "It", "He", "She", "We", "They",
    ]
    /// Words whose numeral is a plain number: "Type II" → "Type two", "Episode IV" → "Episode four".
    private static let numberedThings: Set<String> = [
        "Type", "Class", "Phase", "Level", "Stage", "Grade", "Mark", "Episode", "Bowl", "Apollo", "Gemini",
        "Vatican", "Rocky", "Fantasy", "Title", "Schedule", "Division", "Round", "Series", "Model", "Unit",
    ]
    private static let afterName = Pattern(#"\b(\p{Lu}\p{Ll}+)(\s+)([IVXLC]+)\b"#)
    private static let worldWar = Pattern(#"\b(War)(\s+)(I{1,2})\b"#)

    /// Heading numerals → cardinals, "World War II" → "World War two", regnal numbers → "the Eighth".
    static func normalize(_ text: String) -> String {
        var s = heading.replace(in: text) { g in
            guard let v = value(g[3]!) else { return nil }
            return g[1]! + g[2]! + NumberWords.cardinal(v)
        }
        s = worldWar.replace(in: s) { g in g[1]! + g[2]! + (g[3] == "I" ? "One" : "Two") }
        s = afterName.replace(in: s) { g in
            let name = g[1]!, numeral = g[3]!
            guard let v = value(numeral) else { return nil }
            // Known names take any numeral; other capitalised words only multi-letter numerals made of I, V, X
            // (so "Malcolm X" keeps its letter only when listed, and "I"/"V"/"C" after a word stay letters).
            if functionWords.contains(name) { return nil }
            if numberedThings.contains(name) { return name + g[2]! + NumberWords.cardinal(v) }
            let plain = numeral.count >= 2 && numeral.allSatisfy({ "IVX".contains($0) }) && v <= 39
            guard regnalNames.contains(name) || plain else { return nil }
            let ord = NumberWords.ordinal(UInt64(v))
            return name + g[2]! + "the " + ord.prefix(1).uppercased() + ord.dropFirst()
        }
        return s
    }
}
