// Parity runner for qwen3tts/speech_tokenizer_encoder_tiny (Tests/Fixtures/qwen3tts/README.md): the encoder built
// from `config.speech_tokenizer_config`, weights under "encoder.", the feature extractor from
// `config.feature_extractor`. Outputs: the feature extractor's input_values / padding_mask, every encoder stage
// (batch dim dropped), all 32 quantizers' codes and argmin distance margins, and the trimmed (frames × 16) codes.
import Foundation
import Neural
import Tensors

public enum Qwen3CodecEncoderParity {
    public static let encoderCase = "qwen3tts/speech_tokenizer_encoder_tiny"

    public static var cases: [String: ParityRunner] {
        [encoderCase: { c in try Qwen3CodecParity.compare(c, outputs: try encoderOutputs(c)) }]
    }

    /// Builds the encoder of a case strictly from its weights file (keys under "encoder.").
    public static func encoder(_ c: ParityCase) throws -> Qwen3CodecEncoder {
        let settings = try c.decodeConfig(Qwen3SpeechEncoderSettings.self, key: "speech_tokenizer_config")
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: url.path)
        let encoder = try Qwen3CodecEncoder(settings: settings, weights: store.scope(Qwen3CodecEncoder.weightPrefix))
        try store.finish(ignoring: Qwen3CodecEncoder.ignoredKeys(settings: settings, store: store))
        return encoder
    }

    /// Runs the feature extractor and the encoder on the case's audio and returns every output the case describes.
    public static func encoderOutputs(_ c: ParityCase) throws -> [String: Tensor] {
        let extractor = try c.decodeConfig(Qwen3EncodecFeatureExtractor.self, key: "feature_extractor")
        let encoder = try encoder(c)
        let audio = try c.input("audio").array
        let batch = try extractor([audio], samplingRate: encoder.settings.inputSampleRate)

        var out: [String: Tensor] = [:]
        let n = batch.inputValues[0].count
        out["input_values"] = Tensor(shape: [n], data: batch.inputValues[0])
        out["padding_mask"] = Tensor(shape: [n], data: batch.paddingMask[0].map { Float($0) })
        let encoded = try encoder.encode(inputValues: batch.inputValues, paddingMask: batch.paddingMask) { name, value in
            out[name] = value.reshaped(Array(value.shape.dropFirst())) // batch dim dropped
        }
        let all = encoded.allCodes[0], margins = encoded.distanceMargins[0]
        let (q, t) = (all.count, all[0].count)
        out["all_codes"] = Tensor(shape: [q, t], data: all.flatMap { $0.map { Float($0) } })
        out["distance_margin"] = Tensor(shape: [q, t], data: margins.flatMap { $0 })
        let codes = encoded.codes[0]
        out["codes"] = Tensor(shape: [codes.count, codes.first?.count ?? 0], data: codes.flatMap { $0.map { Float($0) } })
        return out
    }
}
