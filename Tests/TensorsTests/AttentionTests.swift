import XCTest
@testable import Tensors

final class AttentionTests: XCTestCase {
    /// Direct attention for one (b, h): visible(i, j) decides the mask.
    func naive(q: Tensor, k: Tensor, v: Tensor, b: Int, h: Int, kvh: Int, visible: (Int, Int) -> Bool) -> [Float] {
        let (hq, tq, d) = (q.shape[1], q.shape[2], q.shape[3])
        let (hk, tk, dv) = (k.shape[1], k.shape[2], v.shape[3])
        _ = hk
        var out: [Float] = []
        for i in 0..<tq {
            var scores = [Double](repeating: -.infinity, count: tk)
            for j in 0..<tk where visible(i, j) {
                var s = 0.0
                for e in 0..<d { s += Double(q[flat: ((b * hq + h) * tq + i) * d + e]) * Double(k[flat: ((b * k.shape[1] + kvh) * tk + j) * d + e]) }
                scores[j] = s / Double(d).squareRoot()
            }
            let m = scores.max()!
            if m == -.infinity { out += [Float](repeating: 0, count: dv); continue }
            let e = scores.map { exp($0 - m) }
            let z = e.reduce(0, +)
            for c in 0..<dv {
                var acc = 0.0
                for j in 0..<tk { acc += e[j] / z * Double(v[flat: ((b * v.shape[1] + kvh) * tk + j) * dv + c]) }
                out.append(Float(acc))
            }
        }
        return out
    }

    func testMasksAgainstDirectComputation() {
        var rng = TestRNG(7)
        let (bsz, h, hkv, tq, tk, d) = (2, 4, 2, 5, 7, 8)
        let q = rng.tensor([bsz, h, tq, d]), k = rng.tensor([bsz, hkv, tk, d]), v = rng.tensor([bsz, hkv, tk, 6])
        let offset = tk - tq
        let valid: [[Bool]] = [[true, true, true, true, true, true, true], [false, true, true, true, true, false, true]]
        let cases: [(AttentionMask, (Int, Int, Int) -> Bool)] = [
            (AttentionMask(), { _, _, _ in true }),
            (AttentionMask(causal: true, queryOffset: offset), { _, i, j in j <= offset + i }),
            (AttentionMask(causal: true, queryOffset: offset, slidingWindow: 3), { _, i, j in j <= offset + i && offset + i - j < 3 }),
            (AttentionMask(keyValid: valid), { b, _, j in valid[b][j] }),
            (AttentionMask(causal: true, queryOffset: offset, keyValid: valid), { b, i, j in j <= offset + i && valid[b][j] }),
        ]
        for (n, (mask, visible)) in cases.enumerated() {
            let out = Attention.scaledDotProduct(q: q, k: k, v: v, mask: mask)
            XCTAssertEqual(out.shape, [bsz, h, tq, 6])
            for b in 0..<bsz { for hh in 0..<h {
                let want = naive(q: q, k: k, v: v, b: b, h: hh, kvh: hh / (h / hkv)) { i, j in visible(b, i, j) }
                let start = (b * h + hh) * tq * 6
                assertClose(Array(out.array[start..<(start + tq * 6)]), want, atol: 2e-6, "case \(n) b\(b) h\(hh)")
            } }
        }
    }

    func testAdditiveMaskAndFullyMaskedRow() {
        var rng = TestRNG(8)
        let q = rng.tensor([1, 1, 2, 4]), k = rng.tensor([1, 1, 3, 4]), v = rng.tensor([1, 1, 3, 2])
        // additive −inf on key 1 equals hiding it through keyValid
        let add = Tensor(shape: [1, 1, 1, 3], data: [0, -.infinity, 0])
        let a = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(additive: add))
        let b = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(keyValid: [[true, false, true]]))
        assertClose(a.array, b.array, atol: 1e-7)
        let none = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(keyValid: [[false, false, false]]))
        XCTAssertEqual(none.array, [0, 0, 0, 0])
    }

    func testKVCacheIncrementalEqualsFullCausal() throws {
        var rng = TestRNG(9)
        let (h, d, t) = (2, 4, 6)
        let q = rng.tensor([1, h, t, d]), k = rng.tensor([1, h, t, d]), v = rng.tensor([1, h, t, d])
        let full = Attention.scaledDotProduct(q: q, k: k, v: v, mask: AttentionMask(causal: true))
        let cache = KVCache(batch: 1, heads: h, capacity: 8, headDim: d)
        // prefill 4 positions, then 2 single steps
        try cache.append(keys: k.slice(axis: 2, start: 0, end: 4), values: v.slice(axis: 2, start: 0, end: 4))
        var pieces = [cache.attend(queries: q.slice(axis: 2, start: 0, end: 4))]
        for s in 4..<6 {
            try cache.append(keys: k.slice(axis: 2, start: s, end: s + 1), values: v.slice(axis: 2, start: s, end: s + 1))
            pieces.append(cache.attend(queries: q.slice(axis: 2, start: s, end: s + 1)))
        }
        assertClose(Tensor.concat(pieces, axis: 2).array, full.array, atol: 1e-6)
        XCTAssertEqual(cache.cachedKeys.array, k.array)
        XCTAssertThrowsError(try cache.append(keys: rng.tensor([1, h, 3, d]), values: rng.tensor([1, h, 3, d])))
    }

    func testKVCacheReorder() throws {
        var rng = TestRNG(10)
        let k = rng.tensor([3, 1, 2, 2]), v = rng.tensor([3, 1, 2, 2])
        let cache = KVCache(batch: 3, heads: 1, capacity: 4, headDim: 2)
        try cache.append(keys: k, values: v)
        try cache.reorder(batchIndices: [2, 2, 0])
        let ks = cache.cachedKeys.array
        XCTAssertEqual(Array(ks[0..<4]), Array(k.array[8..<12]))
        XCTAssertEqual(Array(ks[4..<8]), Array(k.array[8..<12]))
        XCTAssertEqual(Array(ks[8..<12]), Array(k.array[0..<4]))
    }

    func testRoPELayouts() {
        // head dim 4, base 10000: inv_freq = [1, 0.01]; position 1 → angles 1 and 0.01.
        let x: [Float] = [1, 2, 3, 4]
        let (c0, s0, c1, s1) = (cosf(1), sinf(1), cosf(0.01), sinf(0.01))
        var half = Tensor(shape: [1, 1, 1, 4], data: x)
        RotaryEmbedding(rotaryDim: 4, layout: .rotateHalf).apply(&half, positions: [1], timeAxis: 2)
        // pairs (0, 2) and (1, 3)
        assertClose(half.array, [1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1], atol: 1e-6)
        var inter = Tensor(shape: [1, 1, 1, 4], data: x)
        RotaryEmbedding(rotaryDim: 4, layout: .interleaved).apply(&inter, positions: [1], timeAxis: 2)
        // pairs (0, 1) and (2, 3)
        assertClose(inter.array, [1 * c0 - 2 * s0, 2 * c0 + 1 * s0, 3 * c1 - 4 * s1, 4 * c1 + 3 * s1], atol: 1e-6)
        // (B, T, H, D) layout with partial rotary: position 0 is the identity, trailing dims untouched.
        var bthd = Tensor(shape: [1, 2, 2, 6], data: (0..<24).map(Float.init))
        RotaryEmbedding(rotaryDim: 4, layout: .rotateHalf).apply(&bthd, positions: [0, 1], timeAxis: 1)
        XCTAssertEqual(Array(bthd.array[0..<12]), (0..<12).map(Float.init))
        let p = Array(bthd.array[12..<18]) // t = 1, head 0: [12 … 17]
        assertClose(p, [12 * c0 - 14 * s0, 13 * c1 - 15 * s1, 14 * c0 + 12 * s0, 15 * c1 + 13 * s1, 16, 17], atol: 1e-5)
    }
}
