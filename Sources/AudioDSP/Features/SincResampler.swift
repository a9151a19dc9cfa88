// torchaudio.transforms.Resample / functional.resample with sinc_interp_hann (torchaudio 2.5):
// rates reduced by their gcd (22050→16000 becomes 441→320); base = min(orig, new)·rolloff;
// half-width w = ceil(width·orig/base); `new` phase filters of 2w + orig taps where for phase j,
// tap i: t = (−j/new + (i − w)/orig)·base clamped to ±width, h = sinc(πt)·cos²(πt/(2·width))·base/orig.
// The kernel is built in float64 (j/new is a float32 quotient first, as torch divides an integer
// arange) and stored as float32. The signal is zero-padded by w on the left and w + orig on the
// right, convolved with stride orig per phase, phases interleaved, and cut to ceil(new·N/orig).
import Foundation

public struct SincResampler: Sendable {
    public let origFreq: Int
    public let newFreq: Int
    /// gcd-reduced rates
    public let orig: Int
    public let new: Int
    public let lowpassFilterWidth: Int
    public let rolloff: Double
    /// Half-width w of every phase filter.
    public let width: Int
    /// (new, 2w + orig) float32 phase filters.
    public let kernel: [Float]
    public var taps: Int { 2 * width + orig }

    public init(origFreq: Int, newFreq: Int, lowpassFilterWidth: Int = 6, rolloff: Double = 0.99,
                resamplingMethod: String = "sinc_interp_hann") throws {
        guard origFreq > 0, newFreq > 0 else {
            throw FeatureError.invalidConfig("resample rates must be positive, got \(origFreq) → \(newFreq)")
        }
        guard resamplingMethod == "sinc_interp_hann" else {
            throw FeatureError.invalidConfig("resampling_method '\(resamplingMethod)' is not supported; only sinc_interp_hann")
        }
        guard lowpassFilterWidth > 0 else {
            throw FeatureError.invalidConfig("lowpass_filter_width must be positive, got \(lowpassFilterWidth)")
        }
        self.origFreq = origFreq
        self.newFreq = newFreq
        self.lowpassFilterWidth = lowpassFilterWidth
        self.rolloff = rolloff
        let g = Self.gcd(origFreq, newFreq)
        orig = origFreq / g
        new = newFreq / g
        let base = Double(min(orig, new)) * rolloff
        width = Int((Double(lowpassFilterWidth) * Double(orig) / base).rounded(.up))
        let taps = 2 * width + orig
        let lpw = Double(lowpassFilterWidth)
        let scale = base / Double(orig)
        var k = [Float](repeating: 0, count: new * taps)
        for j in 0..<new {
            let phase = Double(Float(-j) / Float(new))  // torch: int64 arange / int → float32
            for i in 0..<taps {
                let idx = Double(i - width) / Double(orig)
                var t = (phase + idx) * base
                t = min(max(t, -lpw), lpw)
                let c = cos(t * Double.pi / lpw / 2)
                let window = c * c
                let tp = t * Double.pi
                let sinc = tp == 0 ? 1.0 : sin(tp) / tp
                k[j * taps + i] = Float(sinc * (window * scale))
            }
        }
        kernel = k
    }

    private static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }

    /// Output length for `count` input samples: ceil(new·count/orig).
    public func outputCount(for count: Int) -> Int {
        Int((Double(new) * Double(count) / Double(orig)).rounded(.up))
    }

    /// Resamples mono `samples` from origFreq to newFreq.
    public func resample(_ samples: [Float]) -> [Float] {
        if origFreq == newFreq { return samples }
        let n = samples.count
        let outCount = outputCount(for: n)
        let taps = self.taps
        let padded = Padding.zeros(samples, left: width, right: width + orig)
        var out = [Float](repeating: 0, count: outCount)
        padded.withUnsafeBufferPointer { x in
            kernel.withUnsafeBufferPointer { h in
                out.withUnsafeMutableBufferPointer { y in
                    for o in 0..<outCount {
                        let block = o / new, phase = o % new
                        let xs = x.baseAddress! + block * orig
                        let hs = h.baseAddress! + phase * taps
                        var acc = 0.0
                        for i in 0..<taps { acc += Double(xs[i]) * Double(hs[i]) }
                        y[o] = Float(acc)
                    }
                }
            }
        }
        return out
    }
}
