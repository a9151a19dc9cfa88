import XCTest
import Tensors
import TestSupport
@testable import Neural

final class LayerTests: XCTestCase {
    func testActivationValues() {
        let x = Tensor(shape: [4], data: [-1, 0, 1, 25])
        // torch.nn.functional.{gelu, gelu(approximate='tanh'), silu, mish, elu} at −1, 0, 1, 25
        XCTAssertEqual(Activation.gelu.callAsFunction(x).array, [-0.15865526, 0, 0.8413447, 25], accuracy: 1e-6)
        XCTAssertEqual(Activation.geluTanh.callAsFunction(x).array, [-0.15880801, 0, 0.8411920, 25], accuracy: 1e-6)
        XCTAssertEqual(Activation.silu.callAsFunction(x).array, [-0.26894142, 0, 0.7310586, 25], accuracy: 1e-6)
        XCTAssertEqual(Activation.mish.callAsFunction(x).array, [-0.30340144, 0, 0.8650984, 25], accuracy: 1e-6)
        XCTAssertEqual(Activation.elu(alpha: 1)(x).array, [-0.63212055, 0, 1, 25], accuracy: 1e-6)
        XCTAssertEqual(Activation(name: "gelu_pytorch_tanh"), .geluTanh)
    }

    func testSnakeAndSnakeBeta() {
        let x = Tensor(shape: [1, 2, 3], data: [0.5, -1, 2, 0.5, -1, 2])
        // log-scale parameters: α = e^a, β = e^b
        let sb = SnakeBeta(alpha: [0, log(2)], beta: [log(0.5), 0], logScale: true)
        let y = sb(x).array
        for (i, v) in x.array.enumerated() {
            let (a, b): (Float, Float) = i < 3 ? (1, 0.5) : (2, 1)
            let s = sinf(a * v)
            XCTAssertEqual(y[i], v + 1 / (b + 1e-9) * s * s, accuracy: 1e-6)
        }
        let snake = SnakeBeta.snake(alpha: [0.3, 0.3], logScale: false)(x).array
        let s = sinf(0.3 * 2)
        XCTAssertEqual(snake[2], 2 + 1 / (0.3 + 1e-9) * s * s, accuracy: 1e-6)
    }

    func testLinearConvEmbeddingLayersFromWeights() throws {
        let w = Tensor(shape: [2, 3], data: [1, 0, 0, 0, 1, 1])
        let store = WeightStore(tensors: [
            "fc.weight": w, "fc.bias": Tensor(shape: [2], data: [0.5, -0.5]),
            "emb.weight": Tensor(shape: [3, 2], data: [0, 1, 2, 3, 4, 5]),
            "conv.weight_g": Tensor(shape: [1, 1, 1], data: [2]),
            "conv.weight_v": Tensor(shape: [1, 1, 2], data: [3, 4]),
            "conv.bias": Tensor(shape: [1], data: [1]),
        ], source: "test")
        let fc = try Linear(store.scope("fc"), inFeatures: 3, outFeatures: 2)
        XCTAssertEqual(fc(Tensor(shape: [1, 3], data: [1, 2, 3])).array, [1.5, 4.5])
        let emb = try Embedding(store.scope("emb"), count: 3, dim: 2)
        XCTAssertEqual(try emb([2, 1]).array, [4, 5, 2, 3])
        // weight norm: g·v/‖v‖ = 2·[3, 4]/5 = [1.2, 1.6]
        let conv = try Conv1d(store.scope("conv"), inChannels: 1, outChannels: 1, kernelSize: 2)
        XCTAssertEqual(conv(Tensor(shape: [1, 1, 3], data: [1, 1, 2])).array, [1 + 2.8, 1 + 1.2 + 3.2], accuracy: 1e-6)
        try store.finish()
        let partial = WeightStore(tensors: ["fc.weight": w], source: "partial")
        XCTAssertThrowsError(try Linear(partial.scope("fc"), inFeatures: 3, outFeatures: 2), "missing bias must throw")
    }

    func testKaiserSincFilterMatchesStoredBuffers() throws {
        let store = try WeightStore(path: Fixtures.caseDir("indextts2/bigvgan_tiny").appendingPathComponent("weights.safetensors").path)
        let designed = UpSample1d.designedFilter(ratio: 2)
        XCTAssertEqual(designed.count, 12)
        for key in ["activation_post.upsample.filter", "activation_post.downsample.lowpass.filter",
                    "resblocks.0.activations.3.upsample.filter"] {
            let stored = try store.peek(key).array
            // torch evaluates the design in float32: agreement to ≤ 1 ulp per tap
            for (a, b) in zip(designed, stored) { XCTAssertEqual(a, b, accuracy: 3.0e-8, key) }
        }
        XCTAssertEqual(designed.reduce(0, +), 1, accuracy: 1e-6)
    }

    func testUpDownSampleMatchDirectLoops() {
        var rng = SeededRNG(seed: 5)
        let f = UpSample1d.designedFilter(ratio: 2)
        let (c, l) = (2, 9)
        let x = Tensor(shape: [1, c, l], data: (0..<(c * l)).map { _ in rng.nextGaussian() })
        let up = UpSample1d(ratio: 2, filter: f)(x)
        XCTAssertEqual(up.shape, [1, c, 2 * l])
        // direct: y[m] = 2 Σ_k f[k] · xpad[(m + 15 − k)/2] over (m + 15 − k) even, xpad = replicate-pad 5
        for ch in 0..<c { for m in 0..<(2 * l) {
            var s: Float = 0
            for k in 0..<12 where (m + 15 - k) % 2 == 0 {
                let t = (m + 15 - k) / 2 - 5
                s += f[k] * x[flat: ch * l + Swift.min(Swift.max(t, 0), l - 1)]
            }
            XCTAssertEqual(up[flat: ch * 2 * l + m], 2 * s, accuracy: 1e-6)
        } }
        let down = DownSample1d(ratio: 2, filter: f)(up)
        XCTAssertEqual(down.shape, [1, c, l])
        for ch in 0..<c { for i in 0..<l {
            var s: Float = 0
            for k in 0..<12 { s += f[k] * up[flat: ch * 2 * l + Swift.min(Swift.max(2 * i + k - 5, 0), 2 * l - 1)] }
            XCTAssertEqual(down[flat: ch * l + i], s, accuracy: 1e-6)
        } }
    }

    func testFusedActivation1dMatchesReferencePath() {
        var rng = SeededRNG(seed: 6)
        let f = UpSample1d.designedFilter(ratio: 2)
        for l in [1, 2, 5, 13, 2047, 2049, 5000] {
            let c = 3
            let act = SnakeBeta(alpha: (0..<c).map { _ in rng.nextGaussian() * 0.3 },
                                beta: (0..<c).map { _ in rng.nextGaussian() * 0.3 }, logScale: true)
            let a1 = Activation1d(up: UpSample1d(ratio: 2, filter: f), down: DownSample1d(ratio: 2, filter: f), act: act)
            let x = Tensor(shape: [2, c, l], data: (0..<(2 * c * l)).map { _ in rng.nextGaussian() * 2 })
            let fused = a1(x), ref = a1.reference(x)
            XCTAssertEqual(fused.shape, ref.shape, "L=\(l)")
            let diff = zip(fused.array, ref.array).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThan(diff, 2e-5, "L=\(l)")
        }
    }
}

private func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
