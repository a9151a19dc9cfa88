// transformers `EncodecFeatureExtractor` as the 12 Hz tokenizer uses it (preprocessor_config.json:
// feature_size 1, padding_value 0, padding_side "right", no chunking, return_attention_mask true, called with
// the default padding=True): it only pads a batch of mono clips to the longest one and returns the mask.
//   input_values[b] = clip_b followed by padding_value up to the longest length      (B, 1, N) in the original
//   padding_mask[b] = 1 for the clip's samples, 0 for the padding                    (B, N)
import Foundation

public struct Qwen3EncodecFeatureExtractor: Decodable, Sendable {
    public var featureSize: Int
    public var samplingRate: Int
    public var paddingValue: Float
    public var paddingSide: String

    enum CodingKeys: String, CodingKey {
        case featureSize = "feature_size", samplingRate = "sampling_rate", paddingValue = "padding_value"
        case paddingSide = "padding_side"
    }

    public init(featureSize: Int = 1, samplingRate: Int = 24000, paddingValue: Float = 0, paddingSide: String = "right") {
        self.featureSize = featureSize
        self.samplingRate = samplingRate
        self.paddingValue = paddingValue
        self.paddingSide = paddingSide
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        featureSize = try c.decodeIfPresent(Int.self, forKey: .featureSize) ?? 1
        samplingRate = try c.decodeIfPresent(Int.self, forKey: .samplingRate) ?? 24000
        paddingValue = try c.decodeIfPresent(Float.self, forKey: .paddingValue) ?? 0
        paddingSide = try c.decodeIfPresent(String.self, forKey: .paddingSide) ?? "right"
    }

    /// Reads `speech_tokenizer/preprocessor_config.json`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3CodecError.invalidConfig(key: path, reason: "cannot read the feature extractor config file")
        }
        self = try JSONDecoder().decode(Qwen3EncodecFeatureExtractor.self, from: data)
    }

    public struct Batch: Sendable {
        /// One padded row per clip, all the same length.
        public var inputValues: [[Float]]
        /// 1 for real samples, 0 for padding.
        public var paddingMask: [[Int64]]
    }

    /// Pads mono clips at `samplingRate` to a common length.
    public func callAsFunction(_ clips: [[Float]], samplingRate rate: Int) throws -> Batch {
        guard featureSize == 1 else {
            throw Qwen3CodecError.invalidConfig(key: "feature_size", reason: "only mono (1) is supported, found \(featureSize)")
        }
        guard rate == samplingRate else {
            throw Qwen3CodecError.invalidConfig(key: "sampling_rate",
                                                reason: "audio at \(rate) Hz given to a \(samplingRate) Hz feature extractor; resample first")
        }
        guard paddingSide == "right" || paddingSide == "left" else {
            throw Qwen3CodecError.invalidConfig(key: "padding_side", reason: "must be \"right\" or \"left\", found \"\(paddingSide)\"")
        }
        guard !clips.isEmpty else { throw Qwen3CodecError.emptyInput("the audio batch") }
        let longest = clips.map(\.count).max() ?? 0
        var batch = Batch(inputValues: [], paddingMask: [])
        for clip in clips {
            let pad = [Float](repeating: paddingValue, count: longest - clip.count)
            let ones = [Int64](repeating: 1, count: clip.count), zeros = [Int64](repeating: 0, count: pad.count)
            let right = paddingSide == "right"
            batch.inputValues.append(right ? clip + pad : pad + clip)
            batch.paddingMask.append(right ? ones + zeros : zeros + ones)
        }
        return batch
    }
}
