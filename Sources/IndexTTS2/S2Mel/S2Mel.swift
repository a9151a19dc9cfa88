// IndexTTS2's semantic-to-mel stage: commons.py `MyModel(cfg.s2mel, use_gpt_latent=True)` (gpt_layer,
// length_regulator, cfm) and the sequence infer_v2 runs per segment:
//   latent' = gpt_layer(latent)                                (B, n, H)
//   S_infer = vq2emb(codes)ᵀ + latent'                         (vq2emb from the semantic codec, passed in)
//   T_gen   = int(float32(n) · 1.72)                           (truncation)
//   cond    = length_regulator(S_infer, T_gen)                 (B, T_gen, C)
//   mu      = [prompt_condition ; cond]                        (B, T_ref + T_gen, C)
//   full    = cfm.inference(mu, ref_mel, style, noise, 25 steps, cfg 0.7)   (B, 80, T_ref + T_gen)
//   mel     = full[..., T_ref:]                                (B, 80, T_gen) → BigVGAN
// prompt_condition = length_regulator(S_ref, T_ref) is computed once per reference (`promptCondition`).
// Weights: s2mel.pth["net"] = {"cfm": …, "length_regulator": …, "gpt_layer": …}, flattened "<sub>.<key>";
// a DDP "module." prefix under a sub-dictionary is accepted.
import Foundation
import Logging
import Neural
import Tensors

public final class S2Mel: @unchecked Sendable {
    public let config: S2MelConfig
    public let gptLayer: GPTLayer
    public let lengthRegulator: LengthRegulator
    public let cfm: CFMSolver
    private static let logger = Logger(label: "bookvox.indextts2.s2mel")

    /// Builds every part from `root` (keys "cfm.…", "length_regulator.…", "gpt_layer.…"); does not call `finish`.
    public init(config: S2MelConfig, weights root: WeightScope) throws {
        try config.validate()
        self.config = config
        func sub(_ name: String) -> WeightScope {
            let ddp = name + ".module."
            return root.scope(name).keys.contains { $0.hasPrefix(root.prefix + ddp) } ? root.scope(name + ".module") : root.scope(name)
        }
        gptLayer = try GPTLayer(sub("gpt_layer"), inputDim: config.gptModelDim, hidden: config.architecture.gptLayerHidden,
                                outputDim: config.lengthRegulator.inChannels)
        lengthRegulator = try LengthRegulator(sub("length_regulator"), config: config.lengthRegulator)
        cfm = CFMSolver(estimator: try DiTEstimator(sub("cfm").scope("estimator"), config: config))
        S2Mel.logger.debug("s2mel built: DiT \(config.dit.depth)×\(config.dit.hiddenDim), WaveNet \(config.wavenet.numLayers) layers")
    }

    /// A model from built parts (`converted(_:)` shares gpt_layer and the length regulator with its source).
    init(config: S2MelConfig, gptLayer: GPTLayer, lengthRegulator: LengthRegulator, cfm: CFMSolver) {
        self.config = config
        self.gptLayer = gptLayer
        self.lengthRegulator = lengthRegulator
        self.cfm = cfm
    }

    /// Opens an s2mel checkpoint (`.pth`: the "net" dictionary; `.safetensors`: flattened keys), builds the model
    /// and checks that every stored tensor was used.
    public convenience init(config: S2MelConfig, path: String) throws {
        let isTorch = ["pth", "pt", "bin", "ckpt"].contains((path as NSString).pathExtension.lowercased())
        let store = try WeightStore(path: path, rootKey: isTorch ? "net" : nil)
        try self.init(config: config, weights: store.root)
        try store.finish()
    }

    /// `T_gen = (code_lens · 1.72).long()`: the product in float32, truncated.
    public func targetLength(codeCount n: Int) -> Int {
        Int(Float(n) * config.architecture.codeToFrameRatio)
    }

    /// prompt_condition = length_regulator(S_ref, ylens = [T_ref]): S_ref (B, T_sem, H) → (B, T_ref, C).
    public func promptCondition(semanticReference sRef: Tensor, referenceFrames: Int) throws -> Tensor {
        try lengthRegulator(sRef, targetLength: referenceFrames)
    }

    /// The conditioning path of one segment.
    public struct Conditioning: Sendable {
        /// gpt_layer(latent), (B, n, H)
        public let gptLayerOut: Tensor
        /// vq2emb(codes)ᵀ + gpt_layer(latent), (B, n, H)
        public let sInfer: Tensor
        public let targetLength: Int
        /// length_regulator(S_infer, T_gen), (B, T_gen, C)
        public let cond: Tensor
    }

    /// latent (B, n, model_dim) and vq2emb(codes)ᵀ (B, n, H) → the segment's regulated condition.
    public func condition(latent: Tensor, semanticEmbedding sVQ: Tensor) throws -> Conditioning {
        let g = try gptLayer(latent) // (B, n, H)
        guard sVQ.shape == g.shape else {
            throw S2MelError.badInput(name: "vq2emb(codes)ᵀ", expected: "\(g.shape) like gpt_layer(latent)", got: sVQ.shape)
        }
        let sInfer = sVQ + g // (B, n, H)
        let tGen = targetLength(codeCount: latent.shape[1])
        let cond = try lengthRegulator(sInfer, targetLength: tGen) // (B, T_gen, C)
        return Conditioning(gptLayerOut: g, sInfer: sInfer, targetLength: tGen, cond: cond)
    }

    /// The noise shape CFM needs for a segment: (B, 80, T_ref + T_gen).
    public func noiseShape(batch: Int = 1, referenceFrames: Int, codeCount: Int) -> [Int] {
        [batch, config.dit.inChannels, referenceFrames + targetLength(codeCount: codeCount)]
    }

    /// The mel of one segment.
    public struct Output: Sendable {
        /// [prompt_condition ; cond], (B, T_ref + T_gen, C)
        public let catCondition: Tensor
        /// cfm.inference result with the prompt region zeroed, (B, 80, T_ref + T_gen)
        public let full: Tensor
        /// full[..., T_ref:], (B, 80, T_gen): the vocoder input
        public let mel: Tensor
    }

    /// promptCondition (B, T_ref, C), cond (B, T_gen, C), refMel (B, 80, T_ref), style (B, S),
    /// noise (B, 80, T_ref + T_gen) standard normal → mel.
    public func generate(promptCondition: Tensor, cond: Tensor, referenceMel refMel: Tensor, style: Tensor, noise: Tensor,
                         steps: Int = 25, cfgRate: Double = 0.7, temperature: Float = 1,
                         onStep: ((CFMSolver.Step) -> Void)? = nil) throws -> Output {
        guard promptCondition.rank == 3, refMel.rank == 3, promptCondition.shape[1] == refMel.shape[2] else {
            throw S2MelError.badInput(name: "prompt_condition / ref_mel", expected: "(B, T_ref, C) and (B, 80, T_ref)",
                                      got: promptCondition.shape + refMel.shape)
        }
        let mu = Tensor.concat([promptCondition, cond], axis: 1) // (B, T, C)
        let full = try cfm.inference(mu: mu, prompt: refMel, style: style, noise: noise, steps: steps, cfgRate: cfgRate,
                                     temperature: temperature, onStep: onStep) // (B, 80, T)
        let mel = full.slice(axis: 2, start: refMel.shape[2], end: full.shape[2]) // (B, 80, T_gen)
        return Output(catCondition: mu, full: full, mel: mel)
    }
}
