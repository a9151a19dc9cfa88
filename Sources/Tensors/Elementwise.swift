// Elementwise arithmetic with numpy/torch broadcasting, plus bias-add and scaling.
// Loops run over raw pointers so the optimizer vectorizes them; large tensors are
// split across `Tensors.threadCount` workers (each element is written by one worker).

public enum BinaryOp: Sendable {
    case add, sub, mul, div, maximum, minimum

    @inline(__always)
    func apply(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .maximum: return Swift.max(a, b)
        case .minimum: return Swift.min(a, b)
        }
    }
}

extension Tensor {
    static let parallelGrain = 1 << 15

    /// Broadcast shape of two shapes (numpy rules), or nil when incompatible.
    public static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let r = Swift.max(a.count, b.count)
        var out = [Int](repeating: 1, count: r)
        for i in 0..<r {
            let da = i < r - a.count ? 1 : a[i - (r - a.count)]
            let db = i < r - b.count ? 1 : b[i - (r - b.count)]
            if da != db && da != 1 && db != 1 { return nil }
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Applies `op` elementwise with broadcasting.
    public func binary(_ other: Tensor, _ op: BinaryOp) -> Tensor {
        guard let outShape = Tensor.broadcastShape(shape, other.shape) else {
            preconditionFailure("cannot broadcast \(shape) with \(other.shape)")
        }
        var out = Tensor(zeros: outShape)
        let n = out.count
        let a = pointer, b = other.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            if shape == outShape && other.shape == outShape {
                Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in
                    for i in r { o[i] = op.apply(a[i], b[i]) }
                }
            } else if other.count == 1 && shape == outShape {
                let s = b[0]
                Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in
                    for i in r { o[i] = op.apply(a[i], s) }
                }
            } else if shape == outShape, Tensor.isSuffixBroadcast(other.shape, of: outShape) {
                // other repeats with period other.count (e.g. (…, C) ⊕ (C)).
                let p = other.count
                Tensors.parallelFor(n / p, minChunk: Swift.max(1, Tensor.parallelGrain / p)) { rows in
                    for row in rows {
                        let ar = a + row * p, orow = o + row * p
                        for j in 0..<p { orow[j] = op.apply(ar[j], b[j]) }
                    }
                }
            } else {
                let sa = Tensor.broadcastStrides(shape, to: outShape)
                let sb = Tensor.broadcastStrides(other.shape, to: outShape)
                let inner = outShape.last ?? 1
                let rows = n / Swift.max(inner, 1)
                let ia = sa.last ?? 0, ib = sb.last ?? 0
                Tensors.parallelFor(rows, minChunk: Swift.max(1, Tensor.parallelGrain / Swift.max(inner, 1))) { rr in
                    for row in rr {
                        var rem = row, offA = 0, offB = 0
                        for ax in stride(from: outShape.count - 2, through: 0, by: -1) {
                            let idx = rem % outShape[ax]
                            rem /= outShape[ax]
                            offA += idx * sa[ax]
                            offB += idx * sb[ax]
                        }
                        let orow = o + row * inner
                        for j in 0..<inner { orow[j] = op.apply(a[offA + j * ia], b[offB + j * ib]) }
                    }
                }
            }
        }
        return out
    }

    static func isSuffixBroadcast(_ small: [Int], of big: [Int]) -> Bool {
        var s = small
        while let f = s.first, f == 1, s.count > 1 { s.removeFirst() }
        return s.count <= big.count && Array(big.suffix(s.count)) == s
    }

    /// Strides of `shape` viewed in `target` (0 for broadcast axes).
    static func broadcastStrides(_ shape: [Int], to target: [Int]) -> [Int] {
        let st = strides(of: shape)
        let off = target.count - shape.count
        return (0..<target.count).map { i in
            i < off ? 0 : (shape[i - off] == 1 ? 0 : st[i - off])
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.binary(b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.binary(b, .sub) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.binary(b, .mul) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.binary(b, .div) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }

    /// self += other (same shape, or broadcastable into self's shape).
    public mutating func add(_ other: Tensor, scale: Float = 1) {
        if other.shape == shape {
            let b = other.pointer
            let n = count
            withUnsafeMutableBufferPointer { ob in
                let o = ob.baseAddress!
                Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in
                    if scale == 1 { for i in r { o[i] += b[i] } } else { for i in r { o[i] += scale * b[i] } }
                }
            }
        } else {
            precondition(Tensor.broadcastShape(shape, other.shape) == shape, "cannot add \(other.shape) into \(shape)")
            self = binary(scale == 1 ? other : other * scale, .add)
        }
    }

    /// Multiplies every element by `s` in place.
    public mutating func scale(by s: Float) {
        let n = count
        withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in for i in r { o[i] *= s } }
        }
    }

    /// Adds `bias` (size shape[axis]) broadcast along `axis`: (B, C, T) + bias(C) with axis 1,
    /// or (…, C) + bias(C) with axis -1.
    public func addingBias(_ bias: Tensor, axis: Int) -> Tensor {
        var out = self
        out.addBias(bias, axis: axis)
        return out
    }

    public mutating func addBias(_ bias: Tensor, axis: Int) {
        let ax = normalizeAxis(axis)
        let c = shape[ax]
        precondition(bias.count == c, "bias has \(bias.count) values, axis \(ax) of \(shape) has \(c)")
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        let b = bias.pointer
        withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(outer * c, minChunk: Swift.max(1, Tensor.parallelGrain / Swift.max(inner, 1))) { rows in
                for row in rows {
                    let v = b[row % c]
                    let p = o + row * inner
                    for j in 0..<inner { p[j] += v }
                }
            }
        }
    }

    /// Elementwise transform into a new tensor.
    public func map(_ f: (Float) -> Float) -> Tensor {
        var out = Tensor(zeros: shape)
        let a = pointer
        let n = count
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            withoutActuallyEscaping(f) { f in
                Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in for i in r { o[i] = f(a[i]) } }
            }
        }
        return out
    }

    /// Elementwise transform in place.
    public mutating func apply(_ f: (Float) -> Float) {
        let n = count
        withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            withoutActuallyEscaping(f) { f in
                Tensors.parallelFor(n, minChunk: Tensor.parallelGrain) { r in for i in r { o[i] = f(o[i]) } }
            }
        }
    }

    /// Clamps every element into [lo, hi].
    public func clamped(min lo: Float, max hi: Float) -> Tensor { map { Swift.min(Swift.max($0, lo), hi) } }
}
