// Slicing along one axis and concatenation (both materialize contiguous results).
extension Tensor {
    /// Elements start..<end (step `step`) along `axis`, like torch's x[..., start:end:step, ...].
    public func slice(axis: Int, start: Int, end: Int, step: Int = 1) -> Tensor {
        let ax = normalizeAxis(axis)
        precondition(step >= 1, "slice step must be positive, got \(step)")
        precondition(start >= 0 && end <= shape[ax] && start <= end, "slice \(start)..<\(end) out of range for axis \(ax) of \(shape)")
        let len = (end - start + step - 1) / step
        var newShape = shape
        newShape[ax] = len
        if len == shape[ax] && step == 1 { return self }
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        var out = Tensor(zeros: newShape)
        let src = pointer
        let srcAxis = shape[ax]
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            for o in 0..<outer {
                for i in 0..<len {
                    let s = src + (o * srcAxis + start + i * step) * inner
                    (d + (o * len + i) * inner).update(from: s, count: inner)
                }
            }
        }
        return out
    }

    /// Concatenates tensors whose shapes agree except along `axis`.
    public static func concat(_ parts: [Tensor], axis: Int) -> Tensor {
        precondition(!parts.isEmpty, "concat of no tensors")
        let first = parts[0]
        let ax = first.normalizeAxis(axis)
        for p in parts {
            precondition(p.rank == first.rank, "concat rank mismatch: \(p.shape) vs \(first.shape)")
            for d in 0..<first.rank where d != ax {
                precondition(p.shape[d] == first.shape[d], "concat shape mismatch on axis \(d): \(p.shape) vs \(first.shape)")
            }
        }
        var newShape = first.shape
        newShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
        let outer = first.shape[..<ax].reduce(1, *)
        let inner = first.shape[(ax + 1)...].reduce(1, *)
        var out = Tensor(zeros: newShape)
        let total = newShape[ax]
        out.withUnsafeMutableBufferPointer { dst in
            let d = dst.baseAddress!
            var offset = 0
            for p in parts {
                let block = p.shape[ax] * inner
                let src = p.pointer
                for o in 0..<outer {
                    (d + (o * total + offset) * inner).update(from: src + o * block, count: block)
                }
                offset += p.shape[ax]
            }
        }
        return out
    }

    /// Splits along `axis` into pieces of the given sizes.
    public func split(axis: Int, sizes: [Int]) -> [Tensor] {
        let ax = normalizeAxis(axis)
        precondition(sizes.reduce(0, +) == shape[ax], "split sizes \(sizes) do not add up to \(shape[ax])")
        var start = 0
        return sizes.map { n in
            defer { start += n }
            return slice(axis: ax, start: start, end: start + n)
        }
    }
}
