// The Whisper fields of the published generation_config.json (transformers' WhisperGenerationMixin reads the
// same keys): special ids, the alignment heads for word timestamps, the suppression lists and the language /
// task token tables of multilingual models.
import Foundation

public struct WhisperGenerationConfig: Decodable, Sendable, Equatable {
    /// [layer, head] pairs of the cross-attention heads used for word alignment; nil = openai-whisper's default
    /// (every head of the last half of the decoder layers).
    public var alignmentHeads: [[Int]]?
    public var beginSuppressTokens: [Int]?
    public var suppressTokens: [Int]?
    public var decoderStartTokenId: Int
    public var eosTokenId: Int
    public var noTimestampsTokenId: Int
    public var prevSotTokenId: Int?
    public var isMultilingual: Bool?
    /// "<|en|>" → id (multilingual models).
    public var langToId: [String: Int]?
    /// "transcribe" / "translate" → id (multilingual models).
    public var taskToId: [String: Int]?
    public var maxInitialTimestampIndex: Int?

    enum CodingKeys: String, CodingKey {
        case alignmentHeads = "alignment_heads", beginSuppressTokens = "begin_suppress_tokens", suppressTokens = "suppress_tokens"
        case decoderStartTokenId = "decoder_start_token_id", eosTokenId = "eos_token_id"
        case noTimestampsTokenId = "no_timestamps_token_id", prevSotTokenId = "prev_sot_token_id"
        case isMultilingual = "is_multilingual", langToId = "lang_to_id", taskToId = "task_to_id"
        case maxInitialTimestampIndex = "max_initial_timestamp_index"
    }

    public static func load(path: String) throws -> WhisperGenerationConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WhisperError.modelFile(path: path, problem: "cannot read it", fix: "download the model again (bookvox models download)")
        }
        do { return try JSONDecoder().decode(WhisperGenerationConfig.self, from: data) } catch {
            throw WhisperError.config("\(path) is not a Whisper generation_config.json: \(error)")
        }
    }
}
