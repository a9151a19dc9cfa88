// Text safe for titles and audio tags (chapter titles, book title / author / narrator in ID3 and Vorbis
// comments). Invisible characters that change how a title displays or compares are removed:
// - C0 and C1 control characters and DEL (tab and newline are kept by `sanitized`; CR becomes a newline);
// - bidirectional formatting: embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, the marks
//   U+200E / U+200F and U+061C (a title could otherwise display reversed or hide its real text);
// - zero-width and invisible characters with no use in a title: zero-width space U+200B, word joiner U+2060,
//   invisible operators U+2061–U+2064, deprecated format characters U+206A–U+206F, byte order mark U+FEFF,
//   soft hyphen U+00AD, Mongolian vowel separator U+180E, interlinear annotation marks U+FFF9–U+FFFB, and the
//   noncharacters U+FFFE / U+FFFF.
// Zero-width joiner / non-joiner (U+200D / U+200C) and variation selectors stay: emoji sequences and the
// spelling of Persian or Indic words need them.
import Foundation

public enum TagText {
    /// `text` without the characters above; tab and newline kept, CR and CRLF made newlines.
    public static func sanitized(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        var lastWasCR = false
        for u in text.unicodeScalars {
            defer { lastWasCR = u == "\r" }
            if u == "\r" { out.append("\n"); continue }
            if u == "\n" && lastWasCR { continue }
            if u == "\u{2028}" || u == "\u{2029}" { out.append("\n"); continue }
            if isRemoved(u) { continue }
            out.append(u)
        }
        return String(out)
    }

    /// `sanitized`, with every run of whitespace (tabs and newlines included) made one space, ends trimmed.
    public static func singleLine(_ text: String) -> String {
        sanitized(text).collapsingWhitespace
    }

    /// True for a scalar `sanitized` removes.
    public static func isRemoved(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x09, 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        case 0x200B, 0x2060...0x2064, 0x206A...0x206F, 0xFEFF, 0x00AD, 0x180E, 0xFFF9...0xFFFB, 0xFFFE, 0xFFFF:
            return true
        default: return false
        }
    }
}

extension BookMetadata {
    /// Title, author, narrator, publisher and date made safe for tags (`TagText.singleLine`), the description
    /// sanitized (`TagText.sanitized`); one left empty becomes nil, an empty title `fallbackTitle`.
    func sanitizedForTags(fallbackTitle: String) -> BookMetadata {
        var m = self
        let t = TagText.singleLine(title)
        m.title = t.isEmpty ? fallbackTitle : t
        m.author = author.map(TagText.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        m.narrator = narrator.map(TagText.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        m.publisher = publisher.map(TagText.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        m.date = date.map(TagText.singleLine).flatMap { $0.isEmpty ? nil : $0 }
        m.description = description.map { TagText.sanitized($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            .flatMap { $0.isEmpty ? nil : $0 }
        return m
    }
}
