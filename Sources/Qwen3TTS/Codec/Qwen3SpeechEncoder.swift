// Reference-audio → codes for Qwen3-TTS voice cloning (ICL), as `Qwen3TTSTokenizer.encode(audio, sr=24000)`
// does it for one clip: EncodecFeatureExtractor → Qwen3TTSTokenizerV2Model.encode → audio_codes[0] (frames × 16).
//
// Loads the published layout: `<model>/speech_tokenizer/{config.json, preprocessor_config.json,
// model.safetensors}` (or that folder itself). Loading is strict: every `encoder.*` key is read with its exact
// shape or named in `Qwen3CodecEncoder.ignoredKeys`; the only other component in the file, the decoder
// (`decoder.*`), is left by name to `Qwen3CodecDecoder`, which loads it through its own scope; any other key
// fails the load.
import Foundation
import Neural

public final class Qwen3SpeechEncoder: @unchecked Sendable {
    public let encoder: Qwen3CodecEncoder
    public let featureExtractor: Qwen3EncodecFeatureExtractor

    /// Key prefixes of the speech tokenizer file owned by other components.
    public static let otherComponentPrefixes = ["decoder."]

    public init(encoder: Qwen3CodecEncoder, featureExtractor: Qwen3EncodecFeatureExtractor) {
        self.encoder = encoder
        self.featureExtractor = featureExtractor
    }

    /// `directory` is a Qwen3-TTS model folder (holding `speech_tokenizer/`) or the `speech_tokenizer` folder.
    public convenience init(modelDirectory directory: URL) throws {
        let dir = Self.tokenizerDirectory(directory)
        let settings = try Qwen3SpeechEncoderSettings(path: dir.appendingPathComponent("config.json").path)
        let extractor = try Qwen3EncodecFeatureExtractor(path: dir.appendingPathComponent("preprocessor_config.json").path)
        guard extractor.samplingRate == settings.inputSampleRate else {
            throw Qwen3CodecError.invalidConfig(key: "preprocessor_config.json sampling_rate",
                                                reason: "\(extractor.samplingRate) differs from input_sample_rate \(settings.inputSampleRate)")
        }
        let store = try WeightStore(path: dir.appendingPathComponent("model.safetensors").path)
        self.init(encoder: try Self.loadEncoder(settings: settings, store: store), featureExtractor: extractor)
    }

    /// Builds the encoder from the keys under `encoder.` of a speech tokenizer checkpoint and checks that every
    /// other key is either encode-unused (named by `Qwen3CodecEncoder.ignoredKeys`) or under a prefix of
    /// `otherComponentPrefixes`.
    public static func loadEncoder(settings: Qwen3SpeechEncoderSettings, store: WeightStore) throws -> Qwen3CodecEncoder {
        let encoder = try Qwen3CodecEncoder(settings: settings, weights: store.scope(Qwen3CodecEncoder.weightPrefix))
        try store.finish(ignoring: Qwen3CodecEncoder.ignoredKeys(settings: settings, store: store) + otherComponentPrefixes)
        return encoder
    }

    /// The folder holding the speech tokenizer files.
    public static func tokenizerDirectory(_ directory: URL) -> URL {
        let nested = directory.appendingPathComponent("speech_tokenizer")
        let nestedConfig = nested.appendingPathComponent("config.json")
        return FileManager.default.fileExists(atPath: nestedConfig.path) ? nested : directory
    }

    /// Sample rate the encoder expects (24 kHz); resample before calling `encode`.
    public var sampleRate: Int { featureExtractor.samplingRate }

    /// Mono audio at `sampleRate` → codes (frames × encoder_valid_num_quantizers), frames = ⌈samples / 1920⌉.
    public func encode(audio24k: [Float]) throws -> [[Int32]] {
        let batch = try featureExtractor([audio24k], samplingRate: featureExtractor.samplingRate)
        let out = try encoder.encode(inputValues: batch.inputValues, paddingMask: batch.paddingMask)
        return out.codes[0].map { frame in frame.map { Int32($0) } }
    }
}
