// A deterministic synthetic stand-in for TTS speech with the hard part of espeak's output for a
// limiter: a pulse-like glottal source (one sharp impulse per pitch period) through two formant
// resonators, shaped into syllables and words with pauses, plus a few plosive clicks. A plain gain
// to −19 LUFS puts its true peak ~4 dB over −3 dBTP (espeak's voice: ~3 dB). Built from closed-form
// filters only (no code under test).
import Foundation

public enum SpeechLikeSignal {
    /// `seconds` of speech-like audio at `rate`, peak-normalized to `peak`.
    /// `formantBandwidth` (Hz, F1; F2 gets 1.5×) and `click` (plosive amplitude) set how peaky it is:
    /// the defaults give a peak-to-loudness ratio of ~20.3 dB, against ~18.9 dB for espeak-ng's voice
    /// and the 16 dB that −19 LUFS under −3 dBTP allows.
    public static func make(seconds: Double, rate: Int, seed: UInt64 = 1, peak: Float = 0.9, click: Double = 1.0,
                            formantBandwidth bw: Double = 60) -> [Float] {
        let n = Int(seconds * Double(rate))
        var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        func uniform() -> Double {  // PCG-style LCG step, top 53 bits
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1.0p-53
        }
        // Source: impulses at a wandering pitch inside syllables (180 ms voiced, 70 ms gap, a 400 ms
        // pause after every 5 syllables), a raised-cosine envelope per syllable, clicks between words.
        var source = [Double](repeating: 0, count: n)
        var t = Int(0.2 * Double(rate))
        var syllable = 0
        while t < n {
            let length = Int((0.14 + 0.08 * uniform()) * Double(rate))
            let loud = 0.5 + 0.5 * uniform()
            var k = 0.0
            while Int(k) < length, t + Int(k) < n {
                let env = 0.5 - 0.5 * cos(2 * Double.pi * k / Double(length))
                source[t + Int(k)] += loud * env
                let f0 = 105 + 30 * sin(Double(t + Int(k)) / Double(rate) * 2.1) + 6 * uniform()
                k += Double(rate) / f0
            }
            t += length + Int(0.07 * Double(rate))
            syllable += 1
            if syllable % 5 == 0 {
                if t + 10 < n { for j in 0..<6 { source[t + j] += (j % 2 == 0 ? 1.0 : -0.8) * click } }  // a plosive click
                t += Int(0.4 * Double(rate))
            }
        }
        // Two resonators (formants at 700 Hz / 80 Hz bandwidth and 1200 Hz / 120 Hz), in parallel.
        func resonate(_ x: [Double], frequency: Double, bandwidth: Double) -> [Double] {
            let r = exp(-Double.pi * bandwidth / Double(rate))
            let a1 = 2 * r * cos(2 * Double.pi * frequency / Double(rate)), a2 = -r * r
            var y = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { y[i] = x[i] + a1 * (i > 0 ? y[i - 1] : 0) + a2 * (i > 1 ? y[i - 2] : 0) }
            return y
        }
        let f1 = resonate(source, frequency: 700, bandwidth: bw)
        let f2 = resonate(source, frequency: 1200, bandwidth: bw * 1.5)
        var mix = (0..<n).map { f1[$0] + 0.6 * f2[$0] }
        let m = mix.map(abs).max() ?? 1
        for i in 0..<n { mix[i] *= Double(peak) / m }
        return mix.map { Float($0) }
    }
}
