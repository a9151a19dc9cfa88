// Signal padding as torch.nn.functional.pad does it.
//   reflect: mirror without repeating the edge sample ([.. x2 x1 | x0 x1 x2 ..]), pad < length
import Foundation

public enum Padding {
    /// Reflect-pads `x` by `left` and `right` samples (torch "reflect": the edge sample is not repeated).
    public static func reflect(_ x: [Float], left: Int, right: Int) throws -> [Float] {
        let n = x.count
        guard left >= 0, right >= 0 else {
            throw FeatureError.invalidConfig("reflect padding must be non-negative, got (\(left), \(right))")
        }
        guard left < n, right < n else {
            throw FeatureError.signalTooShort(samples: n, needed: max(left, right) + 1, what: "reflect padding by (\(left), \(right))")
        }
        var out = [Float](repeating: 0, count: n + left + right)
        out.withUnsafeMutableBufferPointer { o in
            x.withUnsafeBufferPointer { s in
                for i in 0..<left { o[i] = s[left - i] }
                for i in 0..<n { o[left + i] = s[i] }
                for i in 0..<right { o[left + n + i] = s[n - 2 - i] }
            }
        }
        return out
    }

    /// Zero-pads `x` by `left` and `right` samples.
    public static func zeros(_ x: [Float], left: Int, right: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count + left + right)
        out.replaceSubrange(left..<(left + x.count), with: x)
        return out
    }
}
