// The few places where bookvox checks an output under a tolerance other than its manifest's.
// Each entry says why; the parity report prints the reason next to the result, so nothing is hidden.
import Foundation

public enum ToleranceOverrides {
    public struct Override: Sendable {
        public let atol: Double
        public let rtol: Double
        public let reason: String
    }

    static let table: [String: [String: Override]] = [
        "indextts2/fbank_campplus": [
            // feat = fbank − mean over time. fbank itself is checked at the manifest tolerance (atol 1e-4,
            // rtol 1e-4), which at its log-energies of about −14 admits 1.5e-3 of absolute error; in mel bins
            // 70–79 (7–8 kHz, ~60 dB below the rest of the frame) the reference's own float32 FFT differs from
            // a float64 computation by up to 1e-3. Subtracting the mean keeps that absolute error but moves the
            // values near 0, where rtol no longer helps: the manifest's 1e-4 is below the reference's own noise.
            // We hold feat to the absolute error fbank is allowed at those values.
            "feat": Override(atol: 1.5e-3, rtol: 1e-4,
                             reason: "reference float32 FFT noise in near-silent mel bins; bound = fbank's own tolerance at its values"),
        ],
        "indextts2/e2e_tiny": [
            // input_features and campplus_feat are checked at the manifest tolerance from the reference's own
            // audio_16k (stage by stage), and again chained from Swift's audio_16k as the engine computes them
            // ("… [chained]"); these two entries bound the chained checks only.
            // input_features chained from Swift's own audio_16k: audio_16k
            // matches to 1.2e-7 (float32 rounding of the 441:320 sinc convolution), and fed the reference's own
            // audio_16k the extractor matches to 1.3e-5; but the per-mel-bin normalization divides by the tiny
            // time std of the top mel bins, above the resampler's 7.92 kHz cutoff, which turns those last-bit
            // differences into up to 2.2e-3. spk_cond_emb, computed from these features, passes at the manifest
            // tolerance.
            "input_features [chained]": Override(atol: 3e-3, rtol: 1e-3,
                                       reason: "1-ulp audio_16k differences amplified by per-bin CMVN in near-empty mel bins above the resampler cutoff"),
            // campplus_feat (Kaldi fbank − time mean) of the same chained audio_16k: the log of near-empty mel bins
            // above the cutoff turns the 1.2e-7 audio differences into up to 2.7e-3 (cf. fbank_campplus "feat",
            // 1.5e-3 even on the reference's own audio). style, computed from it, passes at 6.9e-7.
            "campplus_feat [chained]": Override(atol: 3e-3, rtol: 1e-3,
                                      reason: "1-ulp audio_16k differences amplified by the log of near-empty mel bins above the resampler cutoff"),
        ],
    ]

    public static func override(case name: String, output: String) -> Override? { table[name]?[output] }
}
