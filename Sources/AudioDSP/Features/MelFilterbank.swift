// A mel filterbank matrix (mels, bins) with the nonzero column range of every filter, so that
// applying it to a spectrum row touches only the triangle's support. The builders live in
// LibrosaMel.swift (Slaney / HTK, librosa.filters.mel) and KaldiMel.swift (Kaldi mel scale).
import Foundation

public struct MelFilterbank: Sendable {
    public let melCount: Int
    public let binCount: Int
    /// (mels, bins) row-major, the values the reference uses (float32 references stored exactly).
    public let weights: [Double]
    /// The same weights rounded to float32.
    public let weightsFloat: [Float]
    /// Nonzero column range of each filter (empty range for an all-zero filter).
    public let support: [Range<Int>]

    public init(melCount: Int, binCount: Int, weights: [Double]) throws {
        guard weights.count == melCount * binCount else {
            throw FeatureError.invalidConfig("mel filterbank has \(weights.count) weights, expected \(melCount)×\(binCount)")
        }
        self.melCount = melCount
        self.binCount = binCount
        self.weights = weights
        weightsFloat = weights.map { Float($0) }
        support = (0..<melCount).map { m in
            let row = weights[(m * binCount)..<((m + 1) * binCount)]
            guard let first = row.firstIndex(where: { $0 != 0 }),
                  let last = row.lastIndex(where: { $0 != 0 }) else { return 0..<0 }
            return (first - m * binCount)..<(last - m * binCount + 1)
        }
    }

    /// Weight of filter `mel` at `bin`.
    public subscript(mel: Int, bin: Int) -> Double { weights[mel * binCount + bin] }

    /// mel[m] = Σ_k w[m, k]·spectrum[k] with float32 weights and accumulation (one spectrum row).
    @inline(__always)
    public func apply(_ spectrum: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>) {
        weightsFloat.withUnsafeBufferPointer { w in
            for m in 0..<melCount {
                var acc: Float = 0
                let base = m * binCount
                for k in support[m] { acc += w[base + k] * spectrum[k] }
                out[m] = acc
            }
        }
    }

    /// mel[m] = Σ_k w[m, k]·spectrum[k] in float64 (one spectrum row).
    @inline(__always)
    public func apply(_ spectrum: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        weights.withUnsafeBufferPointer { w in
            for m in 0..<melCount {
                var acc = 0.0
                let base = m * binCount
                for k in support[m] { acc += w[base + k] * spectrum[k] }
                out[m] = acc
            }
        }
    }
}
