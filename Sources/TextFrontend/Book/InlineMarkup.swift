// Reduces inline Markdown (emphasis, strong, code, links, images, HTML tags, entities, escapes) to its text.
// Images are dropped (or reduced to their alt text when asked); HTML tags are dropped (a <br> becomes a space).
// Newlines are preserved so callers can map text offsets back to source lines.
import Foundation

enum InlineMarkup {
    // Backslash escapes are swapped for private-use code points first so escaped markers survive the
    // emphasis rules, then restored last.
    private static let escape = Pattern(#"\\([!-/:-@\[-`{-~])"#)
    private static let codeSpan = Pattern(#"(`+)(.+?)\1"#, options: [.dotMatchesLineSeparators])
    // Link and image text holds no "[" (as in CommonMark, "[a [b](u)" links only "b"), so each "[" scans at
    // most to the next bracket; titles are at most 300 characters: reading stays linear on stray brackets.
    private static let image = Pattern(#"!\[([^\[\]]*)\](?:\([^)]*\)|\[[^\[\]]*\])"#)
    private static let footnoteRef = Pattern(#"\[\^[^\]\s]+\]"#)
    private static let inlineLink = Pattern(#"\[([^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+"[^"]{0,300}")?\)"#)
    private static let refLink = Pattern(#"\[([^\[\]]+)\]\[[^\[\]]*\]"#)
    private static let autoLink = Pattern(#"<((?:https?|ftp|mailto):[^<>\s]+)>"#)
    private static let lineBreakTag = Pattern(#"<br\s*/?>"#, options: [.caseInsensitive])
    private static let htmlTag = Pattern(#"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>"#)
    // Delimited spans, each with the pattern of its closing delimiter (see `replace(in:template:upToLastMatchOf:)`).
    private static let strongEmStar = Pattern(#"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*"#, options: [.dotMatchesLineSeparators])
    private static let strongEmStarClose = Pattern(#"(?<=\S)\*\*\*"#)
    private static let strongEmUnder = Pattern(#"___(?=\S)(.+?)(?<=\S)___"#, options: [.dotMatchesLineSeparators])
    private static let strongEmUnderClose = Pattern(#"(?<=\S)___"#)
    private static let strongStar = Pattern(#"\*\*(?=\S)(.+?)(?<=\S)\*\*"#, options: [.dotMatchesLineSeparators])
    private static let strongStarClose = Pattern(#"(?<=\S)\*\*"#)
    private static let strongUnder = Pattern(#"(?<![\p{L}\p{N}])__(?=\S)(.+?)(?<=\S)__(?![\p{L}\p{N}])"#,
                                             options: [.dotMatchesLineSeparators])
    private static let strongUnderClose = Pattern(#"(?<=\S)__(?![\p{L}\p{N}])"#)
    private static let emStar = Pattern(#"\*(?=[^\s*])(.+?)(?<=[^\s*])\*"#, options: [.dotMatchesLineSeparators])
    private static let emStarClose = Pattern(#"(?<=[^\s*])\*"#)
    private static let strike = Pattern(#"~~(?=\S)(.+?)(?<=\S)~~"#, options: [.dotMatchesLineSeparators])
    private static let strikeClose = Pattern(#"(?<=\S)~~"#)
    private static let hardBreak = Pattern(#"\\\n"#)

    /// Reduces Markdown inline markup to plain text; `imageAltText` keeps an image's alt text (else it is dropped).
    static func reduceMarkdown(_ text: String, imageAltText: Bool = false) -> String {
        var s = escape.replace(in: text) { g in
            guard let c = g[1]?.unicodeScalars.first else { return nil }
            return String(Character(Unicode.Scalar(0xE000 + c.value)!))
        }
        s = hardBreak.replace(in: s, template: "\n")
        s = codeSpan.replace(in: s) { g in g[2]?.trimmingCharacters(in: .whitespaces) }
        s = image.replace(in: s, template: imageAltText ? "$1" : "")
        s = footnoteRef.replace(in: s, template: "")
        s = inlineLink.replace(in: s, template: "$1")
        s = refLink.replace(in: s, template: "$1")
        s = autoLink.replace(in: s) { g in g[1].map { $0.hasPrefix("mailto:") ? String($0.dropFirst(7)) : $0 } }
        s = lineBreakTag.replace(in: s, template: " ")
        s = htmlTag.replace(in: s, template: "")
        s = strongEmStar.replace(in: s, template: "$1", upToLastMatchOf: strongEmStarClose)
        s = strongEmUnder.replace(in: s, template: "$1", upToLastMatchOf: strongEmUnderClose)
        s = strongStar.replace(in: s, template: "$1", upToLastMatchOf: strongStarClose)
        s = strongUnder.replace(in: s, template: "$1", upToLastMatchOf: strongUnderClose)
        s = emStar.replace(in: s, template: "$1", upToLastMatchOf: emStarClose)
        s = reduceUnderscoreEmphasis(s)
        s = strike.replace(in: s, template: "$1", upToLastMatchOf: strikeClose)
        s = decodeEntities(s)
        return restoreEscapes(s)
    }

    private static let emUnder = Pattern(#"(?<![\p{L}_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\p{L}\p{N}_])"#,
                                         options: [.dotMatchesLineSeparators])
    private static let emUnderClose = Pattern(#"(?<=[^\s_])_(?![\p{L}\p{N}_])"#)

    /// `_word_` → `word` (not after a letter, so snake_case survives; Gutenberg writes "15_th_"). Used for Gutenberg italics too.
    static func reduceUnderscoreEmphasis(_ text: String) -> String {
        guard text.contains("_") else { return text }
        return emUnder.replace(in: text, template: "$1", upToLastMatchOf: emUnderClose)
    }

    private static func restoreEscapes(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { u in
            (0xE021...0xE07E).contains(u.value) ? Unicode.Scalar(u.value - 0xE000)! : u
        }))
    }

    private static let entity = Pattern(#"&(#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z]{2,8});"#)
    private static let namedEntities: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
        "mdash": "\u{2014}", "ndash": "\u{2013}", "hellip": "\u{2026}", "lsquo": "\u{2018}",
        "rsquo": "\u{2019}", "ldquo": "\u{201C}", "rdquo": "\u{201D}", "laquo": "\u{00AB}",
        "raquo": "\u{00BB}", "copy": "\u{00A9}", "shy": "", "thinsp": "\u{2009}", "emsp": "\u{2003}",
        "ensp": "\u{2002}", "eacute": "é", "egrave": "è", "aacute": "á", "agrave": "à", "ccedil": "ç",
        "ouml": "ö", "uuml": "ü", "auml": "ä", "szlig": "ß", "pound": "£", "euro": "€", "deg": "°",
    ]

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        return entity.replace(in: text) { g in
            guard let body = g[1] else { return nil }
            if body.hasPrefix("#") {
                let hex = body.dropFirst().first.map { $0 == "x" || $0 == "X" } ?? false
                let digits = body.dropFirst(hex ? 2 : 1)
                guard let v = UInt32(digits, radix: hex ? 16 : 10), let u = Unicode.Scalar(v) else { return nil }
                return String(Character(u))
            }
            return namedEntities[body]
        }
    }
}
