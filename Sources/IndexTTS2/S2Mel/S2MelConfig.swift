// S2Mel hyper-parameters: the `s2mel` block of IndexTTS2's config.yaml, read as
// indextts/s2mel/modules/commons.py `MyModel(args, use_gpt_latent=True)` reads it, plus the sizes the
// original fixes in code (gpt_fast ModelArgs: block_size 16384, RoPE base 10000, RMSNorm eps 1e-5,
// intermediate = find_multiple(int(2·4·dim/3), 256); TimestepEmbedder: 256 frequencies, scale 1000;
// gpt_layer hidden sizes 256 and 128).
// Only the paths IndexTTS2 runs are ported; any other value of a switch is rejected with `S2MelError.unsupported`.
import Foundation
import Yams

public enum S2MelError: Error, CustomStringConvertible {
    case unsupported(key: String, value: String, expected: String)
    case badInput(name: String, expected: String, got: [Int])
    case badConfig(String)

    public var description: String {
        switch self {
        case let .unsupported(k, v, e):
            return "s2mel config '\(k)' = \(v) is not supported by this port (expected \(e)); IndexTTS2's config.yaml uses \(e)"
        case let .badInput(n, e, g): return "s2mel input '\(n)': expected \(e), got shape \(g)"
        case let .badConfig(r): return "s2mel config: \(r)"
        }
    }
}

public struct S2MelConfig: Decodable, Sendable {
    public struct LengthRegulator: Decodable, Sendable {
        public var channels: Int
        public var isDiscrete: Bool
        public var inChannels: Int
        public var contentCodebookSize: Int
        public var samplingRatios: [Int]
        public var vectorQuantize: Bool
        public var nCodebooks: Int
        public var f0Condition: Bool

        enum CodingKeys: String, CodingKey {
            case channels, isDiscrete = "is_discrete", inChannels = "in_channels", contentCodebookSize = "content_codebook_size"
            case samplingRatios = "sampling_ratios", vectorQuantize = "vector_quantize", nCodebooks = "n_codebooks"
            case f0Condition = "f0_condition"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            channels = try c.decode(Int.self, forKey: .channels)
            isDiscrete = try c.decodeIfPresent(Bool.self, forKey: .isDiscrete) ?? false
            inChannels = try c.decode(Int.self, forKey: .inChannels)
            contentCodebookSize = try c.decodeIfPresent(Int.self, forKey: .contentCodebookSize) ?? 1024
            samplingRatios = try c.decode([Int].self, forKey: .samplingRatios)
            vectorQuantize = try c.decodeIfPresent(Bool.self, forKey: .vectorQuantize) ?? false
            nCodebooks = try c.decodeIfPresent(Int.self, forKey: .nCodebooks) ?? 1
            f0Condition = try c.decodeIfPresent(Bool.self, forKey: .f0Condition) ?? false
        }
    }

    public struct DiT: Decodable, Sendable {
        public var hiddenDim: Int
        public var numHeads: Int
        public var depth: Int
        public var inChannels: Int
        public var styleCondition: Bool
        public var finalLayerType: String
        public var contentDim: Int
        public var contentCodebookSize: Int
        public var isCausal: Bool
        public var longSkipConnection: Bool
        public var zeroPromptSpeechToken: Bool
        public var timeAsToken: Bool
        public var styleAsToken: Bool
        public var uvitSkipConnection: Bool

        enum CodingKeys: String, CodingKey {
            case hiddenDim = "hidden_dim", numHeads = "num_heads", depth, inChannels = "in_channels"
            case styleCondition = "style_condition", finalLayerType = "final_layer_type", contentDim = "content_dim"
            case contentCodebookSize = "content_codebook_size"
            case isCausal = "is_causal", longSkipConnection = "long_skip_connection"
            case zeroPromptSpeechToken = "zero_prompt_speech_token", timeAsToken = "time_as_token"
            case styleAsToken = "style_as_token", uvitSkipConnection = "uvit_skip_connection"
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            hiddenDim = try c.decode(Int.self, forKey: .hiddenDim)
            numHeads = try c.decode(Int.self, forKey: .numHeads)
            depth = try c.decode(Int.self, forKey: .depth)
            inChannels = try c.decode(Int.self, forKey: .inChannels)
            styleCondition = try c.decode(Bool.self, forKey: .styleCondition)
            finalLayerType = try c.decodeIfPresent(String.self, forKey: .finalLayerType) ?? "mlp"
            contentDim = try c.decode(Int.self, forKey: .contentDim)
            contentCodebookSize = try c.decodeIfPresent(Int.self, forKey: .contentCodebookSize) ?? 1024
            isCausal = try c.decodeIfPresent(Bool.self, forKey: .isCausal) ?? false
            longSkipConnection = try c.decodeIfPresent(Bool.self, forKey: .longSkipConnection) ?? false
            zeroPromptSpeechToken = try c.decodeIfPresent(Bool.self, forKey: .zeroPromptSpeechToken) ?? false
            timeAsToken = try c.decodeIfPresent(Bool.self, forKey: .timeAsToken) ?? false
            styleAsToken = try c.decodeIfPresent(Bool.self, forKey: .styleAsToken) ?? false
            uvitSkipConnection = try c.decodeIfPresent(Bool.self, forKey: .uvitSkipConnection) ?? false
        }
    }

    public struct WaveNet: Decodable, Sendable {
        public var hiddenDim: Int
        public var numLayers: Int
        public var kernelSize: Int
        public var dilationRate: Int
        public var styleCondition: Bool

        enum CodingKeys: String, CodingKey {
            case hiddenDim = "hidden_dim", numLayers = "num_layers", kernelSize = "kernel_size"
            case dilationRate = "dilation_rate", styleCondition = "style_condition"
        }
    }

    struct StyleEncoder: Decodable, Sendable { var dim: Int }

    public var ditType: String
    public var styleDim: Int
    public var lengthRegulator: LengthRegulator
    public var dit: DiT
    public var wavenet: WaveNet
    /// Width of the GPT latent fed to gpt_layer (config.yaml `gpt.model_dim`; 1280 for IndexTTS2).
    public var gptModelDim: Int = 1280
    public var architecture = S2MelArchitecture()

    enum CodingKeys: String, CodingKey {
        case ditType = "dit_type", styleEncoder = "style_encoder", lengthRegulator = "length_regulator"
        case dit = "DiT", wavenet
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ditType = try c.decodeIfPresent(String.self, forKey: .ditType) ?? "DiT"
        styleDim = try c.decode(StyleEncoder.self, forKey: .styleEncoder).dim
        lengthRegulator = try c.decode(LengthRegulator.self, forKey: .lengthRegulator)
        dit = try c.decode(DiT.self, forKey: .dit)
        wavenet = try c.decode(WaveNet.self, forKey: .wavenet)
    }

    /// Reads `s2mel` (and `gpt.model_dim`) from an IndexTTS2 config.yaml.
    public init(yamlPath: String) throws {
        let text = try String(contentsOfFile: yamlPath, encoding: .utf8)
        struct Root: Decodable {
            struct GPT: Decodable {
                var modelDim: Int
                enum CodingKeys: String, CodingKey { case modelDim = "model_dim" }
            }
            var s2mel: S2MelConfig
            var gpt: GPT?
        }
        let root = try YAMLDecoder().decode(Root.self, from: text)
        self = root.s2mel
        if let d = root.gpt?.modelDim { gptModelDim = d }
    }

    /// DiT head width.
    public var headDim: Int { dit.hiddenDim / dit.numHeads }

    /// Rejects every switch value whose code path this port does not implement.
    public func validate() throws {
        func require(_ ok: Bool, _ key: String, _ value: Any, _ expected: String) throws {
            if !ok { throw S2MelError.unsupported(key: key, value: "\(value)", expected: expected) }
        }
        try require(ditType == "DiT", "dit_type", ditType, "DiT")
        try require(!lengthRegulator.isDiscrete, "length_regulator.is_discrete", lengthRegulator.isDiscrete, "false")
        try require(!lengthRegulator.vectorQuantize, "length_regulator.vector_quantize", lengthRegulator.vectorQuantize, "false")
        try require(!lengthRegulator.f0Condition, "length_regulator.f0_condition", lengthRegulator.f0Condition, "false")
        try require(!lengthRegulator.samplingRatios.isEmpty, "length_regulator.sampling_ratios", "[]", "a non-empty list (interpolating regulator)")
        try require(dit.finalLayerType == "wavenet", "DiT.final_layer_type", dit.finalLayerType, "wavenet")
        try require(!dit.isCausal, "DiT.is_causal", dit.isCausal, "false")
        try require(!dit.timeAsToken, "DiT.time_as_token", dit.timeAsToken, "false")
        try require(!dit.styleAsToken, "DiT.style_as_token", dit.styleAsToken, "false")
        try require(!dit.zeroPromptSpeechToken, "DiT.zero_prompt_speech_token", dit.zeroPromptSpeechToken, "false")
        try require(dit.styleCondition == wavenet.styleCondition, "wavenet.style_condition", wavenet.styleCondition,
                    "the same as DiT.style_condition (\(dit.styleCondition))")
        try require(wavenet.kernelSize % 2 == 1, "wavenet.kernel_size", wavenet.kernelSize, "an odd size")
        guard dit.hiddenDim % dit.numHeads == 0, headDim % 2 == 0 else {
            throw S2MelError.badConfig("DiT.hidden_dim \(dit.hiddenDim) must split into \(dit.numHeads) heads of even size")
        }
        // FinalLayer(wavenet.hidden_dim) is modulated by the DiT time embedding t1 (DiT.hidden_dim wide).
        guard wavenet.hiddenDim == dit.hiddenDim else {
            throw S2MelError.badConfig("wavenet.hidden_dim \(wavenet.hiddenDim) must equal DiT.hidden_dim \(dit.hiddenDim) "
                + "(the original's FinalLayer applies a \(wavenet.hiddenDim)-wide modulation to the DiT time embedding)")
        }
        guard dit.contentDim == lengthRegulator.channels else {
            throw S2MelError.badConfig("DiT.content_dim \(dit.contentDim) must equal length_regulator.channels \(lengthRegulator.channels)")
        }
        guard wavenet.numLayers >= 1, dit.depth >= 1 else {
            throw S2MelError.badConfig("DiT.depth \(dit.depth) and wavenet.num_layers \(wavenet.numLayers) must be ≥ 1")
        }
    }
}

/// Sizes the original fixes in code rather than in config.yaml.
public struct S2MelArchitecture: Sendable {
    /// gpt_fast ModelArgs.block_size as DiT sets it (RoPE table and `input_pos` length).
    public var blockSize = 16384
    public var ropeBase: Float = 10000
    public var normEps: Float = 1e-5
    /// TimestepEmbedder frequency_embedding_size and time scale.
    public var frequencyEmbeddingSize = 256
    public var timeScale: Float = 1000
    /// FinalLayer LayerNorm eps.
    public var finalNormEps: Float = 1e-6
    /// Hidden widths of gpt_layer (Linear(model_dim→256) → Linear(256→128) → Linear(128→in_channels)).
    public var gptLayerHidden = [256, 128]
    /// `T_gen = int(n_codes · 1.72)`.
    public var codeToFrameRatio: Float = 1.72

    public init() {}

    /// gpt_fast FeedForward width: find_multiple(int(2·4·dim/3), 256).
    public func intermediateSize(dim: Int) -> Int {
        let n = Int(Double(2 * 4 * dim) / 3)
        return n % 256 == 0 ? n : n + 256 - n % 256
    }
}
