// Hyper-parameters of UnifiedVoice's conditioning path (indextts/gpt/model_v2.py, condition_type
// "conformer_perceiver"): the `gpt` block of IndexTTS2's config.yaml (model_dim, condition_module,
// emo_condition_module) plus the constants model_v2.py fixes in code (condition_num_latent 32, conformer
// input size 1024, emotion perceiver width 1024), which a parity case may override at its top level.
import Foundation

public enum ConditioningError: Error, CustomStringConvertible {
    case unsupported(key: String, value: String, expected: String)
    case badConfig(String)
    case badInput(expected: String, got: [Int])

    public var description: String {
        switch self {
        case let .unsupported(k, v, e): return "GPT conditioning config '\(k)' = \(v) is not supported (expected \(e))"
        case let .badConfig(r): return "GPT conditioning config: \(r)"
        case let .badInput(e, g): return "GPT conditioning input: expected \(e), got shape \(g)"
        }
    }
}

/// `condition_module` / `emo_condition_module`: a WeNet ConformerEncoder plus the perceiver's FF multiplier.
public struct ConformerConditionModule: Decodable, Sendable {
    public var outputSize: Int
    public var linearUnits: Int
    public var attentionHeads: Int
    public var numBlocks: Int
    public var inputLayer: String
    public var perceiverMult: Int

    enum CodingKeys: String, CodingKey {
        case outputSize = "output_size", linearUnits = "linear_units", attentionHeads = "attention_heads"
        case numBlocks = "num_blocks", inputLayer = "input_layer", perceiverMult = "perceiver_mult"
    }

    public init(outputSize: Int, linearUnits: Int, attentionHeads: Int, numBlocks: Int, inputLayer: String = "conv2d2",
                perceiverMult: Int = 2) {
        self.outputSize = outputSize
        self.linearUnits = linearUnits
        self.attentionHeads = attentionHeads
        self.numBlocks = numBlocks
        self.inputLayer = inputLayer
        self.perceiverMult = perceiverMult
    }
}

/// Fixed parts of ConformerEncoder / PerceiverResampler that model_v2.py leaves at their class defaults.
public struct ConditioningArchitecture: Sendable {
    /// ConvolutionModule depthwise kernel (`cnn_module_kernel`, default 15).
    public var cnnModuleKernel: Int = 15
    /// PerceiverResampler `depth` (default 2).
    public var perceiverDepth: Int = 2
    /// PerceiverResampler `dim_head` (default 64).
    public var perceiverDimHead: Int = 64

    public init() {}
}

public struct GPTConditioningConfig: Decodable, Sendable {
    public var modelDim: Int
    public var conditionType: String
    public var conditionModule: ConformerConditionModule
    public var emoConditionModule: ConformerConditionModule
    /// Speaker perceiver latents (`condition_num_latent`, a UnifiedVoice constructor default of 32).
    public var conditionNumLatent: Int
    /// Input feature size of both conformers (w2v-BERT hidden size; 1024 in model_v2.py).
    public var condInputDim: Int
    /// Emotion perceiver width and `emovec_layer` input (1024 in model_v2.py).
    public var emoPerceiverDim: Int
    public var architecture = ConditioningArchitecture()

    enum CodingKeys: String, CodingKey {
        case modelDim = "model_dim", conditionType = "condition_type", conditionModule = "condition_module"
        case emoConditionModule = "emo_condition_module", conditionNumLatent = "condition_num_latent"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelDim = try c.decode(Int.self, forKey: .modelDim)
        conditionType = try c.decodeIfPresent(String.self, forKey: .conditionType) ?? "perceiver"
        conditionModule = try c.decode(ConformerConditionModule.self, forKey: .conditionModule)
        emoConditionModule = try c.decode(ConformerConditionModule.self, forKey: .emoConditionModule)
        conditionNumLatent = try c.decodeIfPresent(Int.self, forKey: .conditionNumLatent) ?? 32
        condInputDim = 1024
        emoPerceiverDim = 1024
    }

    func validate() throws {
        guard conditionType == "conformer_perceiver" else {
            throw ConditioningError.unsupported(key: "condition_type", value: conditionType, expected: "conformer_perceiver (IndexTTS2)")
        }
        for (name, m) in [("condition_module", conditionModule), ("emo_condition_module", emoConditionModule)] {
            guard m.inputLayer == "conv2d2" else {
                throw ConditioningError.unsupported(key: "\(name).input_layer", value: m.inputLayer, expected: "conv2d2")
            }
            guard m.attentionHeads > 0, m.outputSize % m.attentionHeads == 0 else {
                throw ConditioningError.badConfig("\(name): output_size \(m.outputSize) not divisible by \(m.attentionHeads) heads")
            }
        }
        guard architecture.cnnModuleKernel % 2 == 1 else {
            throw ConditioningError.badConfig("cnn_module_kernel \(architecture.cnnModuleKernel) must be odd (symmetric padding)")
        }
    }
}
