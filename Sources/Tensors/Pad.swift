// Padding along one axis with torch's modes: zeros (F.pad constant 0), reflect
// (mirror without repeating the edge; needs pad < length) and replicate (repeat the edge).
public enum PaddingMode: String, Sendable, Codable {
    case zeros, reflect, replicate
}

extension Tensor {
    /// Pads `axis` (default: last) with `left` and `right` elements.
    public func padded(axis: Int = -1, left: Int, right: Int, mode: PaddingMode = .zeros) -> Tensor {
        let ax = normalizeAxis(axis)
        precondition(left >= 0 && right >= 0, "negative padding (\(left), \(right))")
        if left == 0 && right == 0 { return self }
        let n = shape[ax]
        if mode == .reflect { precondition(left < n && right < n, "reflect padding (\(left), \(right)) needs length > pad, got \(n)") }
        if mode == .replicate { precondition(n > 0, "replicate padding of an empty axis") }
        var newShape = shape
        newShape[ax] = n + left + right
        var out = Tensor(zeros: newShape)
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        let np = newShape[ax]
        let src = pointer
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            Tensors.parallelFor(outer, minChunk: Swift.max(1, 65536 / Swift.max(np * inner, 1))) { rows in
                for o in rows {
                    let s = src + o * n * inner
                    let t = d + o * np * inner
                    (t + left * inner).update(from: s, count: n * inner)
                    if mode == .zeros { continue }
                    for j in 0..<left {
                        let srcIndex = Tensor.padSource(j - left, n, mode)
                        (t + j * inner).update(from: s + srcIndex * inner, count: inner)
                    }
                    for j in 0..<right {
                        let srcIndex = Tensor.padSource(n + j, n, mode)
                        (t + (left + n + j) * inner).update(from: s + srcIndex * inner, count: inner)
                    }
                }
            }
        }
        return out
    }

    /// Source index of padded position `i` (may be outside 0..<n) for reflect/replicate.
    @inline(__always)
    static func padSource(_ i: Int, _ n: Int, _ mode: PaddingMode) -> Int {
        switch mode {
        case .replicate: return i < 0 ? 0 : (i >= n ? n - 1 : i)
        case .reflect:
            if n == 1 { return 0 }
            let period = 2 * (n - 1)
            var j = i % period
            if j < 0 { j += period }
            return j < n ? j : period - j
        case .zeros: return i
        }
    }
}
