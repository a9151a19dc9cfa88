// Titles, common abbreviations and symbols spelled out for speech.
// "St." is Saint before a name and Street after a street name ("Baker St.", "42nd St."); "Dr." is Doctor
// unless it follows a street name and no name follows ("Elm Dr."). When a spelled-out abbreviation ends
// the sentence (end of text, or a capital letter follows), its period is kept.
import Foundation

enum Abbreviations {
    /// Titles before a name. With a period they are always expanded ("Mr. and Mrs. Smith"); without one
    /// (British "Mr Smith") only before a capitalised word.
    private static let titlesOptionalPeriod: [String: String] = [
        "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Mme": "Madame", "Mlle": "Mademoiselle",
    ]
    private static let titlesWithPeriod: [String: String] = [
        "Prof": "Professor", "Rev": "Reverend", "Revd": "Reverend", "Hon": "Honorable", "Capt": "Captain",
        "Col": "Colonel", "Gen": "General", "Lt": "Lieutenant", "Sgt": "Sergeant", "Cpl": "Corporal",
        "Maj": "Major", "Gov": "Governor", "Sen": "Senator", "Rep": "Representative", "Messrs": "Messieurs",
        "Fr": "Father", "Pres": "President", "Supt": "Superintendent", "Insp": "Inspector", "Adm": "Admiral",
        "Cmdr": "Commander", "Mt": "Mount", "Ft": "Fort",
    ]
    /// Abbreviations that may end a sentence.
    private static let general: [String: String] = [
        "etc": "et cetera", "e.g": "for example", "i.e": "that is", "vs": "versus", "approx": "approximately",
        "cf": "compare", "viz": "namely", "Jr": "Junior", "Sr": "Senior", "Ave": "Avenue", "Blvd": "Boulevard",
        "Rd": "Road", "Ln": "Lane", "Co": "Company", "Inc": "Incorporated", "Ltd": "Limited",
        "Corp": "Corporation", "Dept": "Department", "Univ": "University", "Bros": "Brothers",
    ]
    /// Abbreviations read as a word only before a number ("No. 5" → "number five").
    private static let beforeNumber: [String: String] = [
        "No": "number", "Nos": "numbers", "no": "number", "nos": "numbers", "p": "page", "pp": "pages",
        "vol": "volume", "Vol": "volume", "ch": "chapter", "Ch": "chapter", "fig": "figure", "Fig": "figure",
    ]
    /// Function words that may start a sentence before "St."/"Dr." without being a street name.
    private static let notStreetNames: Set<String> = [
        "The", "Then", "In", "At", "On", "To", "From", "And", "But", "Of", "For", "With", "By", "Near", "Past",
        "Via", "As", "When", "Where", "Visit", "Dear", "Old", "Good", "Poor", "Saint", "Yes", "No", "Oh", "So",
    ]

    private static let titleOptional = Pattern(#"\b(Mr|Mrs|Ms|Mme|Mlle)(?:\.|(?=\s+[\p{Lu}]))"#)
    private static let titleRequired = Pattern(
        #"\b(Prof|Rev|Revd|Hon|Capt|Col|Gen|Lt|Sgt|Cpl|Maj|Gov|Sen|Rep|Messrs|Fr|Pres|Supt|Insp|Adm|Cmdr|Mt|Ft)\.(?=\s+[\p{Lu}])"#)
    private static let saintOrStreet = Pattern(#"(?:(\S+)(\s+))?\b(St|Dr)(\.?)(?=(\s+[\p{Lu}])|[\s,;:)\x{201D}\x{2019}"']|$)"#)
    private static let generalAbbrev = Pattern(
        #"(?<![\p{L}.])(etc|e\.g|i\.e|vs|approx|cf|viz|Jr|Sr|Ave|Blvd|Rd|Ln|Co|Inc|Ltd|Corp|Dept|Univ|Bros)\."#)
    private static let versusBare = Pattern(#"(?<=\s)vs(?=\s)"#)
    private static let numberAbbrev = Pattern(#"\b(No|Nos|no|nos|p|pp|vol|Vol|ch|Ch|fig|Fig)\.\s*(?=\d)"#)
    private static let hashNumber = Pattern(#"(?<![\p{L}\p{N}])#(?=\d)"#)
    private static let etCetera = Pattern(#"&c\."#)
    private static let ampersand = Pattern(#"\s*&\s*"#)

    static func normalize(_ text: String) -> String {
        var s = titleOptional.replace(in: text) { g in titlesOptionalPeriod[g[1]!] }
        s = titleRequired.replace(in: s) { g in titlesWithPeriod[g[1]!] }
        s = saintOrStreet.replaceWithTail(in: s) { g, tail in
            let before = g[1], space = g[2] ?? "", abbr = g[3]!, period = g[4]!
            let nameFollows = g[5] != nil
            let prefix = (before ?? "") + space
            let afterStreetName = before.map { isStreetName($0) } ?? false
            if abbr == "Dr" {
                if period.isEmpty && !nameFollows { return nil }
                let street = afterStreetName && !nameFollows
                let keep = street && !period.isEmpty && String.startsNewSentence(tail) ? "." : ""
                return prefix + (street ? "Drive" + keep : "Doctor")
            }
            if period.isEmpty && !nameFollows && !afterStreetName { return nil }
            let street = afterStreetName || !nameFollows
            let keep = street && !period.isEmpty && String.startsNewSentence(tail) ? "." : ""
            return prefix + (street ? "Street" + keep : "Saint")
        }
        s = numberAbbrev.replace(in: s) { g in beforeNumber[g[1]!].map { $0 + " " } }
        s = hashNumber.replace(in: s, template: "number ")
        s = generalAbbrev.replaceWithTail(in: s) { g, tail in
            guard let word = general[g[1]!] else { return nil }
            return word + (String.startsNewSentence(tail) && !["e.g", "i.e", "vs", "cf", "viz"].contains(g[1]!) ? "." : "")
        }
        s = versusBare.replace(in: s, template: "versus")
        if s.contains("&") {
            s = etCetera.replaceWithTail(in: s) { _, tail in "et cetera" + (String.startsNewSentence(tail) ? "." : "") }
            s = ampersand.replace(in: s, template: " and ")
        }
        return s
    }

    /// "Baker", "42nd", "Fifth" — a word that can name a street (capitalised or a number), not a function word.
    private static func isStreetName(_ word: String) -> Bool {
        let w = word.trimmingCharacters(in: .punctuationCharacters)
        guard let first = w.first, w == word else { return false }
        if first.isNumber { return true }
        return first.isUppercase && !notStreetNames.contains(w)
    }
}
