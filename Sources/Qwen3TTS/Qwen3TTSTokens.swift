// Named special ids of the two talker input tracks, read from config.json (never literals):
//   text track  — <|im_start|>, <|im_end|>, <tts_pad>, <tts_text_bos>, <tts_text_eod> (top level of config.json);
//   codec track — codec pad/bos/eos and the think / nothink / think_bos / think_eos tags, language and
//                 speaker ids (talker_config).
// Also the chat-template layout the prompt slices rely on (qwen_tts Qwen3TTSModel._build_*_text):
//   target    "<|im_start|>assistant\n{text}<|im_end|>\n<|im_start|>assistant\n" → role = ids[0..<3],
//             content = ids[3..<n−5];
//   reference "<|im_start|>assistant\n{ref}<|im_end|>\n"                         → content = ids[3..<n−2];
//   instruct  "<|im_start|>user\n{instruct}<|im_end|>\n"                          → used whole.
import Foundation

public struct Qwen3TTSTokens: Sendable {
    // Text track.
    public let imStart: Int
    public let imEnd: Int
    public let ttsPad: Int
    public let ttsBos: Int
    public let ttsEos: Int
    // Codec track.
    public let codecPad: Int
    public let codecBos: Int
    public let codecEos: Int
    public let codecThink: Int
    public let codecNothink: Int
    public let codecThinkBos: Int
    public let codecThinkEos: Int
    public let languages: [String: Int]
    public let speakers: [String: Int]
    /// Speaker name → dialect key in `languages`, for speakers whose `spk_is_dialect` is not false.
    public let speakerDialects: [String: String]

    /// `<|im_start|>`, role, `\n` opening every template.
    public static let rolePrefixCount = 3
    /// `<|im_end|>`, `\n`, `<|im_start|>`, `assistant`, `\n` closing the target text.
    public static let targetSuffixCount = 5
    /// `<|im_end|>`, `\n` closing the reference transcript.
    public static let referenceSuffixCount = 2

    public init(config: Qwen3TTSConfig) {
        let t = config.talkerConfig
        imStart = config.imStartTokenId
        imEnd = config.imEndTokenId
        ttsPad = config.ttsPadTokenId
        ttsBos = config.ttsBosTokenId
        ttsEos = config.ttsEosTokenId
        codecPad = t.codecPadId
        codecBos = t.codecBosId
        codecEos = t.codecEosTokenId
        codecThink = t.codecThinkId
        codecNothink = t.codecNothinkId
        codecThinkBos = t.codecThinkBosId
        codecThinkEos = t.codecThinkEosId
        languages = t.codecLanguageId ?? [:]
        speakers = (t.spkId ?? [:]).mapValues(\.id)
        var dialects: [String: String] = [:]
        for (name, d) in t.spkIsDialect ?? [:] { if case let .dialect(key) = d { dialects[name] = key } }
        speakerDialects = dialects
    }

    /// The content ids of a chat-wrapped target text (ids[3..<n−5]), after checking the template tokens.
    public func targetContent(_ ids: [Int]) throws -> ArraySlice<Int> {
        let n = ids.count, p = Self.rolePrefixCount, s = Self.targetSuffixCount
        guard n >= p + s + 1, ids[0] == imStart, ids[n - s] == imEnd, ids[n - 3] == imStart else {
            throw Qwen3TTSError.malformedIds(what: "the target text ids",
                                             expected: "<|im_start|>(\(imStart)) assistant \\n, ≥ 1 text id, <|im_end|>(\(imEnd)) \\n "
                                                 + "<|im_start|>(\(imStart)) assistant \\n", found: ids)
        }
        return ids[p..<(n - s)]
    }

    /// The content ids of a chat-wrapped reference transcript (ids[3..<n−2]).
    public func referenceContent(_ ids: [Int]) throws -> ArraySlice<Int> {
        let n = ids.count, p = Self.rolePrefixCount, s = Self.referenceSuffixCount
        guard n >= p + s, ids[0] == imStart, ids[n - s] == imEnd else {
            throw Qwen3TTSError.malformedIds(what: "the reference transcript ids",
                                             expected: "<|im_start|>(\(imStart)) assistant \\n, text ids, <|im_end|>(\(imEnd)) \\n", found: ids)
        }
        return ids[p..<(n - s)]
    }

    /// Codec-track tag ids before the speaker row: `[nothink, think_bos, think_eos]` for "auto",
    /// `[think, think_bos, language, think_eos]` otherwise. A preset speaker with a dialect turns
    /// "auto" and "chinese" into the dialect's language id.
    public func codecPrefix(language: String, presetSpeaker: String?) throws -> [Int] {
        let lang = language.lowercased()
        var languageId: Int?
        if lang != "auto" {
            guard let id = languages[lang] else { throw Qwen3TTSError.unknownLanguage(language, known: Array(languages.keys)) }
            languageId = id
        }
        if let speaker = presetSpeaker?.lowercased(), !speaker.isEmpty, lang == "auto" || lang == "chinese",
           let dialect = speakerDialects[speaker] {
            guard let id = languages[dialect] else {
                throw Qwen3TTSError.config("speaker '\(speaker)' has dialect '\(dialect)', which codec_language_id lacks")
            }
            languageId = id
        }
        if let languageId { return [codecThink, codecThinkBos, languageId, codecThinkEos] }
        return [codecNothink, codecThinkBos, codecThinkEos]
    }
}
