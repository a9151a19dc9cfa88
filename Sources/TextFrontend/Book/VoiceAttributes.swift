// Voice assignments written in Markdown: a heading attribute (`# Chapter 2 {voice=elizabeth}`, also with an id or
// classes: `{#ch2 .x voice="elizabeth"}`) and fenced divs (`::: {voice=elizabeth}` or `::: voice=elizabeth` … `:::`).
// Only attribute blocks that assign a voice are markup; any other `{…}` after a heading is read as text, as before.
import Foundation

enum VoiceAttributes {
    private static let voiceAttribute = Pattern(#"(?:^|[\s{])voice[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s}"']+))"#)
    private static let trailingBlock = Pattern(#"[ \t]*\{([^{}]*)\}[ \t]*$"#)
    private static let divLine = Pattern(#"^ {0,3}(:{3,})[ \t]*(.*?)[ \t]*$"#)

    /// The voice a `key=value` attribute list assigns, if any.
    static func voice(inAttributes s: String) -> String? {
        guard let g = voiceAttribute.firstMatch(s) else { return nil }
        return (g[1] ?? g[2] ?? g[3]).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A heading's text without a trailing attribute block that assigns a voice, and that voice.
    static func heading(_ text: String) -> (text: String, voice: String?) {
        guard let g = trailingBlock.firstMatch(text), let inner = g[1], let voice = voice(inAttributes: inner),
              let whole = g[0] else { return (text, nil) }
        return (String(text.dropLast(whole.count)), voice)
    }

    /// A fenced div line: `:::` (closing, or opening a div without attributes) or `::: attributes`.
    struct DivFence {
        /// The voice the opening line assigns.
        var voice: String?
        /// Only colons: closes the innermost open div.
        var isBare: Bool
    }

    static func divFence(_ line: String) -> DivFence? {
        guard line.contains(":::"), let g = divLine.firstMatch(line) else { return nil }
        let rest = g[2] ?? ""
        if rest.isEmpty { return DivFence(voice: nil, isBare: true) }
        if rest.allSatisfy({ $0 == ":" }) { return DivFence(voice: nil, isBare: true) }
        return DivFence(voice: voice(inAttributes: rest), isBare: false)
    }
}
