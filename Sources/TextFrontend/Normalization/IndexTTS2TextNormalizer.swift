// IndexTTS2's `TextNormalizer.normalize(text, language)` (indextts/utils/front.py), run before tokenization so
// digits never reach the SentencePiece model as <unk> pieces:
//   language nil → detected: Japanese (kana, Japanese punctuation, iteration marks), else Chinese when the text
//   has a CJK ideograph, or no Latin letter, or is an e-mail address, or holds tone-numbered pinyin; else English.
//   zh: "(what|…|this)'s" → "… is"; strip trailing whitespace; protect pinyin with tone digits (xuan4); the
//       Chinese normalizer (`ChineseTextNormalizer`, the WeText zh rules); restore the pinyin (j/q/x + u/ü → v,
//       upper-cased); then the Chinese character map ("$" → "." plus the shared map).
//   en: the contraction rule, the English normalizer (`TextNormalizer`, en), then the shared character map.
//   ja: strip, drop a "speaker N:" prefix, NFKC, collapse whitespace, the shared map.
//   other language codes: NFKC, collapse whitespace, strip, the shared map.
// The shared map is one left-to-right pass that tries its keys in table order (：；;，→",", 。→".", ！→"!",
// ？→"?", newline → space, ·→"-", 、→",", .../,,,/，，，/…… → "…", quotes and brackets → "'", —/～/~ → "-",
// : → ","). The upstream name protection (中文·中文 markers) only shields names from WeText rules that
// this port does not have, so it is not needed here.
import Foundation

public enum IndexTTS2TextNormalizer {
    /// The normalized text IndexTTS2 tokenizes. `language` ("zh", "en", "ja", …) forces a path; nil detects it.
    public static func normalize(_ text: String, language: String? = nil) -> String {
        let lang = language.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? detectLanguage(text)
        switch lang {
        case "ja": return normalizeJapanese(text)
        case "zh":
            let contracted = contractions(text)
            let (protected, pinyin) = protectPinyin(rstrip(contracted))
            let normalized = restorePinyin(ChineseTextNormalizer.normalize(protected), pinyin)
            return mapCharacters(normalized, chinese: true)
        case "en":
            return mapCharacters(TextNormalizer.normalize(contractions(text), language: "en"), chinese: false)
        default:
            return basicCleanup(text)
        }
    }

    /// A normalizer closure for `IndexTTS2TextTokenizer` (encode/tokenize/segmentIDs).
    public static func normalizer(language: String? = nil) -> (String) -> String {
        { normalize($0, language: language) }
    }

    /// "ja", "zh" or "en", as TextNormalizer.normalize picks when no language is given.
    public static func detectLanguage(_ text: String) -> String {
        if isJapanese(text) { return "ja" }
        return useChinese(text) ? "zh" : "en"
    }

    static func isJapanese(_ text: String) -> Bool {
        for u in text.unicodeScalars {
            switch u.value {
            case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF, 0xFF66...0xFF9F: return true
            case 0x30FC, 0x301C, 0x301D, 0x301E, 0x301F, 0x30FB, 0x3005, 0x3006, 0x309D, 0x309E: return true
            default: continue
            }
        }
        return false
    }

    static func useChinese(_ text: String) -> Bool {
        let hasChinese = text.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }
        let hasAlpha = text.unicodeScalars.contains { $0.isASCII && $0.properties.isAlphabetic }
        if hasChinese || !hasAlpha || email.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
            return true
        }
        return pinyinTone.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private static func regex(_ p: String, _ o: NSRegularExpression.Options = []) -> NSRegularExpression {
        do { return try NSRegularExpression(pattern: p, options: o) } catch { preconditionFailure("bad built-in pattern \(p): \(error)") }
    }

    nonisolated(unsafe) static let email = regex(#"^[a-zA-Z0-9]+@[a-zA-Z0-9]+\.[a-zA-Z]+$"#)
    /// PINYIN_TONE_PATTERN (case-insensitive, so the look-behind also rejects upper-case letters).
    nonisolated(unsafe) static let pinyinTone = regex(
        #"(?<![a-z])((?:[bpmfdtnlgkhjqxzcsryw]|[zcs]h)?(?:[aeiouüv]|[ae]i|u[aio]|ao|ou|i[aue]|[uüv]e|[uvü]ang?|uai|[aeiuv]n|[aeio]ng|ia[no]|i[ao]ng)|ng|er)([1-5])"#,
        .caseInsensitive)
    nonisolated(unsafe) static let contraction = regex(#"(what|where|who|which|how|t?here|it|s?he|that|this)'s"#, .caseInsensitive)
    nonisolated(unsafe) static let jqxU = regex(#"([jqx])[uü](n|e|an)*(\d)"#, .caseInsensitive)
    nonisolated(unsafe) static let speakerPrefix = regex(#"^\s*(?:speaker|spk)\s*\d+\s*[:：]\s*"#, .caseInsensitive)

    static func contractions(_ text: String) -> String {
        contraction.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$1 is")
    }

    /// Replaces every distinct tone-numbered pinyin (longest first) with a private-use marker the Chinese
    /// normalizer leaves alone.
    static func protectPinyin(_ text: String) -> (String, [String]) {
        let ns = text as NSString
        var found: [String] = []
        for m in pinyinTone.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let s = ns.substring(with: m.range)
            if !found.contains(s) { found.append(s) }
        }
        found.sort { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        var out = text
        for (k, p) in found.enumerated() { out = out.replacingOccurrences(of: p, with: protectionMarker(k)) }
        return (out, found)
    }

    static func protectionMarker(_ k: Int) -> String { String(Character(Unicode.Scalar(0xE000 + UInt32(k))!)) }

    static func restorePinyin(_ text: String, _ found: [String]) -> String {
        var out = text
        for (k, p) in found.enumerated() { out = out.replacingOccurrences(of: protectionMarker(k), with: correctPinyin(p)) }
        return out
    }

    /// correct_pinyin: j/q/x + u/ü → v, then upper-case (other syllables unchanged).
    static func correctPinyin(_ p: String) -> String {
        guard let f = p.first, "jqxJQX".contains(f) else { return p }
        let fixed = jqxU.stringByReplacingMatches(in: p, range: NSRange(p.startIndex..., in: p), withTemplate: "$1v$2$3")
        return fixed.uppercased()
    }

    /// Python str.rstrip().
    static func rstrip(_ s: String) -> String {
        var scalars = Array(s.unicodeScalars)
        while let last = scalars.last, PythonText.isSpace(last) { scalars.removeLast() }
        return String(String.UnicodeScalarView(scalars))
    }

    /// NFKC, whitespace runs → one space, strip.
    static func nfkcCollapsed(_ text: String) -> String {
        let nfkc = text.precomposedStringWithCompatibilityMapping
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for u in nfkc.unicodeScalars {
            if PythonText.isSpace(u) { pendingSpace = !out.isEmpty; continue }
            if pendingSpace { out.append(" "); pendingSpace = false }
            out.append(u)
        }
        return String(out)
    }

    static func basicCleanup(_ text: String) -> String { mapCharacters(nfkcCollapsed(text), chinese: false) }

    static func normalizeJapanese(_ text: String) -> String {
        let stripped = PythonText.strip(text)
        guard !stripped.isEmpty else { return "" }
        let noSpeaker = speakerPrefix.stringByReplacingMatches(in: stripped, range: NSRange(stripped.startIndex..., in: stripped),
                                                               withTemplate: "")
        return PythonText.strip(mapCharacters(nfkcCollapsed(noSpeaker), chinese: false))
    }

    static let sharedMap: [(String, String)] = [
        ("：", ","), ("；", ","), (";", ","), ("，", ","), ("。", "."), ("！", "!"), ("？", "?"), ("\n", " "), ("·", "-"),
        ("、", ","), ("...", "…"), (",,,", "…"), ("，，，", "…"), ("……", "…"), ("“", "'"), ("”", "'"), ("\"", "'"),
        ("‘", "'"), ("’", "'"), ("（", "'"), ("）", "'"), ("(", "'"), (")", "'"), ("《", "'"), ("》", "'"), ("【", "'"),
        ("】", "'"), ("[", "'"), ("]", "'"), ("—", "-"), ("～", "-"), ("~", "-"), ("「", "'"), ("」", "'"), (":", ","),
    ]
    static let chineseMap: [(String, String)] = [("$", ".")] + sharedMap
    private static let sharedKeys = sharedMap.map { (Array($0.0.unicodeScalars), $0.1) }
    private static let chineseKeys = chineseMap.map { (Array($0.0.unicodeScalars), $0.1) }

    /// One pass over the scalars; at each position the first key (in table order) that matches is replaced.
    static func mapCharacters(_ text: String, chinese: Bool) -> String {
        let keys = chinese ? chineseKeys : sharedKeys
        let s = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        outer: while i < s.count {
            for (key, value) in keys where i + key.count <= s.count && s[i] == key[0] {
                if key.count == 1 || Array(s[i..<(i + key.count)]) == key {
                    out.append(contentsOf: value.unicodeScalars)
                    i += key.count
                    continue outer
                }
            }
            out.append(s[i])
            i += 1
        }
        return String(out)
    }
}
