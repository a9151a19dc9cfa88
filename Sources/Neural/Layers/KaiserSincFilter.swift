// BigVGAN alias_free_activation/torch/filter.py `kaiser_sinc_filter1d`: a Kaiser-windowed
// sinc low-pass filter normalized to unit sum.
//   A = 2.285·(K/2 − 1)·π·(4·half_width) + 7.95; β from Kaiser's formula (> 50: 0.1102·(A − 8.7));
//   window = torch.kaiser_window(K, β, periodic=False) = I0(β·√(1 − ((n − α)/α)²)) / I0(β), α = (K − 1)/2;
//   t = arange(−K/2, K/2) + 0.5 (even K) or arange(K) − K/2 (odd K);
//   h = 2·cutoff·window·sinc(2·cutoff·t), then h /= sum(h).
// torch evaluates this chain in float32; we evaluate it in Double and round once. The result
// agrees with the `filter` buffers stored in BigVGAN checkpoints to within 1 ulp per tap
// (|Δ| ≤ 3e-8; checked in LayerTests). Inference uses the stored buffers when a checkpoint
// has them (BigVGAN registers them as persistent buffers), as torch's load_state_dict does.
import Foundation

public enum KaiserSincFilter {
    public static func make(cutoff: Double, halfWidth: Double, kernelSize: Int) -> [Float] {
        let even = kernelSize % 2 == 0
        let half = kernelSize / 2
        let deltaF = 4 * halfWidth
        let a = 2.285 * Double(half - 1) * Double.pi * deltaF + 7.95
        let beta: Double
        if a > 50 { beta = 0.1102 * (a - 8.7) } else if a >= 21 { beta = 0.5842 * pow(a - 21, 0.4) + 0.07886 * (a - 21) } else { beta = 0 }
        if cutoff == 0 { return [Float](repeating: 0, count: kernelSize) }
        let window = kaiserWindow(kernelSize, beta: beta)
        var h = [Double](repeating: 0, count: kernelSize)
        for i in 0..<kernelSize {
            let t = even ? Double(i - half) + 0.5 : Double(i - half)
            let arg = 2 * cutoff * t
            let sinc = arg == 0 ? 1 : sin(Double.pi * arg) / (Double.pi * arg)
            h[i] = 2 * cutoff * window[i] * sinc
        }
        let s = h.reduce(0, +)
        return h.map { Float($0 / s) }
    }

    /// torch.kaiser_window(n, periodic=False, beta).
    static func kaiserWindow(_ n: Int, beta: Double) -> [Double] {
        if n == 1 { return [1] }
        let alpha = Double(n - 1) / 2
        return (0..<n).map { i in
            let r = (Double(i) - alpha) / alpha
            return besselI0(beta * Swift.max(0, 1 - r * r).squareRoot()) / besselI0(beta)
        }
    }

    /// Modified Bessel function of the first kind, order 0 (power series; converges for all x).
    static func besselI0(_ x: Double) -> Double {
        var sum = 1.0, term = 1.0
        let q = x * x / 4
        for k in 1..<200 {
            term *= q / Double(k * k)
            sum += term
            if term < sum * 1e-17 { break }
        }
        return sum
    }
}
