// The DiT estimator's float32 kernels (DiTF32Kernels): models build the render set, the oneDNN candidate carries
// oneDNN float32 matmuls; the attention
// loop with packed K / V panels gives the previous loop's bytes; RoPE rotates every q and k pair; every part gives
// each batch item the same bytes as the item alone, run after run; and the new kernels stay within float32 rounding
// of the previous ones on the s2mel_tiny case (its parity against PyTorch is IndexTTS2S2MelTests').
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2DiTKernelsTests: XCTestCase {
    func s2melTiny() throws -> (S2Mel, ParityCase) {
        let c = try Fixtures.load("indextts2/s2mel_tiny")
        let store = try WeightStore(path: c.weightsURL!.path)
        return (try S2Mel(config: try IndexTTS2S2MelParity.config(c), weights: store.root), c)
    }

    func random(_ shape: [Int], _ rng: inout SeededRNG, std: Float = 1) -> Tensor {
        var x = Tensor(zeros: shape)
        x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextGaussian() * std } }
        return x
    }

    func attention(dim: Int, heads: Int, _ rng: inout SeededRNG) throws -> DiTAttention {
        let s = 1 / Float(dim).squareRoot()
        let store = WeightStore(tensors: ["wqkv.weight": random([3 * dim, dim], &rng, std: s), "wo.weight": random([dim, dim], &rng, std: s)],
                                source: "random attention")
        return try DiTAttention(store.root, dim: dim, heads: heads)
    }

    func testModelsBuildTheRenderKernelsAndTheCandidateCarriesOneDNNMatmuls() throws {
        let (model, _) = try s2melTiny()
        XCTAssertEqual(model.cfm.estimator.f32Kernels, .oneDNN)
        let e = model.cfm.estimator.using(.oneDNN)
        XCTAssertEqual(e.f32Kernels, .oneDNN)
        for b in e.transformer.blocks {
            XCTAssertEqual(b.attention.fastQKV?.precision, .f32)
            XCTAssertEqual(b.attention.fastWO?.precision, .f32)
            XCTAssertEqual(b.feedForward.fast13?.precision, .f32)
            XCTAssertNil(b.feedForward.fast2)
            XCTAssertNil(b.fastSkipIn)
            XCTAssertFalse(b.attention.legacyAttention)
        }
        XCTAssertTrue(([e.wavenet.condLayer] + e.wavenet.inLayers + e.wavenet.resSkipLayers)
            .allSatisfy { $0.f32Matmul?.precision == .f32 && $0.fast == nil })
        XCTAssertEqual(e.fastProjections.conv1?.precision, .f32)
        XCTAssertEqual(e.bf16MatmulCount, 0)
        let old = e.using(.legacy)
        XCTAssertEqual(old.f32Kernels, .legacy)
        XCTAssertTrue(old.transformer.blocks.allSatisfy { $0.attention.fastQKV == nil && $0.feedForward.fast13 == nil && $0.attention.legacyAttention })
        XCTAssertTrue((old.wavenet.inLayers + old.wavenet.resSkipLayers).allSatisfy { $0.f32Matmul == nil })
        XCTAssertNil(old.fastProjections.conv1)
    }

    /// Packed K / V panels and one unpartitioned sgemm per block give exactly the previous loop's bytes (partitioned
    /// sgemm calls reading q, k, v in place), at the real head size and at a tiny one, across block boundaries.
    func testAttentionGivesThePreviousLoopsBytes() throws {
        var rng = SeededRNG(seed: 5)
        for (dim, heads, lengths) in [(512, 8, [1, 5, 128, 129, 300, 700]), (32, 4, [3, 130])] {
            let a = try attention(dim: dim, heads: heads, &rng)
            for t in lengths {
                let qkv = random([2, t, 3 * dim], &rng) // (B, T, 3D)
                let new = a.attend(qkv, batch: 2, length: t, dim: dim), old = a.attendLegacy(qkv, batch: 2, length: t, dim: dim)
                XCTAssertEqual(new.shape, [2, t, dim])
                XCTAssertEqual(new.array, old.array, "D \(dim) T \(t): attention bytes changed")
            }
        }
    }

    /// gpt_fast's interleaved RoPE on the q and k parts of every row (v untouched), written out pair by pair here.
    func testRoPERotatesEveryQueryAndKeyPair() throws {
        var rng = SeededRNG(seed: 6)
        let (dim, heads, t) = (64, 4, 9)
        let a = try attention(dim: dim, heads: heads, &rng)
        let hd = dim / heads
        let rope = DiTRoPE(length: t, headDim: hd, base: 10000)
        let qkv = random([2, t, 3 * dim], &rng)
        var rotated = qkv
        a.applyRoPE(&rotated, rope: rope)
        let x = qkv.array, y = rotated.array
        for b in 0..<2 {
            for pos in 0..<t {
                let row = (b * t + pos) * 3 * dim
                for j in 0..<(3 * dim) where j >= 2 * dim {
                    XCTAssertEqual(y[row + j], x[row + j], "v changed at \(b), \(pos), \(j)")
                }
                for pair in 0..<dim { // q and k: 2D values
                    let m = pair % (hd / 2)
                    let theta = Float(pos) * Float(Foundation.pow(10000.0, -2.0 * Double(m) / Double(hd)))
                    let (u, v) = (x[row + 2 * pair], x[row + 2 * pair + 1])
                    XCTAssertEqual(y[row + 2 * pair], u * cos(theta) - v * sin(theta), accuracy: 2e-5 * (1 + Float(pos)))
                    XCTAssertEqual(y[row + 2 * pair + 1], v * cos(theta) + u * sin(theta), accuracy: 2e-5 * (1 + Float(pos)))
                }
            }
        }
    }

    /// The parts on oneDNN float32 matmuls (attention with wqkv / wo, the feed-forward's w1‖w3, the WaveNet's in and
    /// res_skip convolutions and its cond layer, conv1) give each batch item the same bytes alone as in the CFG batch, run after run.
    func testFloat32KernelsGiveBatchEqualsAloneAndAreDeterministic() throws {
        let (model, c) = try s2melTiny()
        let e = model.cfm.estimator.using(.oneDNN)
        let t = try c.input("noise").shape[2]
        let block = e.transformer.blocks[0]
        let d = block.attention.wqkv.shape[1], w = e.wavenet.hidden
        var rng = SeededRNG(seed: 12)
        let x = random([2, t, d], &rng), h = random([2, t, w], &rng), g = random([2, w], &rng)
        let rope = DiTRoPE(length: t, headDim: d / block.attention.heads, base: e.transformer.ropeBase)
        let conv1 = try XCTUnwrap(e.fastProjections.conv1)
        try BatchItemChecks.assertItemsEqualAlone([
            ("attention", x, { x, _ in try block.attention(x, rope: rope) }),
            ("feed-forward", x, { x, _ in try block.feedForward(x) }),
            ("conv1", x, { x, _ in try conv1(x) }),
            ("wavenet", h, { x, b in try e.wavenet(x, condition: b < 0 ? g : g.slice(axis: 0, start: b, end: b + 1)) }),
        ])
    }

    /// One estimator call on s2mel_tiny's recorded noise: the oneDNN float32 kernels agree with the previous OpenBLAS
    /// ones to float32 rounding (both sum float32 products; only the order differs).
    func testOneDNNKernelsAgreeWithThePreviousOnesToRounding() throws {
        let (model, c) = try s2melTiny()
        let x = try c.input("noise"), t = x.shape[2], cin = x.shape[1]
        var rng = SeededRNG(seed: 13)
        let mu = random([1, t, model.config.dit.contentDim], &rng), style = random([1, model.config.styleDim], &rng)
        let promptX = random([1, cin, t], &rng)
        let new = try model.cfm.estimator.using(.oneDNN)(x: x, promptX: promptX, t: [0.3], style: style, mu: mu)
        let old = try model.cfm.estimator.using(.legacy)(x: x, promptX: promptX, t: [0.3], style: style, mu: mu)
        let scale = old.array.map { abs($0) }.max() ?? 1
        let maxDiff = zip(new.array, old.array).map { abs($0 - $1) }.max() ?? 0
        print(String(format: "DIT-KERNELS s2mel_tiny estimator call: max|new − old| / max|old| = %.2e", maxDiff / scale))
        XCTAssertLessThanOrEqual(maxDiff / scale, 1e-5)
    }
}
