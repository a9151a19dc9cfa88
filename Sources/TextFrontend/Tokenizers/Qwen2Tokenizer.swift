// Qwen2 byte-level BPE tokenizer (Qwen2TokenizerFast as Qwen3-TTS loads it), from a directory with
// vocab.json + merges.txt and the added tokens of tokenizer.json (when present) or of
// tokenizer_config.json's added_tokens_decoder. Pipeline (tokenizers 0.22):
//   added tokens split out of the raw text → NFC → Split(regex, Isolated) → ByteLevel → BPE by merge rank.
// No BOS/EOS is added. Decoding: added tokens by content, the rest through the ByteLevel decoder,
// then lossy UTF-8.
import Foundation
import Logging

public final class Qwen2Tokenizer: Sendable {
    private static let logger = Logger(label: "bookvox.textfrontend.qwen2-tokenizer")

    public let directory: String
    public let preTokenizerRegex: Qwen2PreTokenizerRegex
    public let addedTokens: [AddedToken]
    private let bpe: ByteLevelBPE
    private let preTokenizer: Qwen2PreTokenizer
    private let rawMatcher: AddedTokenMatcher         // normalized == false
    private let normalizedMatcher: AddedTokenMatcher  // normalized == true
    private let idToToken: [Int: String]
    private let addedByContent: [String: Int]
    private let addedByID: [Int: AddedToken]
    private let vocab: [String: Int]

    /// Loads `directory`; `preTokenizerRegex` picks the Split regex (see Qwen2PreTokenizer).
    public init(directory: String, preTokenizerRegex: Qwen2PreTokenizerRegex = .qwen2) throws {
        self.directory = directory
        self.preTokenizerRegex = preTokenizerRegex
        let dir = URL(fileURLWithPath: directory)
        let vocabPath = dir.appendingPathComponent("vocab.json").path
        let mergesPath = dir.appendingPathComponent("merges.txt").path
        let tokenizerJSON = dir.appendingPathComponent("tokenizer.json").path
        let configJSON = dir.appendingPathComponent("tokenizer_config.json").path
        let vocab: [String: Int]
        let merges: [(String, String)]
        if !FileManager.default.fileExists(atPath: vocabPath) && FileManager.default.fileExists(atPath: tokenizerJSON) {
            (vocab, merges) = try Qwen2TokenizerFiles.readModelFromTokenizerJSON(tokenizerJSON)
        } else {
            vocab = try Qwen2TokenizerFiles.readVocab(vocabPath)
            merges = try Qwen2TokenizerFiles.readMerges(mergesPath)
        }
        var ignoreMerges = false
        var added: [AddedToken] = []
        if FileManager.default.fileExists(atPath: tokenizerJSON) {
            (added, ignoreMerges) = try Qwen2TokenizerFiles.readTokenizerJSON(tokenizerJSON)
        } else if FileManager.default.fileExists(atPath: configJSON) {
            added = try Qwen2TokenizerFiles.readAddedTokensDecoder(configJSON)
        } else {
            Self.logger.warning("\(directory) has neither tokenizer.json nor tokenizer_config.json: no added tokens")
        }
        bpe = try ByteLevelBPE(vocab: vocab, merges: merges, ignoreMerges: ignoreMerges, path: mergesPath)
        preTokenizer = Qwen2PreTokenizer(regex: preTokenizerRegex)
        addedTokens = added.sorted { $0.id < $1.id }
        rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized })
        normalizedMatcher = AddedTokenMatcher(added.filter { $0.normalized }.map {
            var t = $0
            t.content = $0.content.precomposedStringWithCanonicalMapping
            return t
        })
        var reverse: [Int: String] = [:]
        reverse.reserveCapacity(vocab.count)
        for (token, id) in vocab { reverse[id] = token }
        idToToken = reverse
        addedByContent = Dictionary(added.map { ($0.content, $0.id) }, uniquingKeysWith: { a, _ in a })
        addedByID = Dictionary(added.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        self.vocab = vocab
    }

    /// Size of the BPE vocabulary without added tokens (151 643 for the real checkpoints).
    public var baseVocabularySize: Int { vocab.count }

    /// The id of an added/special token (e.g. "<|im_start|>") or of a vocabulary token string.
    public func tokenID(_ special: String) -> Int? { addedByContent[special] ?? vocab[special] }

    /// The token string of `id` (added-token content or byte-level vocabulary string).
    public func token(_ id: Int) -> String? { addedByID[id]?.content ?? idToToken[id] }

    /// Token ids of `text` (tokenizer(text)["input_ids"], no special tokens added).
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        let utf8 = Array(text.utf8)
        for piece in rawMatcher.split(utf8) {
            if let id = piece.id {
                ids.append(id)
                continue
            }
            let normalized = String(decoding: utf8[piece.range], as: UTF8.self).precomposedStringWithCanonicalMapping
            let nbytes = Array(normalized.utf8)
            for sub in normalizedMatcher.split(nbytes) {
                if let id = sub.id {
                    ids.append(id)
                } else {
                    encodeOrdinary(nbytes[sub.range], into: &ids)
                }
            }
        }
        return ids
    }

    /// Pre-tokenize and BPE one stretch of normalized text that holds no added token.
    private func encodeOrdinary(_ bytes: ArraySlice<UInt8>, into ids: inout [Int]) {
        let scalars = Array(String(decoding: bytes, as: UTF8.self).unicodeScalars)
        var offsets = [Int](repeating: 0, count: scalars.count + 1)  // byte offset of each scalar
        var o = bytes.startIndex
        for (i, s) in scalars.enumerated() {
            offsets[i] = o
            o += UTF8.width(s)
        }
        offsets[scalars.count] = o
        for r in preTokenizer.split(scalars) {
            bpe.encode(bytes[offsets[r.lowerBound]..<offsets[r.upperBound]], into: &ids)
        }
    }

    /// The pre-tokens of `text` (after NFC), as strings; for inspection and tests.
    public func preTokenize(_ text: String) -> [String] {
        let scalars = Array(text.precomposedStringWithCanonicalMapping.unicodeScalars)
        return preTokenizer.split(scalars).map { r in
            var v = String.UnicodeScalarView()
            v.append(contentsOf: scalars[r])
            return String(v)
        }
    }

    /// tokenizer.decode(ids, skip_special_tokens:). Unknown ids are skipped (as tokenizers does).
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            if let added = addedByID[id] {
                if skipSpecialTokens && added.special { continue }
                bytes.append(contentsOf: ByteLevelBPE.decodeToken(added.content))
            } else if let token = idToToken[id] {
                bytes.append(contentsOf: ByteLevelBPE.decodeToken(token))
            } else {
                Self.logger.warning("decode: id \(id) is not in the vocabulary; skipped")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
