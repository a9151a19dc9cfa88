// Whisper's tokenizer: openai-whisper tokenizer.py (Tokenizer, get_tokenizer) over the published HF tokenizer
// files (TextFrontend.GPT2Tokenizer). Special ids are looked up by content in the added tokens, as openai's
// Tokenizer looks them up in its tiktoken special tokens, and must agree with generation_config.json.
//   * is_multilingual = n_vocab ≥ 51865; num_languages = n_vocab − 51765 − is_multilingual (model.py);
//   * sot_sequence = [sot] for English-only models, [sot, <|lang|>, <|task|>] for multilingual ones;
//   * decode drops ids ≥ timestamp_begin; decode_with_timestamps writes them as "<|%.2f|>";
//   * non_speech_tokens and split_to_word_tokens (split_tokens_on_unicode / split_tokens_on_spaces).
import Foundation
import TextFrontend

public struct WhisperTokenizer: Sendable {
    /// openai-whisper's LANGUAGES keys, in order (the language tokens follow <|startoftranscript|> in this order).
    public static let languageCodes: [String] = [
        "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi",
        "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk",
        "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
        "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo",
        "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
    ]

    public enum Task: String, Sendable { case transcribe, translate }

    public let bpe: GPT2Tokenizer
    public let isMultilingual: Bool
    public let numLanguages: Int
    public let eot: Int
    public let sot: Int
    public let translate: Int
    public let transcribe: Int
    public let sotLM: Int
    public let sotPrev: Int
    public let noSpeech: Int
    public let noTimestamps: Int
    public let timestampBegin: Int
    /// The language codes this model has tokens for (LANGUAGES[:num_languages]); token id = sot + 1 + index.
    public var languages: [String] { Array(Self.languageCodes.prefix(numLanguages)) }

    public init(bpe: GPT2Tokenizer, vocabSize: Int, generation: WhisperGenerationConfig) throws {
        self.bpe = bpe
        isMultilingual = vocabSize >= 51865
        numLanguages = vocabSize - 51765 - (isMultilingual ? 1 : 0)
        guard numLanguages > 0, numLanguages <= Self.languageCodes.count else {
            throw WhisperError.config("vocab_size \(vocabSize) gives \(numLanguages) languages; Whisper vocabularies have 51864–51866 ids")
        }
        if let m = generation.isMultilingual, m != isMultilingual {
            throw WhisperError.config("generation_config.json says is_multilingual \(m) but vocab_size \(vocabSize) means \(isMultilingual)")
        }
        func id(_ names: String...) throws -> Int {
            for n in names { if let i = bpe.tokenID(n) { return i } }
            throw WhisperError.token("the tokenizer files have no \(names.joined(separator: " / ")) token")
        }
        eot = try id("<|endoftext|>")
        sot = try id("<|startoftranscript|>")
        translate = try id("<|translate|>")
        transcribe = try id("<|transcribe|>")
        sotLM = try id("<|startoflm|>")
        sotPrev = try id("<|startofprev|>")
        noSpeech = try id("<|nospeech|>", "<|nocaptions|>")
        noTimestamps = try id("<|notimestamps|>")
        timestampBegin = noTimestamps + 1
        if let t0 = bpe.tokenID("<|0.00|>"), t0 != timestampBegin {
            throw WhisperError.token("<|0.00|> is id \(t0), expected <|notimestamps|> + 1 = \(timestampBegin)")
        }
        let checks: [(String, Int?, Int)] = [
            ("eos_token_id", generation.eosTokenId, eot), ("decoder_start_token_id", generation.decoderStartTokenId, sot),
            ("no_timestamps_token_id", generation.noTimestampsTokenId, noTimestamps), ("prev_sot_token_id", generation.prevSotTokenId, sotPrev),
            ("task_to_id.transcribe", generation.taskToId?["transcribe"], transcribe),
            ("task_to_id.translate", generation.taskToId?["translate"], translate),
        ]
        for (key, given, found) in checks {
            if let g = given, g != found {
                throw WhisperError.config("generation_config.json \(key) is \(g) but the tokenizer files give \(found)")
            }
        }
        for (i, code) in Self.languageCodes.prefix(numLanguages).enumerated() {
            let tokenID = sot + 1 + i
            if let t = bpe.tokenID("<|\(code)|>"), t != tokenID {
                throw WhisperError.token("<|\(code)|> is id \(t), expected <|startoftranscript|> + \(1 + i) = \(tokenID)")
            }
            if let g = generation.langToId?["<|\(code)|>"], g != tokenID {
                throw WhisperError.config("generation_config.json lang_to_id <|\(code)|> is \(g), expected \(tokenID)")
            }
        }
    }

    /// Token id of a language code (e.g. "en").
    public func languageToken(_ code: String) throws -> Int {
        guard let i = languages.firstIndex(of: code) else {
            throw WhisperError.input("language '\(code)' is not one of this model's \(numLanguages) languages: \(languages.joined(separator: ", "))")
        }
        return sot + 1 + i
    }

    /// The language code of a language token id, or nil.
    public func languageCode(ofToken id: Int) -> String? {
        let i = id - sot - 1
        return i >= 0 && i < numLanguages ? languages[i] : nil
    }

    /// All language tokens (all_language_tokens).
    public var languageTokens: [Int] { (0..<numLanguages).map { sot + 1 + $0 } }

    /// openai Tokenizer.sot_sequence for the language/task (English-only models: [sot]).
    public func sotSequence(language: String?, task: Task) throws -> [Int] {
        guard isMultilingual else { return [sot] }
        return [sot, try languageToken(language ?? "en"), task == .transcribe ? transcribe : translate]
    }

    /// Ids of ordinary text (tiktoken encode).
    public func encode(_ text: String) -> [Int] { bpe.encode(text) }

    /// decode(): text of the ids below timestamp_begin.
    public func decode(_ ids: [Int]) throws -> String { try bpe.decode(ids.filter { $0 < timestampBegin }) }

    /// decode_with_timestamps(): timestamp ids as "<|1.08|>" (tiktoken's special-token text).
    public func decodeWithTimestamps(_ ids: [Int]) throws -> String {
        String(decoding: try bytesWithTimestamps(ids), as: UTF8.self)
    }

    func bytesWithTimestamps(_ ids: [Int]) throws -> [UInt8] {
        var out: [UInt8] = []
        for id in ids {
            if id >= timestampBegin {
                out += Array(Self.timestampText(id - timestampBegin).utf8)
            } else {
                guard let b = bpe.bytes(of: id) else { throw WhisperError.token("id \(id) is not in the vocabulary") }
                out += b
            }
        }
        return out
    }

    /// f"<|{i * 0.02:.2f}|>" (Python formats the float64 product, correctly rounded).
    static func timestampText(_ i: Int) -> String { "<|" + String(format: "%.2f", Double(i) * 0.02) + "|>" }

    /// Tokenizer.non_speech_tokens: symbols that are one token alone or after a space, the first token of the
    /// U+2640…U+267F music symbols, and the leading " -" and " '" tokens.
    public var nonSpeechTokens: [Int] {
        var symbols = "\"#()*+/:;<=>@[\\]^_`{|}~「」『』".map { String($0) }
        symbols += "<< >> <<< >>> -- --- -( -[ (' (\" (( )) ((( ))) [[ ]] {{ }} ♪♪ ♪♪♪".split(separator: " ").map(String.init)
        let miscellaneous = Set("♩♪♫♬♭♮♯".map { String($0) })
        var result = Set<Int>()
        if let a = encode(" -").first { result.insert(a) }
        if let b = encode(" '").first { result.insert(b) }
        for symbol in symbols + miscellaneous.sorted() {
            for tokens in [encode(symbol), encode(" " + symbol)] where tokens.count == 1 || miscellaneous.contains(symbol) {
                if let first = tokens.first { result.insert(first) }
            }
        }
        return result.sorted()
    }

    /// split_to_word_tokens: on unicode boundaries for zh/ja/th/lo/my/yue, else on spaces.
    public func splitToWordTokens(_ tokens: [Int], language: String?) throws -> (words: [String], tokens: [[Int]]) {
        if let l = language, ["zh", "ja", "th", "lo", "my", "yue"].contains(l) { return try splitOnUnicode(tokens) }
        return try splitOnSpaces(tokens)
    }

    /// split_tokens_on_unicode: a word ends wherever the ids decoded so far hold no U+FFFD that the full
    /// decode does not also hold at the same position.
    func splitOnUnicode(_ tokens: [Int]) throws -> (words: [String], tokens: [[Int]]) {
        let full = Array(try decodeWithTimestamps(tokens).unicodeScalars)
        let replacement: Unicode.Scalar = "\u{FFFD}"
        var words: [String] = [], wordTokens: [[Int]] = [], current: [Int] = []
        var offset = 0
        for t in tokens {
            current.append(t)
            let decoded = Array(try decodeWithTimestamps(current).unicodeScalars)
            let firstBad = decoded.firstIndex(of: replacement)
            if firstBad == nil || (offset + firstBad! < full.count && full[offset + firstBad!] == replacement) {
                var v = String.UnicodeScalarView()
                v.append(contentsOf: decoded)
                words.append(String(v))
                wordTokens.append(current)
                current = []
                offset += decoded.count
            }
        }
        return (words, wordTokens)
    }

    /// split_tokens_on_spaces: unicode pieces joined into words; a piece starts a new word when it is special
    /// (id ≥ eot), starts with a space, or its stripped text is a substring of string.punctuation.
    func splitOnSpaces(_ tokens: [Int]) throws -> (words: [String], tokens: [[Int]]) {
        let (subwords, subwordTokens) = try splitOnUnicode(tokens)
        var words: [String] = [], wordTokens: [[Int]] = []
        for (sub, ids) in zip(subwords, subwordTokens) {
            let special = ids[0] >= eot
            let withSpace = sub.unicodeScalars.first == " "
            let punctuation = PythonText.isSubstring(PythonText.strip(sub), of: PythonText.asciiPunctuation)
            if special || withSpace || punctuation || words.isEmpty {
                words.append(sub)
                wordTokens.append(ids)
            } else {
                words[words.count - 1] += sub
                wordTokens[wordTokens.count - 1] += ids
            }
        }
        return (words, wordTokens)
    }
}
