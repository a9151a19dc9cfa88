// openai-whisper normalizers/basic.py: BasicTextNormalizer (lowercase, drop [bracketed] / <tagged> and
// (parenthesized) words, symbols and punctuation → spaces — with diacritics removed after NFKD, or kept after
// NFKC —, optionally letters split into grapheme clusters, whitespace runs → one space) and the two cleaners
// remove_symbols_and_diacritics / remove_symbols.
import Foundation

public struct BasicTextNormalizer: Sendable {
    public var removeDiacritics: Bool
    public var splitLetters: Bool

    public init(removeDiacritics: Bool = false, splitLetters: Bool = false) {
        self.removeDiacritics = removeDiacritics
        self.splitLetters = splitLetters
    }

    /// Non-ASCII letters that NFKD does not separate (ADDITIONAL_DIACRITICS).
    static let additionalDiacritics: [Unicode.Scalar: String] = [
        "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "ẞ": "SS", "đ": "d", "Đ": "D",
        "ð": "d", "Ð": "D", "þ": "th", "Þ": "th", "ł": "l", "Ł": "L",
    ]

    static func categoryClass(_ s: Unicode.Scalar) -> Character {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return "M"
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return "S"
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
             .finalPunctuation, .otherPunctuation: return "P"
        default: return "-"
        }
    }

    /// remove_symbols_and_diacritics(s, keep): NFKD; kept characters stay, Mn marks go, other M/S/P become spaces.
    static func removeSymbolsAndDiacritics(_ s: String, keep: String = "") -> String {
        let keepSet = Set(keep.unicodeScalars)
        var out = String.UnicodeScalarView()
        for c in s.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if keepSet.contains(c) {
                out.append(c)
            } else if let r = additionalDiacritics[c] {
                out.append(contentsOf: r.unicodeScalars)
            } else if c.properties.generalCategory == .nonspacingMark {
                continue
            } else if categoryClass(c) != "-" {
                out.append(" ")
            } else {
                out.append(c)
            }
        }
        return String(out)
    }

    /// remove_symbols(s): NFKC; M/S/P characters become spaces.
    static func removeSymbols(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.precomposedStringWithCompatibilityMapping.unicodeScalars {
            out.append(categoryClass(c) != "-" ? " " : c)
        }
        return String(out)
    }

    static let brackets = PyRegex(#"[<\[][^>\]]*[>\]]"#)
    static let parentheses = PyRegex(#"\(([^)]+?)\)"#)
    static let spaces = PyRegex(#"\s+"#)

    public func normalize(_ text: String) -> String {
        var s = text.lowercased()
        s = Self.brackets.sub("", s)
        s = Self.parentheses.sub("", s)
        s = (removeDiacritics ? Self.removeSymbolsAndDiacritics(s) : Self.removeSymbols(s)).lowercased()
        if splitLetters { s = s.map { String($0) }.joined(separator: " ") }
        return Self.spaces.sub(" ", s)
    }
}
