// MaskGCT semantic codec (RepCodec) hyper-parameters: the `semantic_codec` block of IndexTTS2's
// config.yaml, read as `RepCodec(cfg=cfg)` reads it (indextts/utils/maskgct/models/codec/kmeans/repcodec_model.py).
import Foundation

public enum SemanticCodecError: Error, CustomStringConvertible {
    case unsupported(key: String, value: String, expected: String)
    case badInput(expected: String, got: [Int])
    case codeOutOfRange(code: Int, position: Int, codebookSize: Int)
    case badCodes(String)

    public var description: String {
        switch self {
        case let .unsupported(k, v, e): return "semantic codec config '\(k)' = \(v) is not supported (expected \(e))"
        case let .badInput(e, g): return "semantic codec input: expected \(e), got shape \(g)"
        case let .codeOutOfRange(c, p, n):
            return "semantic codec vq2emb: code \(c) at position \(p) is outside the codebook 0..<\(n) "
                + "(GPT start/stop tokens must be stripped before vq2emb)"
        case let .badCodes(r): return "semantic codec vq2emb: \(r)"
        }
    }
}

public struct SemanticCodecConfig: Decodable, Sendable {
    public var codebookSize: Int
    public var hiddenSize: Int
    public var codebookDim: Int
    public var vocosDim: Int
    public var vocosIntermediateDim: Int
    public var vocosNumLayers: Int
    public var numQuantizers: Int
    public var downsampleScale: Int

    enum CodingKeys: String, CodingKey {
        case codebookSize = "codebook_size", hiddenSize = "hidden_size", codebookDim = "codebook_dim", vocosDim = "vocos_dim"
        case vocosIntermediateDim = "vocos_intermediate_dim", vocosNumLayers = "vocos_num_layers"
        case numQuantizers = "num_quantizers", downsampleScale = "downsample_scale"
    }

    /// Defaults are RepCodec's constructor defaults (the MaskGCT semantic codec).
    public init(codebookSize: Int = 8192, hiddenSize: Int = 1024, codebookDim: Int = 8, vocosDim: Int = 384,
                vocosIntermediateDim: Int = 2048, vocosNumLayers: Int = 12, numQuantizers: Int = 1, downsampleScale: Int = 1) {
        self.codebookSize = codebookSize
        self.hiddenSize = hiddenSize
        self.codebookDim = codebookDim
        self.vocosDim = vocosDim
        self.vocosIntermediateDim = vocosIntermediateDim
        self.vocosNumLayers = vocosNumLayers
        self.numQuantizers = numQuantizers
        self.downsampleScale = downsampleScale
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SemanticCodecConfig()
        codebookSize = try c.decodeIfPresent(Int.self, forKey: .codebookSize) ?? d.codebookSize
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? d.hiddenSize
        codebookDim = try c.decodeIfPresent(Int.self, forKey: .codebookDim) ?? d.codebookDim
        vocosDim = try c.decodeIfPresent(Int.self, forKey: .vocosDim) ?? d.vocosDim
        vocosIntermediateDim = try c.decodeIfPresent(Int.self, forKey: .vocosIntermediateDim) ?? d.vocosIntermediateDim
        vocosNumLayers = try c.decodeIfPresent(Int.self, forKey: .vocosNumLayers) ?? d.vocosNumLayers
        numQuantizers = try c.decodeIfPresent(Int.self, forKey: .numQuantizers) ?? d.numQuantizers
        downsampleScale = try c.decodeIfPresent(Int.self, forKey: .downsampleScale) ?? d.downsampleScale
    }

    func validate() throws {
        // IndexTTS2's codec never down-samples; the down/up convs (and their GELU) are not part of this port.
        guard downsampleScale <= 1 else {
            throw SemanticCodecError.unsupported(key: "downsample_scale", value: "\(downsampleScale)", expected: "1")
        }
        guard numQuantizers >= 1 else {
            throw SemanticCodecError.unsupported(key: "num_quantizers", value: "\(numQuantizers)", expected: "≥ 1")
        }
        guard vocosNumLayers >= 1 else {
            throw SemanticCodecError.unsupported(key: "vocos_num_layers", value: "\(vocosNumLayers)", expected: "≥ 1")
        }
    }
}
