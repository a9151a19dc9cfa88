// Scaled dot-product attention on Whisper's (T, C) row layouts, one head per worker: for head h the query, key and
// value blocks are the column slices h·Dh ..< (h+1)·Dh of (T, C) / (S, C) matrices (strided BLAS operands, no
// permutes); scores = q_h·k_hᵀ / √Dh (one single-threaded sgemm), an optional causal mask (key j hidden from query
// i when j > offset + i), softmax per row (AVX2 exp where the CPU has it, ≈1 ulp), out_h = P·v_h. Every head is
// computed by one worker, so results do not depend on the thread count.
import Foundation
import Tensors

enum WhisperAttentionKernel {
    /// q (T, C), keys/values rows 0..<keyLength of (≥S, C) buffers → (T, C). `keepScores` heads get their
    /// pre-softmax scores (T, keyLength) returned.
    static func attend(q: Tensor, keys: UnsafePointer<Float>, values: UnsafePointer<Float>, keyLength s: Int,
                       heads: Int, causalOffset: Int?, keepScores: [Int] = []) -> (output: Tensor, scores: [Int: Tensor]) {
        let t = q.shape[0], c = q.shape[1], dh = c / heads
        let scale = 1 / Float(dh).squareRoot()
        var out = Tensor(zeros: [t, c]) // (T, C)
        var kept = [Tensor?](repeating: nil, count: heads)
        let keepSet = Set(keepScores)
        let qp = q.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            kept.withUnsafeMutableBufferPointer { keptBuffer in
                let keptBase = keptBuffer.baseAddress!
                Tensors.parallelFor(heads) { range in
                    let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(t * s, 1))
                    defer { scores.deallocate() }
                    for h in range {
                        // scores (T, S) = scale · q_h (T, Dh) · k_hᵀ
                        BLAS.rawSgemm(false, true, t, s, dh, scale, qp + h * dh, c, keys + h * dh, c, 0, scores, s)
                        if let offset = causalOffset {
                            for i in 0..<t where offset + i + 1 < s {
                                let row = scores + i * s
                                for j in (offset + i + 1)..<s { row[j] = -.infinity }
                            }
                        }
                        if keepSet.contains(h) {
                            keptBase[h] = Tensor(shape: [t, s], data: Array(UnsafeBufferPointer(start: scores, count: t * s)))
                        }
                        for i in 0..<t { VectorMath.softmaxRow(scores + i * s, s) }
                        // out_h (T, Dh) = P (T, S) · v_h (S, Dh)
                        BLAS.rawSgemm(false, false, t, dh, s, 1, scores, s, values + h * dh, c, 0, o + h * dh, c)
                    }
                }
            }
        }
        var scoreMap: [Int: Tensor] = [:]
        for h in keepScores { scoreMap[h] = kept[h] }
        return (out, scoreMap)
    }
}

/// Keys and values of one decoder layer's self-attention, rows appended in place: (capacity, C) each.
final class WhisperRowCache {
    let capacity: Int
    let width: Int
    private(set) var length = 0
    private var keys: Tensor
    private var values: Tensor

    init(capacity: Int, width: Int) {
        self.capacity = capacity
        self.width = width
        keys = Tensor(zeros: [capacity, width])
        values = Tensor(zeros: [capacity, width])
    }

    /// Appends k and v (T, C) at rows length..<length+T.
    func append(keys k: Tensor, values v: Tensor) throws {
        let t = k.shape[0]
        guard length + t <= capacity else { throw WhisperError.contextOverflow(capacity: capacity, needed: length + t) }
        let start = length * width
        keys.withUnsafeMutableBufferPointer { b in
            (b.baseAddress! + start).update(from: k.pointer, count: t * width)
        }
        values.withUnsafeMutableBufferPointer { b in
            (b.baseAddress! + start).update(from: v.pointer, count: t * width)
        }
        length += t
    }

    var keyPointer: UnsafePointer<Float> { keys.pointer }
    var valuePointer: UnsafePointer<Float> { values.pointer }
}
