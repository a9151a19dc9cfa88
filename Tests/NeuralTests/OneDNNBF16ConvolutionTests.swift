// oneDNN convolutions in bf16 (DNNLConvolution.DataType.bf16, ConvolutionPolicy.fastBF16): the result is the float32
// convolution of the source and weights rounded to bfloat16 (round to nearest even), accumulated in float32 — checked
// against Tensors' im2col + sgemm run on those rounded tensors, over strides, dilations, groups, causal padding,
// residuals, batches and transposed convolutions; batch items equal the item alone; the policy's per-shape choice.
// On CPUs without AVX512_BF16 each test checks instead that fast never chooses bf16 there.
import XCTest
import Tensors
import TestSupport
@testable import Neural

final class OneDNNBF16ConvolutionTests: XCTestCase {
    /// Each element rounded to bfloat16 (nearest, ties to even) and widened back to float32.
    private func bf16(_ t: Tensor) -> Tensor {
        var r = t
        r.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                let b = p[i].bitPattern
                p[i] = Float(bitPattern: (b &+ 0x7FFF &+ ((b >> 16) & 1)) & 0xFFFF_0000)
            }
        }
        return r
    }


    /// The rounded products are exact in float32 (8-bit mantissas), so only the summation order differs.
    private let bound: Float = 2e-6

    /// Whether this CPU runs bf16 natively. Where it does not, what is checked instead is that fast never chooses
    /// bf16 there (the policy falls back to float32 oneDNN / im2col), so the test runs on every CPU.
    private func hasBF16() -> Bool {
        guard DNNLConvolution.DataType.bf16.isNativelySupported else {
            XCTAssertEqual(ConvolutionPolicy.fastBF16.onThisCPU, .fast, "without AVX512_BF16 fast keeps float32")
            return false
        }
        return true
    }

    func testConv1dIsFloat32ConvolutionOfRoundedOperands() throws {
        guard hasBF16() else { return }
        let cases: [(cin: Int, cout: Int, k: Int, spec: Conv1dSpec, len: Int, batch: Int, bias: Bool)] = [
            (16, 24, 7, Conv1dSpec(padding: 3), 53, 1, true),
            (32, 32, 7, Conv1dSpec(padLeft: 54, padRight: 0, dilation: 9), 97, 2, true),      // causal, dilated
            (8, 12, 5, Conv1dSpec(stride: 2, padding: 2), 41, 1, false),
            (16, 32, 4, Conv1dSpec(stride: 2, padLeft: 2, padRight: 1, groups: 4), 37, 1, true),
            (96, 96, 1, Conv1dSpec(), 300, 2, true),                                           // pointwise
            (96, 64, 7, Conv1dSpec(padLeft: 6, padRight: 0), 700, 1, true),
        ]
        for (n, c) in cases.enumerated() {
            let w = ConvolutionTestTensors.random([c.cout, c.cin / c.spec.groups, c.k], seed: UInt64(10 + n), std: 0.3)
            let b = c.bias ? ConvolutionTestTensors.random([c.cout], seed: UInt64(40 + n), std: 0.1) : nil
            let x = ConvolutionTestTensors.random([c.batch, c.cin, c.len], seed: UInt64(70 + n))
            let reference = Conv1d(weight: bf16(w), bias: b, spec: c.spec)
            let layer = Conv1d(weight: w, bias: b, spec: c.spec).usingOneDNN(dataType: .bf16)
            XCTAssertEqual(layer.oneDNN?.dataType, .bf16)
            let want = reference(bf16(x)) // (B, Cout, Lout)
            let got = layer(x)
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(got, want), bound, "case \(n) \(c.spec)")
            let res = ConvolutionTestTensors.random(want.shape, seed: UInt64(90 + n))
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(layer(x, spec: c.spec, residual: res), reference(bf16(x), spec: c.spec, residual: res)),
                              bound, "case \(n), residual")
            // Not the float32 result: the rounding is real (guards against a silently float32 primitive).
            XCTAssertNotEqual(got.array, Conv1d(weight: w, bias: b, spec: c.spec)(x).array, "case \(n)")
        }
    }

    func testConvTranspose1dIsFloat32ConvolutionOfRoundedOperands() throws {
        guard hasBF16() else { return }
        let cases: [(cin: Int, cout: Int, k: Int, spec: ConvTranspose1dSpec, len: Int, batch: Int)] = [
            (32, 16, 16, ConvTranspose1dSpec(stride: 8), 23, 1),    // codec block 1 style
            (16, 16, 10, ConvTranspose1dSpec(stride: 5), 17, 2),
            (12, 8, 4, ConvTranspose1dSpec(stride: 2, padding: 1, outputPadding: 1), 15, 1),
        ]
        for (n, c) in cases.enumerated() {
            let w = ConvolutionTestTensors.random([c.cin, c.cout, c.k], seed: UInt64(100 + n), std: 0.3)
            let b = ConvolutionTestTensors.random([c.cout], seed: UInt64(140 + n), std: 0.1)
            let x = ConvolutionTestTensors.random([c.batch, c.cin, c.len], seed: UInt64(170 + n))
            let reference = ConvTranspose1d(weight: bf16(w), bias: b, spec: c.spec)
            let layer = ConvTranspose1d(weight: w, bias: b, spec: c.spec).usingOneDNN(dataType: .bf16)
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(layer(x), reference(bf16(x))), bound, "case \(n) \(c.spec)")
        }
    }

    func testBatchItemsEqualItemsAlone() throws {
        guard hasBF16() else { return }
        let w = ConvolutionTestTensors.random([96, 96, 7], seed: 1, std: 0.1), b = ConvolutionTestTensors.random([96], seed: 2)
        let layer = Conv1d(weight: w, bias: b, spec: Conv1dSpec(padLeft: 18, padRight: 0, dilation: 3)).usingOneDNN(dataType: .bf16)
        let x = ConvolutionTestTensors.random([3, 96, 150], seed: 3) // (B, C, L)
        let batch = layer(x)
        for i in 0..<3 {
            let alone = layer(x.slice(axis: 0, start: i, end: i + 1))
            XCTAssertEqual(batch.slice(axis: 0, start: i, end: i + 1).array, alone.array, "item \(i)")
        }
    }

    func testFastBF16PolicyChoosesPerShape() {
        func conv(_ cout: Int, _ cin: Int, _ k: Int, groups: Int = 1) -> Conv1d {
            Conv1d(weight: Tensor(zeros: [cout, cin / groups, k]), bias: nil, spec: Conv1dSpec(padding: k / 2, groups: groups))
        }
        let native = DNNLConvolution.DataType.bf16.isNativelySupported
        XCTAssertEqual(conv(768, 768, 7).using(.fastBF16).oneDNN?.dataType, native ? .bf16 : .f32)
        XCTAssertEqual(conv(384, 384, 1).using(.fastBF16).oneDNN?.dataType, native ? .bf16 : nil, "pointwise, 384 channels")
        XCTAssertEqual(conv(96, 96, 7).using(.fastBF16).oneDNN?.dataType, native ? .bf16 : .f32)
        XCTAssertNil(conv(48, 48, 7).using(.fastBF16).oneDNN, "48 channels: im2col + sgemm")
        XCTAssertNil(conv(1, 96, 7).using(.fastBF16).oneDNN, "one output channel: im2col + sgemm")
        XCTAssertNil(conv(1024, 1024, 7, groups: 1024).using(.fastBF16).oneDNN, "depthwise: im2col + sgemm")
        let up = ConvTranspose1d(weight: Tensor(zeros: [768, 384, 10]), bias: nil, spec: ConvTranspose1dSpec(stride: 5))
        XCTAssertEqual(up.using(.fastBF16).oneDNN?.dataType, native ? .bf16 : nil)
        XCTAssertEqual(conv(8, 8, 3).using(.oneDNNBF16Everywhere).oneDNN?.dataType, .bf16)
        XCTAssertNil(conv(768, 768, 7).using(.exact).oneDNN, "exact keeps im2col + sgemm")
    }
}
