// The 12 Hz speech tokenizer's encoder, mirroring `Qwen3TTSTokenizerV2Encoder` (a transformers MimiModel with
// the decoder half removed) and the encode path of `Qwen3TTSTokenizerV2Model.encode`
// (qwen_tts/core/tokenizer_12hz/modeling_qwen3_tts_tokenizer_v2.py):
//
//   audio (B, 1, N) → SEANet (B, hidden, T25) → encoder_transformer (channels-last) → downsample (causal conv,
//   k = 4, stride 2, no bias, replicate padding) (B, hidden, T12) → split RVQ encode, all num_quantizers codes
//   → keep the first encoder_valid_num_quantizers codebooks → per item keep ⌈mask.sum() / encode_downsample_rate⌉
//   frames → (frames, 16)
//
// Like the original, the whole padded batch runs through the network without a mask (Mimi's encoder ignores
// padding); only the final length trim uses the padding mask.
import Foundation
import Logging
import Neural
import Tensors

public final class Qwen3CodecEncoder: @unchecked Sendable {
    public let settings: Qwen3SpeechEncoderSettings
    let seanet: CodecSEANetEncoder
    let transformer: CodecEncoderTransformer
    let downsample: CodecCausalConv1d?
    let quantizer: CodecEncoderQuantizer
    static let logger = Logger(label: "bookvox.qwen3tts.codec-encoder")

    /// The prefix of the encoder's keys in `speech_tokenizer/model.safetensors`.
    public static let weightPrefix = "encoder."

    /// Builds the encoder from `scope` (the keys under `encoder.`). Reads every declared weight with its exact
    /// shape; the caller checks for unused keys with `WeightStore.finish(ignoring: Qwen3CodecEncoder.ignoredKeys(…))`.
    public init(settings: Qwen3SpeechEncoderSettings, weights scope: WeightScope) throws {
        try settings.validate()
        self.settings = settings
        let c = settings.encoderConfig
        seanet = try CodecSEANetEncoder(scope.scope("encoder"), config: c)
        transformer = try CodecEncoderTransformer(scope.scope("encoder_transformer"), config: c)
        downsample = try c.downsampleKernel.map { k in
            try CodecCausalConv1d(scope.scope("downsample"), inChannels: c.hiddenSize, outChannels: c.hiddenSize,
                                  kernelSize: k, stride: 2, bias: false, paddingMode: .replicate)
        }
        quantizer = try CodecEncoderQuantizer(scope.scope("quantizer"), config: c)
    }

    /// Keys under `prefix` that exist in the checkpoint but are not used for encoding (the RVQs' decode-side
    /// `output_proj` and the codebooks' `initialized` flags).
    public static func ignoredKeys(settings: Qwen3SpeechEncoderSettings, store: WeightStore,
                                   prefix: String = weightPrefix) -> [String] {
        CodecEncoderQuantizer.ignoredKeys(store.scope(prefix).scope("quantizer"), config: settings.encoderConfig)
    }

    /// Stage outputs, named as in the parity case, batch dim kept.
    public typealias StageHook = (_ name: String, _ value: Tensor) -> Void

    /// Result of one batch: per item the trimmed (frames × valid quantizers) codes, plus the untrimmed codes of all
    /// quantizers [B][Q][T12] and their argmin distance margins (diagnostics).
    public struct Encoded: Sendable {
        public var codes: [[[Int]]]
        public var allCodes: [[[Int]]]
        public var distanceMargins: [[[Float]]]
    }

    /// Padded audio rows (all the same length, as the feature extractor makes them) and their padding masks.
    public func encode(inputValues: [[Float]], paddingMask: [[Int64]], hook: StageHook? = nil) throws -> Encoded {
        guard let n = inputValues.first?.count, n > 0 else { throw Qwen3CodecError.emptyInput("the audio") }
        guard inputValues.allSatisfy({ $0.count == n }), paddingMask.count == inputValues.count,
              paddingMask.allSatisfy({ $0.count == n }) else {
            throw Qwen3CodecError.codeShape(expected: "\(inputValues.count) audio rows and masks of \(n) samples",
                                            found: "rows \(inputValues.map(\.count)), masks \(paddingMask.map(\.count))")
        }
        let audio = Tensor(shape: [inputValues.count, 1, n], data: inputValues.flatMap { $0 }) // (B, 1, N)
        let features = seanet(audio) // (B, hidden, T25)
        hook?("seanet", features)
        let contextual = transformer(features.transposed(1, 2)) // (B, T25, hidden)
        hook?("transformer", contextual)
        var h = contextual.transposed(1, 2) // (B, hidden, T25)
        if let down = downsample { h = down(h) } // (B, hidden, T12)
        hook?("downsample", h)
        let quantized = quantizer.encode(h)
        let valid = settings.encoderValidNumQuantizers, rate = settings.encodeDownsampleRate
        var codes: [[[Int]]] = []
        for (item, mask) in zip(quantized, paddingMask) {
            let samples = Int(mask.reduce(0, +))
            let keep = Swift.min((samples + rate - 1) / rate, item.codes[0].count)
            codes.append((0..<keep).map { t in (0..<valid).map { item.codes[$0][t] } }) // (frames, valid)
        }
        Self.logger.debug("encoded \(inputValues.count) clip(s) of \(n) samples into \(h.shape[2]) frames")
        return Encoded(codes: codes, allCodes: quantized.map(\.codes), distanceMargins: quantized.map(\.margins))
    }
}
