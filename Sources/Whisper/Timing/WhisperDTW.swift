// openai-whisper timing.py dtw_cpu + backtrace and median_filter.
//   dtw: cost (N+1)×(M+1) float32 (the float64 input is added to the float32 running cost and stored back as
//   float32, as numba does), cost[0,0] = 0, the rest +∞; column by column, the predecessor is the diagonal when it
//   is strictly smallest, else the one above when it is strictly smallest, else the one to the left. The path is
//   traced back from (N, M) with the first row forced left and the first column forced up.
//   median_filter: reflect-pad width/2 on the last axis, median of each window (the sorted middle value);
//   a last axis no longer than width/2 is returned unchanged.
import Foundation

public enum WhisperDTW {
    /// x (N, M) row-major → (text_indices, time_indices) along the path.
    public static func align(_ x: [Double], rows n: Int, columns m: Int) -> (textIndices: [Int], timeIndices: [Int]) {
        precondition(x.count == n * m, "dtw input has \(x.count) values, expected \(n)×\(m)")
        let w = m + 1
        var cost = [Float](repeating: .infinity, count: (n + 1) * w)
        var trace = [Int8](repeating: -1, count: (n + 1) * w)
        cost[0] = 0
        if n > 0 && m > 0 {
            for j in 1...m {
                for i in 1...n {
                    let c0 = cost[(i - 1) * w + j - 1], c1 = cost[(i - 1) * w + j], c2 = cost[i * w + j - 1]
                    let c: Float, t: Int8
                    if c0 < c1 && c0 < c2 {
                        (c, t) = (c0, 0)
                    } else if c1 < c0 && c1 < c2 {
                        (c, t) = (c1, 1)
                    } else {
                        (c, t) = (c2, 2)
                    }
                    cost[i * w + j] = Float(x[(i - 1) * m + j - 1] + Double(c))
                    trace[i * w + j] = t
                }
            }
        }
        for j in 0...m { trace[j] = 2 }
        for i in 0...n { trace[i * w] = 1 }
        var i = n, j = m
        var text: [Int] = [], time: [Int] = []
        while i > 0 || j > 0 {
            text.append(i - 1)
            time.append(j - 1)
            switch trace[i * w + j] {
            case 0: i -= 1; j -= 1
            case 1: i -= 1
            default: j -= 1
            }
        }
        return (text.reversed(), time.reversed())
    }

    /// Median filter of odd `width` along rows of length `length` (each row independently).
    public static func medianFilter(_ x: [Float], rowLength length: Int, width: Int) -> [Float] {
        let pad = width / 2
        guard length > pad else { return x }
        let rows = x.count / length
        var out = [Float](repeating: 0, count: x.count)
        var padded = [Float](repeating: 0, count: length + 2 * pad)
        var window = [Float](repeating: 0, count: width)
        for r in 0..<rows {
            let base = r * length
            for k in 0..<length { padded[pad + k] = x[base + k] }
            for k in 0..<pad {
                padded[pad - 1 - k] = x[base + k + 1]                 // reflect (edge not repeated)
                padded[pad + length + k] = x[base + length - 2 - k]
            }
            for t in 0..<length {
                for k in 0..<width { window[k] = padded[t + k] }
                window.sort()
                out[base + t] = window[pad]
            }
        }
        return out
    }
}
