// Analysis windows used by the front ends, computed in float64 (callers round as the reference does).
//   hann(periodic: true)  — torch.hann_window default: 0.5 − 0.5·cos(2πn/N)
//   hann(periodic: false) — numpy.hanning / torch periodic=False: denominator N − 1
//   povey                 — Kaldi: symmetric Hann raised to 0.85
//   hamming, blackman, rectangular — Kaldi's other frame windows (torchaudio.compliance.kaldi)
import Foundation

public enum WindowFunction: String, Sendable, CaseIterable {
    case povey
    case hanning
    case hamming
    case rectangular
    case blackman

    /// The Kaldi frame window of this type (all symmetric), as torchaudio.compliance.kaldi builds it.
    public func kaldiWindow(length: Int, blackmanCoefficient: Double = 0.42) -> [Double] {
        switch self {
        case .povey: return Windows.povey(length: length)
        case .hanning: return Windows.hann(length: length, periodic: false)
        case .hamming: return Windows.hamming(length: length)
        case .rectangular: return [Double](repeating: 1, count: length)
        case .blackman:
            let a = 2 * Double.pi / Double(length - 1)
            return (0..<length).map { n in
                blackmanCoefficient - 0.5 * cos(a * Double(n)) + (0.5 - blackmanCoefficient) * cos(2 * a * Double(n))
            }
        }
    }
}

public enum Windows {
    /// Hann window; periodic uses denominator N (torch default), symmetric N − 1.
    public static func hann(length: Int, periodic: Bool) -> [Double] {
        guard length > 1 else { return [Double](repeating: 1, count: max(length, 0)) }
        let denom = Double(periodic ? length : length - 1)
        return (0..<length).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / denom) }
    }

    /// Symmetric Hamming window (0.54 − 0.46·cos(2πn/(N−1))).
    public static func hamming(length: Int) -> [Double] {
        guard length > 1 else { return [Double](repeating: 1, count: max(length, 0)) }
        let denom = Double(length - 1)
        return (0..<length).map { 0.54 - 0.46 * cos(2 * Double.pi * Double($0) / denom) }
    }

    /// Kaldi's Povey window: symmetric Hann to the power 0.85 (zero at both ends).
    public static func povey(length: Int) -> [Double] {
        hann(length: length, periodic: false).map { pow($0, 0.85) }
    }
}
