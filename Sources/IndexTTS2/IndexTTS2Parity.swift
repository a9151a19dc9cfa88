// Parity runners for the IndexTTS2 module cases (Tests/Fixtures/indextts2/<case>, schema in Tests/Fixtures/README.md):
//   indextts2/campplus_tiny        CAM++ style encoder: in.feat (B, T, 80) → out.style (B, E)
//   indextts2/semantic_codec_tiny  RepCodec.quantize + quantizer.vq2emb: codes (exact), S, encoder_out, z_e, vq2emb,
//                                  min_cos_margin (smallest best-vs-second cosine gap of the codebook lookup)
//   indextts2/conformer_perceiver_tiny  UnifiedVoice conditioning: speaker/emotion conformers, perceivers,
//                                  emovec and merge_emovec, with full and shortened lengths (mask path)
// Every output the case lists is compared; an output the runner does not produce makes the run throw.
import Foundation
import Neural
import Tensors

public enum IndexTTS2Parity {
    public static var cases: [String: ParityRunner] {
        [
            "indextts2/e2e_tiny": IndexTTS2E2EParity.run,
            "indextts2/campplus_tiny": runCAMPPlus,
            "indextts2/semantic_codec_tiny": runSemanticCodec,
            "indextts2/conformer_perceiver_tiny": runConformerPerceiver,
            "indextts2/w2v_bert_tiny": IndexTTS2W2VBertParity.runW2VBert,
        ].merging(IndexTTS2S2MelParity.cases) { a, _ in a }.merging(IndexTTS2GPTParity.cases) { a, _ in a }
    }

    /// A value computed for one case output.
    enum Produced {
        case float(Tensor)
        case ints([Int64], shape: [Int])
    }

    /// Compares every output listed in the case against `produced`.
    static func reports(_ c: ParityCase, _ produced: [String: Produced]) throws -> [OutputReport] {
        try c.outputNames.sorted().map { name in
            switch produced[name] {
            case let .float(t)?: return try ParityCompare.check(c, output: name, got: t)
            case let .ints(v, shape)?: return try ParityCompare.check(c, output: name, gotInts: v, shape: shape)
            case nil:
                throw ParityError.config(key: "outputs.\(name)", reason: "the \(c.name) runner does not compute this output")
            }
        }
    }

    static func weights(_ c: ParityCase) throws -> WeightStore {
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        return try WeightStore(path: url.path)
    }

    static func fixedInCode(_ c: ParityCase) -> [String: Any] { c.config["fixed_in_code"] as? [String: Any] ?? [:] }

    static func runCAMPPlus(_ c: ParityCase) throws -> [OutputReport] {
        let config = try c.decodeConfig(CAMPPlusConfig.self, key: "campplus")
        let architecture = c.config["fixed_in_code"] == nil
            ? CAMPPlusArchitecture.original : try c.decodeConfig(CAMPPlusArchitecture.self, key: "fixed_in_code")
        let model = try CAMPPlus(config: config, architecture: architecture, weights: weights(c))
        let style = try model(try c.input("feat")) // (B, E)
        return try reports(c, ["style": .float(style)])
    }

    static func runSemanticCodec(_ c: ParityCase) throws -> [OutputReport] {
        var config = try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec")
        let fixed = fixedInCode(c)
        if let n = fixed["num_quantizers"] as? Int { config.numQuantizers = n }
        if let s = fixed["downsample_scale"] as? Int { config.downsampleScale = s }
        if let t = fixed["quantizer_type"] as? String, t != "fvq" {
            throw ParityError.config(key: "fixed_in_code.quantizer_type", reason: "'\(t)' is not the factorized quantizer ('fvq') IndexTTS2 uses")
        }
        if let l2 = fixed["use_l2_normlize"] as? Bool, !l2 {
            throw ParityError.config(key: "fixed_in_code.use_l2_normlize", reason: "false is not supported (IndexTTS2 normalises)")
        }
        let codec = try SemanticCodec(config: config, weights: weights(c))
        let x = try c.input("x") // (B, T, H)
        let (b, t) = (x.shape[0], x.shape[1])
        let q = try codec.quantize(x)
        // quantize() squeezes the quantizer axis when there is one quantizer: codes (B, T), else (Nq, B, T).
        let codeShape = q.codes.count == 1 ? [b, t] : [q.codes.count, b, t]
        let produced: [String: Produced] = [
            "codes": .ints(q.codes.flatMap { $0.map(Int64.init) }, shape: codeShape),
            "S": .float(q.embedding),
            "encoder_out": .float(q.encoderOutput),
            "z_e": .float(q.latents[0]),
            "min_cos_margin": .float(Tensor(shape: [1], data: [q.cosineMargins.flatMap { $0 }.min() ?? .nan])),
            // As the case computes it: vq2emb of the codes quantize() returned.
            "vq2emb": .float(try codec.vq2emb(q.codes, batch: b)),
        ]
        return try reports(c, produced)
    }

    static func runConformerPerceiver(_ c: ParityCase) throws -> [OutputReport] {
        var config = try c.decodeConfig(GPTConditioningConfig.self, key: "gpt")
        if let d = c.config["cond_input_dim"] as? Int { config.condInputDim = d }
        if let d = c.config["emo_perceiver_dim"] as? Int { config.emoPerceiverDim = d }
        if let n = c.config["condition_num_latent"] as? Int { config.conditionNumLatent = n }
        let fixed = fixedInCode(c)
        if let conformer = fixed["ConformerEncoder"] as? [String: Any] {
            if let k = conformer["cnn_module_kernel"] as? Int { config.architecture.cnnModuleKernel = k }
            // The port implements exactly these class defaults of model_v2's ConformerEncoder.
            let strings = ["pos_enc_layer_type": "rel_pos", "activation": "SiLU"]
            let flags = ["normalize_before": true, "macaron_style": false, "use_cnn_module": true]
            for (key, want) in strings {
                if let got = conformer[key] as? String, got != want {
                    throw ParityError.config(key: "fixed_in_code.ConformerEncoder.\(key)", reason: "'\(got)' is not supported (expected '\(want)')")
                }
            }
            for (key, want) in flags {
                if let got = conformer[key] as? Bool, got != want {
                    throw ParityError.config(key: "fixed_in_code.ConformerEncoder.\(key)", reason: "\(got) is not supported (expected \(want))")
                }
            }
        }
        if let perceiver = fixed["PerceiverResampler"] as? [String: Any] {
            if let d = perceiver["depth"] as? Int { config.architecture.perceiverDepth = d }
            if let d = perceiver["dim_head"] as? Int { config.architecture.perceiverDimHead = d }
        }
        let store = try weights(c)
        let model = try GPTConditioner(config: config, weights: store.root)
        try store.finish()
        let spk = try c.input("spk_cond_emb"), emo = try c.input("emo_cond_emb") // (B, T, D)
        let lengths = { (name: String) in try c.inputInts(name).map { Int($0) } }
        let spkLen = try lengths("cond_lengths"), emoLen = try lengths("emo_cond_lengths")
        let (spkOut, spkValid) = try model.speakerConformer(spk, lengths: spkLen)
        let spkEmo = try model.emovec(spk, lengths: spkLen)
        let emoVec = try model.emovec(emo, lengths: emoLen)
        let produced: [String: Produced] = [
            "spk_conformer_out": .float(spkOut),
            "spk_conformer_mask": .ints(spkValid.flatMap { $0.map { $0 ? 1 : 0 } }, shape: [spkValid.count, 1, spkValid.first?.count ?? 0]),
            "spk_cond_latent": .float(try model.conditioning(spk, lengths: spkLen)),
            "emo_conformer_out": .float(try model.emotionConformer(emo, lengths: emoLen).0),
            "emo_perceiver_out": .float(try model.emotionConditioning(emo, lengths: emoLen)),
            "emo_vec": .float(emoVec),
            "spk_emo_vec": .float(spkEmo),
            "merged_emovec_alpha1": .float(GPTConditioner.merge(base: spkEmo, emotion: emoVec, alpha: 1)),
            "merged_emovec_alpha0p6": .float(GPTConditioner.merge(base: spkEmo, emotion: emoVec, alpha: 0.6)),
            "spk_cond_latent_masked": .float(try model.conditioning(spk, lengths: try lengths("cond_lengths_masked"))),
            "emo_vec_masked": .float(try model.emovec(emo, lengths: try lengths("emo_cond_lengths_masked"))),
        ]
        return try reports(c, produced)
    }
}
