// The byte-level BPE tokenizer of Whisper's published Hugging Face layout (transformers' slow
// WhisperTokenizer files): vocab.json + merges.txt for the GPT-2 / multilingual BPE, and the added tokens
// (<|endoftext|>, <|startoftranscript|>, language, task and timestamp tokens) from tokenizer_config.json's
// added_tokens_decoder and/or added_tokens.json.
//
// Encoding follows openai-whisper's tiktoken encoding of ordinary text: GPT-2 pre-tokenizer regex
// (GPT2PreTokenizer), UTF-8 bytes, BPE by merge rank; added-token strings in the text are NOT matched
// (tiktoken's `allowed_special=set()` with `disallowed_special=()`). Decoding maps every id to its bytes
// (added tokens to their content's UTF-8) and decodes UTF-8 with U+FFFD for invalid sequences, as
// tiktoken's decode(errors="replace").
import Foundation

public final class GPT2Tokenizer: Sendable {
    public let directory: String
    /// Added tokens by id (content, special flag).
    public let addedTokens: [Int: AddedToken]
    private let addedByContent: [String: Int]
    private let bpe: ByteLevelBPE
    private let preTokenizer = GPT2PreTokenizer()
    private let idToBytes: [Int: [UInt8]]
    private let vocab: [String: Int]

    public init(directory: String) throws {
        self.directory = directory
        let dir = URL(fileURLWithPath: directory)
        let vocabPath = dir.appendingPathComponent("vocab.json").path
        let mergesPath = dir.appendingPathComponent("merges.txt").path
        let vocab = try Qwen2TokenizerFiles.readVocab(vocabPath)
        let merges = try Qwen2TokenizerFiles.readMerges(mergesPath)
        bpe = try ByteLevelBPE(vocab: vocab, merges: merges, ignoreMerges: false, path: mergesPath)
        var added: [Int: AddedToken] = [:]
        let configPath = dir.appendingPathComponent("tokenizer_config.json").path
        let addedPath = dir.appendingPathComponent("added_tokens.json").path
        if FileManager.default.fileExists(atPath: configPath) {
            for t in try Qwen2TokenizerFiles.readAddedTokensDecoder(configPath) { added[t.id] = t }
        }
        if FileManager.default.fileExists(atPath: addedPath) {
            for (content, value) in try Qwen2TokenizerFiles.readJSONObject(addedPath) {
                guard let id = (value as? NSNumber)?.intValue else {
                    throw TokenizerError.malformedFile(path: addedPath, reason: "the id of '\(content)' is not an integer")
                }
                if let known = added[id], known.content != content {
                    throw TokenizerError.malformedFile(
                        path: addedPath, reason: "id \(id) is '\(content)' here but '\(known.content)' in tokenizer_config.json")
                }
                if added[id] == nil { added[id] = AddedToken(id: id, content: content, special: false) }
            }
        }
        guard !added.isEmpty else {
            throw TokenizerError.malformedFile(
                path: directory, reason: "no added tokens found (expected tokenizer_config.json with added_tokens_decoder or added_tokens.json)")
        }
        addedTokens = added
        addedByContent = Dictionary(added.values.map { ($0.content, $0.id) }, uniquingKeysWith: { a, b in min(a, b) })
        var bytes: [Int: [UInt8]] = [:]
        bytes.reserveCapacity(vocab.count + added.count)
        for (token, id) in vocab { bytes[id] = ByteLevelBPE.decodeToken(token) }
        for (id, t) in added { bytes[id] = Array(t.content.utf8) }
        idToBytes = bytes
        self.vocab = vocab
    }

    /// Number of ids (vocabulary plus added tokens not in the vocabulary).
    public var count: Int { idToBytes.count }

    /// The id of an added token (e.g. "<|startoftranscript|>") or of a byte-level vocabulary string.
    public func tokenID(_ content: String) -> Int? { addedByContent[content] ?? vocab[content] }

    /// Ids of ordinary `text` (no added-token matching), as tiktoken's encode(text, disallowed_special=()).
    public func encode(_ text: String) -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var offsets = [Int](repeating: 0, count: scalars.count + 1)
        var o = 0
        for (i, s) in scalars.enumerated() {
            offsets[i] = o
            o += UTF8.width(s)
        }
        offsets[scalars.count] = o
        let bytes = Array(text.utf8)
        var ids: [Int] = []
        for r in preTokenizer.split(scalars) {
            bpe.encode(bytes[offsets[r.lowerBound]..<offsets[r.upperBound]], into: &ids)
        }
        return ids
    }

    /// The pre-tokens of `text` (inspection and tests).
    public func preTokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return preTokenizer.split(scalars).map { r in
            var v = String.UnicodeScalarView()
            v.append(contentsOf: scalars[r])
            return String(v)
        }
    }

    /// The bytes of one id, or nil for an id outside the vocabulary.
    public func bytes(of id: Int) -> [UInt8]? { idToBytes[id] }

    /// Concatenated bytes of `ids`; throws on an unknown id.
    public func decodeBytes(_ ids: [Int]) throws -> [UInt8] {
        var out: [UInt8] = []
        for id in ids {
            guard let b = idToBytes[id] else {
                throw TokenizerError.malformedFile(path: directory, reason: "token id \(id) is not in the vocabulary")
            }
            out += b
        }
        return out
    }

    /// UTF-8 text of `ids`, invalid sequences replaced by U+FFFD (tiktoken decode, errors="replace").
    public func decode(_ ids: [Int]) throws -> String { String(decoding: try decodeBytes(ids), as: UTF8.self) }
}
