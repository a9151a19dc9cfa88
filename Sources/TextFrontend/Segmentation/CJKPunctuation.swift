// Chinese / Japanese punctuation and letters as the segmenter sees them. CJK text has no spaces between
// words or sentences, so these marks end sentences and clauses without the whitespace Latin text needs, and
// each ideograph or kana counts as one word (for the merge threshold and the clause splitter's word counts).
import Foundation

enum CJKPunctuation {
    /// Sentence ends: 。 ！ ？ full-width ．, half-width ｡.
    static let terminators: Set<Character> = ["\u{3002}", "\u{FF01}", "\u{FF1F}", "\u{FF0E}", "\u{FF61}"]
    /// Ellipses (… ⋯, usually doubled: ……); they end a sentence when they follow a CJK character.
    static let ellipses: Set<Character> = ["\u{2026}", "\u{22EF}"]
    /// Closing quotes and brackets that stay with the sentence they close: 」 』 ） 》 〉 】 〕 〗 〙 〛 ］ ｝ ｣ 〞 〟
    /// plus the Latin closers.
    static let closers: Set<Character> = SentenceSplitter.closers.union([
        "\u{300D}", "\u{300F}", "\u{FF09}", "\u{300B}", "\u{3009}", "\u{3011}", "\u{3015}", "\u{3017}",
        "\u{3019}", "\u{301B}", "\u{FF3D}", "\u{FF5D}", "\u{FF63}", "\u{301E}", "\u{301F}",
    ])
    /// Clause marks that need no space after them: ； ： ， 、
    static let semicolons: Set<Character> = ["\u{FF1B}"]
    static let colons: Set<Character> = ["\u{FF1A}"]
    static let commas: Set<Character> = ["\u{FF0C}", "\u{3001}"]
    static var clauseMarks: Set<Character> { semicolons.union(colons).union(commas) }

    /// True for a Han ideograph, hiragana or katakana: a character that is a word by itself.
    static func isWordCharacter(_ ch: Character) -> Bool {
        guard let u = ch.unicodeScalars.first?.value else { return false }
        switch u {
        case 0x3040...0x309F, 0x30A0...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF,  // kana (not the ・ middle dot)
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF,                   // CJK ideographs
             0x20000...0x2FA1F,                                                   // extensions B–F, compatibility
             0xFF66...0xFF9F:                                                     // half-width katakana
            return true
        default:
            return false
        }
    }
}
