// Fades and equal-power crossfades.
//
// Every curve is the quarter sine/cosine pair g_in(t) = sin(πt/2), g_out(t) = cos(πt/2),
// sampled at the sample centres t = (i + ½)/n, so g_in² + g_out² = 1 at every sample
// (constant power through a crossfade of uncorrelated material) and neither end of a
// ramp is exactly 0 or 1 — a ramp never repeats the edge sample it joins.
import Foundation

public enum Fades {
    /// Fade-in gain for sample `i` of an `n`-sample ramp.
    @inline(__always)
    public static func fadeInGain(_ i: Int, of n: Int) -> Float {
        Float(sin(Double.pi / 2 * (Double(i) + 0.5) / Double(n)))
    }

    /// Fade-out gain for sample `i` of an `n`-sample ramp.
    @inline(__always)
    public static func fadeOutGain(_ i: Int, of n: Int) -> Float {
        Float(cos(Double.pi / 2 * (Double(i) + 0.5) / Double(n)))
    }

    /// Ramps the first `count` samples up from silence (clamped to the buffer length).
    public static func fadeIn(_ samples: inout [Float], count: Int) {
        let n = min(max(count, 0), samples.count)
        for i in 0..<n { samples[i] *= fadeInGain(i, of: n) }
    }

    /// Ramps the last `count` samples down to silence (clamped to the buffer length).
    public static func fadeOut(_ samples: inout [Float], count: Int) {
        let n = min(max(count, 0), samples.count)
        let start = samples.count - n
        for i in 0..<n { samples[start + i] *= fadeOutGain(i, of: n) }
    }

    public static func fadeIn(_ buffer: AudioBuffer, count: Int) -> AudioBuffer {
        var s = buffer.samples
        fadeIn(&s, count: count)
        return AudioBuffer(samples: s, sampleRate: buffer.sampleRate)
    }

    public static func fadeOut(_ buffer: AudioBuffer, count: Int) -> AudioBuffer {
        var s = buffer.samples
        fadeOut(&s, count: count)
        return AudioBuffer(samples: s, sampleRate: buffer.sampleRate)
    }

    /// Joins `a` and `b`, overlapping the last `overlap` samples of `a` with the first
    /// `overlap` samples of `b` under the equal-power pair. The overlap is clamped to the
    /// shorter input; the result has `a.count + b.count − overlap` samples.
    public static func crossfade(_ a: [Float], _ b: [Float], overlap: Int) -> [Float] {
        let n = min(max(overlap, 0), a.count, b.count)
        var out = [Float]()
        out.reserveCapacity(a.count + b.count - n)
        out.append(contentsOf: a[0..<(a.count - n)])
        let aStart = a.count - n
        for i in 0..<n {
            out.append(a[aStart + i] * fadeOutGain(i, of: n) + b[i] * fadeInGain(i, of: n))
        }
        out.append(contentsOf: b[n...])
        return out
    }

    /// Equal-power crossfade of two buffers at the same sample rate.
    public static func crossfade(_ a: AudioBuffer, _ b: AudioBuffer, overlap: Int) -> AudioBuffer {
        precondition(a.sampleRate == b.sampleRate, "crossfade needs equal rates (\(a.sampleRate) vs \(b.sampleRate))")
        return AudioBuffer(samples: crossfade(a.samples, b.samples, overlap: overlap), sampleRate: a.sampleRate)
    }
}
