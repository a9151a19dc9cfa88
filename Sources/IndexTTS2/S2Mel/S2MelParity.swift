// Parity runner for indextts2/s2mel_tiny (Tests/Fixtures/indextts2/s2mel_tiny): MyModel(use_gpt_latent=True) +
// semantic_codec.quantizer.vq2emb run as infer_v2 runs them, with the CFM noise taken from the case's recorded
// draw. Outputs: prompt_condition, gpt_layer_out, S_infer_vq, S_infer, target_lengths (exact), cond,
// cat_condition, cfm_step1_dphi_dt (stacked [cond; uncond] estimator output of step 1), cfm_x_after_step1,
// vc_target_full, mel.
import Foundation
import Neural
import Tensors

public enum IndexTTS2S2MelParity {
    public static var cases: [String: ParityRunner] { ["indextts2/s2mel_tiny": run] }

    /// The S2Mel config of a case: `config.s2mel`, `gpt_model_dim`, and the sizes under `fixed_in_code`.
    public static func config(_ c: ParityCase) throws -> S2MelConfig {
        var config = try c.decodeConfig(S2MelConfig.self, key: "s2mel")
        if let d = c.config["gpt_model_dim"] as? Int { config.gptModelDim = d }
        let fixed = c.config["fixed_in_code"] as? [String: Any] ?? [:]
        if let args = fixed["DiT.ModelArgs"] as? [String: Any] {
            if let b = args["block_size"] as? Int { config.architecture.blockSize = b }
            if let r = args["rope_base"] as? Double { config.architecture.ropeBase = Float(r) }
            if let e = args["norm_eps"] as? Double { config.architecture.normEps = Float(e) }
        }
        if let te = fixed["TimestepEmbedder"] as? [String: Any] {
            if let f = te["frequency_embedding_size"] as? Int { config.architecture.frequencyEmbeddingSize = f }
            if let s = te["scale"] as? Double { config.architecture.timeScale = Float(s) }
        }
        return config
    }

    static func run(_ c: ParityCase) throws -> [OutputReport] {
        let config = try config(c)
        let codecConfig = try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec")
        let steps = c.config["diffusion_steps"] as? Int ?? 25
        let cfgRate = (c.config["inference_cfg_rate"] as? Double) ?? 0.7
        let fixed = c.config["fixed_in_code"] as? [String: Any] ?? [:]
        let temperature = ((fixed["CFM"] as? [String: Any])?["temperature"] as? Double).map(Float.init) ?? 1

        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: url.path)
        let model = try S2Mel(config: config, weights: store.root)
        let quantizer = try ResidualVQ(store.scope("semantic_codec.quantizer"), inputDim: codecConfig.hiddenSize,
                                       numQuantizers: codecConfig.numQuantizers, codebookSize: codecConfig.codebookSize,
                                       codebookDim: codecConfig.codebookDim)
        try store.finish()

        let latent = try c.input("gpt_latent") // (B, n, model_dim)
        let codes = try c.inputInts("codes").map { Int($0) } // (B, n)
        let codeLens = try c.inputInts("code_lens")
        let sRef = try c.input("S_ref"), refMel = try c.input("ref_mel"), style = try c.input("style"), noise = try c.input("noise")
        let batch = latent.shape[0]
        guard batch == 1, codeLens == [Int64(latent.shape[1])] else {
            throw ParityError.config(key: "inputs.code_lens", reason: "expected one row with code_lens = n = \(latent.shape[1]), got \(codeLens)")
        }

        let prompt = try model.promptCondition(semanticReference: sRef, referenceFrames: refMel.shape[2]) // (B, T_ref, C)
        let sVQ = try quantizer.vq2emb([codes], batch: batch).transposed(1, 2) // (B, n, H)
        let cond = try model.condition(latent: latent, semanticEmbedding: sVQ)
        var firstStep: CFMSolver.Step?
        let out = try model.generate(promptCondition: prompt, cond: cond.cond, referenceMel: refMel, style: style, noise: noise,
                                     steps: steps, cfgRate: cfgRate, temperature: temperature) { step in
            if step.index == 1 { firstStep = step }
        }
        guard let firstStep else { throw ParityError.config(key: "diffusion_steps", reason: "no CFM step ran") }
        let produced: [String: IndexTTS2Parity.Produced] = [
            "prompt_condition": .float(prompt),
            "gpt_layer_out": .float(cond.gptLayerOut),
            "S_infer_vq": .float(sVQ),
            "S_infer": .float(cond.sInfer),
            "target_lengths": .ints([Int64(model.targetLength(codeCount: Int(codeLens[0])))], shape: [1]),
            "cond": .float(cond.cond),
            "cat_condition": .float(out.catCondition),
            "cfm_step1_dphi_dt": .float(firstStep.estimatorOutput),
            "cfm_x_after_step1": .float(firstStep.x),
            "vc_target_full": .float(out.full),
            "mel": .float(out.mel),
        ]
        return try IndexTTS2Parity.reports(c, produced)
    }
}
