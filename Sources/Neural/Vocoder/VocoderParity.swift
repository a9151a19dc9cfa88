// Parity runners for vocoder cases (see Tests/Fixtures/README.md):
//   indextts2/bigvgan_tiny — BigVGAN v2 from the case's config; outputs `wav` (weight norm removed) and
//   `wav_weight_norm_unfolded` (same forward before remove_weight_norm; we fold at load, so both compare
//   against one forward). Weights from weights.safetensors, then again from weights.pth (root "generator").
import Foundation
import Tensors

public enum VocoderParity {
    public static var cases: [String: ParityRunner] {
        ["indextts2/bigvgan_tiny": runBigVGAN]
    }

    /// `convolutions`: .fast runs the case with the oneDNN convolutions (the suite checks both against the fixture).
    static func runBigVGAN(_ c: ParityCase) throws -> [OutputReport] { try runBigVGAN(c, convolutions: .exact) }

    static func runBigVGAN(_ c: ParityCase, convolutions: ConvolutionPolicy) throws -> [OutputReport] {
        let config = try c.decodeConfig(BigVGANConfig.self, key: "bigvgan")
        let mel = try c.input("mel") // (B, 80, T)
        var reports: [OutputReport] = []
        var sources: [(String, WeightStore)] = []
        if let st = c.weightsURL { sources.append(("safetensors", try WeightStore(path: st.path))) }
        if let pth = c.weightsPthURL {
            let root = c.manifest["pth_root_key"] as? String
            sources.append(("pth", try WeightStore(path: pth.path, rootKey: root)))
        }
        guard !sources.isEmpty else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        for (label, store) in sources {
            let model = try BigVGAN(config: config, weights: store, convolutions: convolutions)
            let wav = try model(mel) // (B, 1, T·hop)
            for name in ["wav", "wav_weight_norm_unfolded"] {
                let r = try ParityCompare.check(c, output: name, got: wav)
                reports.append(OutputReport(name: "\(name) [\(label)]", maxAbs: r.maxAbs, maxRel: r.maxRel, cosine: r.cosine,
                                            tolerance: r.tolerance, passed: r.passed, detail: r.detail))
            }
        }
        return reports
    }
}
