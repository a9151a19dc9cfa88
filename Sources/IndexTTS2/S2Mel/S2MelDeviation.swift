// How far fast mode's S2Mel / BigVGAN output is from exact's (docs/precision.md, "S2Mel and BigVGAN in fast"):
// the output split into rows (mel: one row per frame, the 80 values of (b, ·, t); waveform: rows of 256 samples,
// one BigVGAN hop), per row the relative L2 error ‖fast − exact‖ / ‖exact‖ (max and mean over rows), and over the
// whole tensor the cosine and the SNR 10·log10(Σ exact² / Σ (fast − exact)²) in dB.
import Foundation
import Tensors

public struct S2MelDeviation: Codable, Sendable, Equatable {
    public var name: String
    public var maxRelativeError: Double
    public var meanRelativeError: Double
    public var cosine: Double
    public var snrDB: Double
    /// max |fast − exact| / max |exact|
    public var maxAbsoluteRatio: Double
    public var rows: Int

    /// Mel-like (B, C, T): one row per (b, t).
    public static func frames(_ name: String, exact: Tensor, fast: Tensor) -> S2MelDeviation {
        precondition(exact.shape == fast.shape && exact.rank == 3, "S2MelDeviation: \(exact.shape) against \(fast.shape)")
        return rows(name, exact: exact.transposed(1, 2).array, fast: fast.transposed(1, 2).array,
                    width: exact.shape[1])
    }

    /// Flat values in rows of `width` (a last partial row counts as a row).
    public static func rows(_ name: String, exact a: [Float], fast b: [Float], width: Int) -> S2MelDeviation {
        precondition(a.count == b.count && width >= 1, "S2MelDeviation: \(a.count) values against \(b.count)")
        var maxRel = 0.0, sumRel = 0.0, n = 0
        var dot = 0.0, aa = 0.0, bb = 0.0, ee = 0.0, maxErr = 0.0, maxA = 0.0
        var start = 0
        while start < a.count {
            let end = Swift.min(a.count, start + width)
            var ra = 0.0, re = 0.0
            for i in start..<end {
                let x = Double(a[i]), y = Double(b[i]), e = y - x
                ra += x * x
                re += e * e
                dot += x * y
                bb += y * y
                maxErr = Swift.max(maxErr, abs(e))
                maxA = Swift.max(maxA, abs(x))
            }
            aa += ra
            ee += re
            let rel = ra > 0 ? (re / ra).squareRoot() : (re > 0 ? .infinity : 0)
            maxRel = Swift.max(maxRel, rel)
            sumRel += rel
            n += 1
            start = end
        }
        return S2MelDeviation(name: name, maxRelativeError: maxRel, meanRelativeError: sumRel / Double(Swift.max(n, 1)),
                              cosine: aa > 0 && bb > 0 ? dot / (aa * bb).squareRoot() : 1,
                              snrDB: ee > 0 ? 10 * log10(aa / ee) : .infinity,
                              maxAbsoluteRatio: maxA > 0 ? maxErr / maxA : 0, rows: n)
    }
}
