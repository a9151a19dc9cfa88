// Configuration of the 12 Hz speech tokenizer's encoder half: `encoder_config` of `speech_tokenizer/config.json`
// (a transformers `MimiConfig`) plus the top-level encode fields (`encoder_valid_num_quantizers`,
// `encode_downsample_rate`, `input_sample_rate`). Key names are the JSON's own; absent optional keys take
// MimiConfig's defaults (`codebook_dim` and `vector_quantization_hidden_dimension` fall back to hidden_size,
// `head_dim` to hidden_size / num_attention_heads).
//
// Derived sizes mirror MimiModel: encodec frame rate = ceil(sampling_rate / prod(upsampling_ratios)) (25 Hz);
// a downsample conv exists when `_frame_rate` differs from it, with kernel 2·int(encodec / frame rate) and
// stride 2 (the original fixes the stride at 2).
//
// Unsupported (no released checkpoint uses them; rejected by `validate`): non-causal convs, pad modes other
// than "constant", a conv shortcut in the residual blocks, more than one audio channel.
import Foundation
import Neural

public struct Qwen3CodecEncoderConfig: Decodable, Sendable, Equatable {
    public var audioChannels: Int
    public var samplingRate: Int
    public var frameRate: Double
    public var hiddenSize: Int
    public var numFilters: Int
    public var numResidualLayers: Int
    public var upsamplingRatios: [Int]
    public var kernelSize: Int
    public var lastKernelSize: Int
    public var residualKernelSize: Int
    public var dilationGrowthRate: Int
    public var useCausalConv: Bool
    public var padMode: String
    public var compress: Int
    public var useConvShortcut: Bool
    public var codebookSize: Int
    public var codebookDim: Int
    public var numQuantizers: Int
    public var numSemanticQuantizers: Int
    public var vectorQuantizationHiddenDimension: Int
    public var numHiddenLayers: Int
    public var intermediateSize: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var hiddenAct: String
    public var normEps: Float
    public var ropeTheta: Float
    public var slidingWindow: Int?
    public var attentionBias: Bool

    enum CodingKeys: String, CodingKey {
        case audioChannels = "audio_channels", samplingRate = "sampling_rate", frameRate = "_frame_rate"
        case hiddenSize = "hidden_size", numFilters = "num_filters", numResidualLayers = "num_residual_layers"
        case upsamplingRatios = "upsampling_ratios", kernelSize = "kernel_size", lastKernelSize = "last_kernel_size"
        case residualKernelSize = "residual_kernel_size", dilationGrowthRate = "dilation_growth_rate"
        case useCausalConv = "use_causal_conv", padMode = "pad_mode", compress, useConvShortcut = "use_conv_shortcut"
        case codebookSize = "codebook_size", codebookDim = "codebook_dim", numQuantizers = "num_quantizers"
        case numSemanticQuantizers = "num_semantic_quantizers"
        case vectorQuantizationHiddenDimension = "vector_quantization_hidden_dimension"
        case numHiddenLayers = "num_hidden_layers", intermediateSize = "intermediate_size"
        case numAttentionHeads = "num_attention_heads", numKeyValueHeads = "num_key_value_heads", headDim = "head_dim"
        case hiddenAct = "hidden_act", normEps = "norm_eps", ropeTheta = "rope_theta", slidingWindow = "sliding_window"
        case attentionBias = "attention_bias"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func opt<T: Decodable>(_ k: CodingKeys, _ d: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? d }
        audioChannels = try opt(.audioChannels, 1)
        samplingRate = try opt(.samplingRate, 24000)
        frameRate = try opt(.frameRate, 12.5)
        hiddenSize = try opt(.hiddenSize, 512)
        numFilters = try opt(.numFilters, 64)
        numResidualLayers = try opt(.numResidualLayers, 1)
        upsamplingRatios = try opt(.upsamplingRatios, [8, 6, 5, 4])
        kernelSize = try opt(.kernelSize, 7)
        lastKernelSize = try opt(.lastKernelSize, 3)
        residualKernelSize = try opt(.residualKernelSize, 3)
        dilationGrowthRate = try opt(.dilationGrowthRate, 2)
        useCausalConv = try opt(.useCausalConv, true)
        padMode = try opt(.padMode, "constant")
        compress = try opt(.compress, 2)
        useConvShortcut = try opt(.useConvShortcut, false)
        codebookSize = try opt(.codebookSize, 2048)
        codebookDim = try opt(.codebookDim, hiddenSize)
        numQuantizers = try opt(.numQuantizers, 32)
        numSemanticQuantizers = try opt(.numSemanticQuantizers, 1)
        vectorQuantizationHiddenDimension = try opt(.vectorQuantizationHiddenDimension, hiddenSize)
        numHiddenLayers = try opt(.numHiddenLayers, 8)
        intermediateSize = try opt(.intermediateSize, 2048)
        numAttentionHeads = try opt(.numAttentionHeads, 8)
        numKeyValueHeads = try opt(.numKeyValueHeads, numAttentionHeads)
        headDim = try opt(.headDim, hiddenSize / numAttentionHeads)
        hiddenAct = try opt(.hiddenAct, "gelu")
        normEps = try opt(.normEps, 1e-5)
        ropeTheta = try opt(.ropeTheta, 10000)
        slidingWindow = try c.decodeIfPresent(Int.self, forKey: .slidingWindow)
        attentionBias = try opt(.attentionBias, false)
    }

    /// SEANet output rate: ceil(sampling_rate / prod(upsampling_ratios)) (25 Hz in the real config).
    public var encodecFrameRate: Int {
        let hop = upsamplingRatios.reduce(1, *)
        return (samplingRate + hop - 1) / hop
    }

    /// Kernel of the downsample conv, or nil when the SEANet rate already is the frame rate (no downsample).
    public var downsampleKernel: Int? {
        Double(encodecFrameRate) == frameRate ? nil : 2 * Int(Double(encodecFrameRate) / frameRate)
    }

    /// Whether the RVQs project hidden_size → vector_quantization_hidden_dimension (`input_proj`).
    public var hasQuantizerProjection: Bool { vectorQuantizationHiddenDimension != hiddenSize }

    /// Checks the structural constraints the module shapes depend on.
    public func validate() throws {
        func fail(_ k: String, _ r: String) -> Qwen3CodecError { .invalidConfig(key: "encoder_config.\(k)", reason: r) }
        guard audioChannels == 1 else { throw fail("audio_channels", "only mono (1) is supported, found \(audioChannels)") }
        guard useCausalConv else { throw fail("use_causal_conv", "only causal convolutions are supported, found false") }
        guard padMode == "constant" else { throw fail("pad_mode", "only \"constant\" is supported, found \"\(padMode)\"") }
        guard !useConvShortcut else { throw fail("use_conv_shortcut", "a conv shortcut is not supported, found true") }
        guard !upsamplingRatios.isEmpty, upsamplingRatios.allSatisfy({ $0 > 0 }) else {
            throw fail("upsampling_ratios", "need positive ratios, found \(upsamplingRatios)")
        }
        guard compress > 0, numFilters % compress == 0 else {
            throw fail("compress", "\(compress) must divide num_filters \(numFilters)")
        }
        guard numQuantizers > numSemanticQuantizers, numSemanticQuantizers >= 1 else {
            throw fail("num_quantizers", "need num_quantizers \(numQuantizers) > num_semantic_quantizers \(numSemanticQuantizers) ≥ 1")
        }
        let vqDim = hasQuantizerProjection ? vectorQuantizationHiddenDimension : hiddenSize
        guard codebookDim == vqDim else {
            throw fail("codebook_dim", "\(codebookDim) must equal the quantizer input width \(vqDim)")
        }
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw fail("num_key_value_heads", "\(numKeyValueHeads) does not divide num_attention_heads \(numAttentionHeads)")
        }
        guard headDim % 2 == 0 else { throw fail("head_dim", "RoPE needs an even head_dim, found \(headDim)") }
        guard frameRate > 0, (downsampleKernel ?? 2) > 0 else {
            throw fail("_frame_rate", "\(frameRate) must be positive and at most the SEANet rate \(encodecFrameRate)")
        }
        guard Activation(name: hiddenAct) != nil else { throw fail("hidden_act", "unsupported activation '\(hiddenAct)'") }
    }
}

/// The encode-side fields of `speech_tokenizer/config.json`.
public struct Qwen3SpeechEncoderSettings: Decodable, Sendable {
    public var encoderConfig: Qwen3CodecEncoderConfig
    /// Codebooks kept from the encoder output (16).
    public var encoderValidNumQuantizers: Int
    /// Samples per code frame used for the length trim (1920).
    public var encodeDownsampleRate: Int
    public var inputSampleRate: Int

    enum CodingKeys: String, CodingKey {
        case encoderConfig = "encoder_config", encoderValidNumQuantizers = "encoder_valid_num_quantizers"
        case encodeDownsampleRate = "encode_downsample_rate", inputSampleRate = "input_sample_rate"
    }

    /// Reads `speech_tokenizer/config.json`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3CodecError.invalidConfig(key: path, reason: "cannot read the speech tokenizer config file")
        }
        self = try JSONDecoder().decode(Qwen3SpeechEncoderSettings.self, from: data)
    }

    public func validate() throws {
        try encoderConfig.validate()
        guard encoderValidNumQuantizers >= 1, encoderValidNumQuantizers <= encoderConfig.numQuantizers else {
            throw Qwen3CodecError.invalidConfig(key: "encoder_valid_num_quantizers",
                                                reason: "must be in 1...\(encoderConfig.numQuantizers), found \(encoderValidNumQuantizers)")
        }
        guard encodeDownsampleRate > 0 else {
            throw Qwen3CodecError.invalidConfig(key: "encode_downsample_rate", reason: "must be positive, found \(encodeDownsampleRate)")
        }
        guard inputSampleRate == encoderConfig.samplingRate else {
            throw Qwen3CodecError.invalidConfig(key: "input_sample_rate",
                                                reason: "\(inputSampleRate) differs from encoder_config.sampling_rate \(encoderConfig.samplingRate)")
        }
    }
}
