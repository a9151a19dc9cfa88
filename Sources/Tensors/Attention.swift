// Scaled dot-product attention: softmax(q·kᵀ·scale + mask)·v per (batch, head),
// with grouped-query heads (H a multiple of Hkv), causal, sliding-window, key-padding
// and additive masks. Masked scores are −inf; a query row with every key masked
// yields zeros (not NaN). Scores and products go through sgemm per head.

public struct AttentionMask: Sendable {
    /// Key j is hidden from query i when j > queryOffset + i.
    public var causal: Bool
    /// Absolute position of query 0 relative to key 0 (cache length before this step).
    public var queryOffset: Int
    /// Key j is hidden from query i when (queryOffset + i) − j ≥ window (HF sliding-window rule).
    public var slidingWindow: Int?
    /// Per batch row, per key: false hides the key (padding). Shape [B][Tk].
    public var keyValid: [[Bool]]?
    /// Added to the scores; shape broadcastable to (B, H, Tq, Tk) with rank 4 (dims may be 1).
    public var additive: Tensor?

    public init(causal: Bool = false, queryOffset: Int = 0, slidingWindow: Int? = nil, keyValid: [[Bool]]? = nil,
                additive: Tensor? = nil) {
        self.causal = causal
        self.queryOffset = queryOffset
        self.slidingWindow = slidingWindow
        self.keyValid = keyValid
        self.additive = additive
    }

    public static let none = AttentionMask()
}

/// Strided view of a (B, H, T, D) key or value block: rows contiguous, head/batch strides free.
public struct HeadsView {
    public let base: UnsafePointer<Float>
    public let batchStride: Int
    public let headStride: Int
    public let rowStride: Int

    public init(base: UnsafePointer<Float>, batchStride: Int, headStride: Int, rowStride: Int) {
        self.base = base
        self.batchStride = batchStride
        self.headStride = headStride
        self.rowStride = rowStride
    }

    @inline(__always) func head(_ b: Int, _ h: Int) -> UnsafePointer<Float> { base + b * batchStride + h * headStride }
}

public enum Attention {
    /// q (B, H, Tq, D), k (B, Hkv, Tk, D), v (B, Hkv, Tk, Dv) → (B, H, Tq, Dv). scale defaults to 1/√D.
    public static func scaledDotProduct(q: Tensor, k: Tensor, v: Tensor, mask: AttentionMask = .none,
                                        scale: Float? = nil) -> Tensor {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4, "attention expects rank-4 q/k/v, got \(q.shape) \(k.shape) \(v.shape)")
        precondition(k.shape[0] == q.shape[0] && v.shape[0] == q.shape[0] && k.shape[1] == v.shape[1] && k.shape[2] == v.shape[2]
                     && k.shape[3] == q.shape[3], "attention shapes disagree: q \(q.shape) k \(k.shape) v \(v.shape)")
        let (tk, d, dv) = (k.shape[2], k.shape[3], v.shape[3])
        let kv = HeadsView(base: k.pointer, batchStride: k.shape[1] * tk * d, headStride: tk * d, rowStride: d)
        let vv = HeadsView(base: v.pointer, batchStride: v.shape[1] * tk * dv, headStride: tk * dv, rowStride: dv)
        return attend(q: q, keys: kv, values: vv, kvHeads: k.shape[1], keyLength: tk, valueDim: dv, mask: mask, scale: scale)
    }

    /// Core on strided key/value views (used directly by `KVCache`).
    public static func attend(q: Tensor, keys: HeadsView, values: HeadsView, kvHeads: Int, keyLength tk: Int,
                              valueDim dv: Int, mask: AttentionMask, scale: Float?) -> Tensor {
        let (bsz, h, tq, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        precondition(h % kvHeads == 0, "query heads \(h) not a multiple of key/value heads \(kvHeads)")
        if let kvm = mask.keyValid {
            precondition(kvm.count == bsz && kvm.allSatisfy { $0.count == tk }, "keyValid must be [\(bsz)][\(tk)]")
        }
        var addStrides = [Int](repeating: 0, count: 4)
        if let a = mask.additive {
            precondition(a.rank == 4 && Tensor.broadcastShape(a.shape, [bsz, h, tq, tk]) == [bsz, h, tq, tk],
                         "additive mask \(a.shape) does not broadcast to \([bsz, h, tq, tk])")
            addStrides = Tensor.broadcastStrides(a.shape, to: [bsz, h, tq, tk])
        }
        let sc = scale ?? 1 / Float(d).squareRoot()
        let group = h / kvHeads
        var out = Tensor(zeros: [bsz, h, tq, dv]) // (B, H, Tq, Dv)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(tq * tk, 1))
        defer { scores.deallocate() }
        let qp = q.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            for b in 0..<bsz {
                for hh in 0..<h {
                    let kh = keys.head(b, hh / group), vh = values.head(b, hh / group)
                    let qh = qp + (b * h + hh) * tq * d
                    // scores (Tq, Tk) = scale · q (Tq, D) · kᵀ
                    BLAS.sgemm(transB: true, m: tq, n: tk, k: d, alpha: sc, a: qh, lda: d, b: kh, ldb: keys.rowStride,
                               c: scores, ldc: tk)
                    applyMask(scores, b: b, h: hh, tq: tq, tk: tk, mask: mask, addStrides: addStrides)
                    for i in 0..<tq { Tensor.softmaxRow(scores + i * tk, tk) }
                    // out (Tq, Dv) = P (Tq, Tk) · v (Tk, Dv)
                    BLAS.sgemm(m: tq, n: dv, k: tk, a: scores, lda: tk, b: vh, ldb: values.rowStride,
                               c: o + (b * h + hh) * tq * dv, ldc: dv)
                }
            }
        }
        return out
    }

    static func applyMask(_ s: UnsafeMutablePointer<Float>, b: Int, h: Int, tq: Int, tk: Int, mask: AttentionMask,
                          addStrides: [Int]) {
        if let a = mask.additive {
            let ap = a.pointer + b * addStrides[0] + h * addStrides[1]
            for i in 0..<tq {
                let row = s + i * tk, arow = ap + i * addStrides[2]
                for j in 0..<tk { row[j] += arow[j * addStrides[3]] }
            }
        }
        if mask.causal || mask.slidingWindow != nil {
            for i in 0..<tq {
                let pos = mask.queryOffset + i
                let row = s + i * tk
                if mask.causal && pos + 1 < tk {
                    for j in Swift.max(pos + 1, 0)..<tk { row[j] = -.infinity }
                }
                if let w = mask.slidingWindow {
                    let firstVisible = pos - w + 1 // keys j ≤ pos − w are hidden
                    if firstVisible > 0 { for j in 0..<Swift.min(firstVisible, tk) { row[j] = -.infinity } }
                }
            }
        }
        if let kvm = mask.keyValid {
            let valid = kvm[b]
            for j in 0..<tk where !valid[j] {
                for i in 0..<tq { s[i * tk + j] = -.infinity }
            }
        }
    }
}
