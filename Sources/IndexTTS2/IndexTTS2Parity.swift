// Parity runners for the IndexTTS2 module cases (Tests/Fixtures/indextts2/<case>, schema in Tests/Fixtures/README.md):
//   indextts2/campplus_tiny        CAM++ style encoder: in.feat (B, T, 80) → out.style (B, E)
//   indextts2/semantic_codec_tiny  RepCodec.quantize + quantizer.vq2emb: codes (exact), S, encoder_out, z_e, vq2emb,
//                                  min_cos_margin (smallest best-vs-second cosine gap of the codebook lookup)
// Every output the case lists is compared; an output the runner does not produce makes the run throw.
import Foundation
import Neural
import Tensors

public enum IndexTTS2Parity {
    public static var cases: [String: ParityRunner] {
        [
            "indextts2/campplus_tiny": runCAMPPlus,
            "indextts2/semantic_codec_tiny": runSemanticCodec,
        ]
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
}
