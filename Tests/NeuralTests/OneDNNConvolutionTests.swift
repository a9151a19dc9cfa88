// oneDNN convolutions (DNNLConvolution through Conv1d/ConvTranspose1d.usingOneDNN()) against Tensors' im2col + sgemm
// path (usingOneDNN), over strides, dilations, groups, paddings (asymmetric, replicate, causal-style per-call), residuals,
// batches and 2-D inputs; the policy's per-shape choice; BigVGAN's parity case with oneDNN convolutions.
import XCTest
import Tensors
import TestSupport
@testable import Neural

final class OneDNNConvolutionTests: XCTestCase {

    /// fp32 with another summation order: a few ulps of the largest output per accumulated product.
    private let bound: Float = 2e-6

    func testConv1dMatchesIm2colSgemmOverSpecs() throws {
        let cases: [(cin: Int, cout: Int, k: Int, spec: Conv1dSpec, len: Int, batch: Int, bias: Bool)] = [
            (16, 24, 7, Conv1dSpec(padding: 3), 53, 1, true),
            (32, 32, 11, Conv1dSpec(padding: 25, dilation: 5), 97, 2, true),
            (8, 12, 5, Conv1dSpec(stride: 2, padding: 2), 41, 1, false),
            (24, 24, 3, Conv1dSpec(padLeft: 4, padRight: 0, dilation: 2), 30, 3, true),     // causal
            (16, 32, 4, Conv1dSpec(stride: 2, padLeft: 2, padRight: 1, groups: 4), 37, 1, true),
            (12, 6, 1, Conv1dSpec(), 64, 2, true),                                            // pointwise
            (10, 20, 3, Conv1dSpec(padding: 1, paddingMode: .replicate), 29, 1, true),
            (10, 20, 3, Conv1dSpec(padding: 2, paddingMode: .reflect), 29, 1, true),
            (80, 64, 7, Conv1dSpec(padding: 3), 700, 1, true),
        ]
        for (n, c) in cases.enumerated() {
            let w = ConvolutionTestTensors.random([c.cout, c.cin / c.spec.groups, c.k], seed: UInt64(10 + n), std: 0.3)
            let b = c.bias ? ConvolutionTestTensors.random([c.cout], seed: UInt64(40 + n), std: 0.1) : nil
            let x = ConvolutionTestTensors.random([c.batch, c.cin, c.len], seed: UInt64(70 + n))
            let layer = Conv1d(weight: w, bias: b, spec: c.spec)
            let fast = layer.usingOneDNN()
            let want = layer(x) // (B, Cout, Lout)
            let got = fast(x)
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(got, want), bound, "case \(n) \(c.spec)")
            XCTAssertEqual(got.shape, want.shape)
            // Again (the cached primitive and packed weights), and with a residual.
            let res = ConvolutionTestTensors.random(want.shape, seed: UInt64(90 + n))
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(fast(x, spec: c.spec, residual: res), layer(x, spec: c.spec, residual: res)), bound)
        }
    }

    func testPerCallPaddingAndTwoDimensionalInput() throws {
        let w = ConvolutionTestTensors.random([8, 8, 7], seed: 1, std: 0.3), b = ConvolutionTestTensors.random([8], seed: 2)
        let layer = Conv1d(weight: w, bias: b, spec: Conv1dSpec(padLeft: 0, padRight: 0, dilation: 3))
        let fast = layer.usingOneDNN()
        for len in [5, 19, 64] {
            var spec = layer.spec
            spec.padLeft = 18
            spec.padRight = len % 3
            let x = ConvolutionTestTensors.random([8, len], seed: UInt64(len)) // (C, L)
            let want = layer(x, spec: spec, residual: nil)
            let got = fast(x, spec: spec, residual: nil)
            XCTAssertEqual(got.shape, want.shape)
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(got, want), bound, "length \(len)")
        }
    }

    func testConvTranspose1dMatchesSgemmCol2im() throws {
        let cases: [(cin: Int, cout: Int, k: Int, spec: ConvTranspose1dSpec, len: Int, batch: Int, bias: Bool)] = [
            (32, 16, 8, ConvTranspose1dSpec(stride: 4, padding: 2), 23, 1, true),     // BigVGAN-style
            (16, 16, 10, ConvTranspose1dSpec(stride: 5), 17, 2, true),               // codec-style (trim later)
            (12, 8, 4, ConvTranspose1dSpec(stride: 2, padding: 1, outputPadding: 1), 15, 1, false),
            (16, 24, 3, ConvTranspose1dSpec(stride: 2, padding: 1, dilation: 2, groups: 4), 11, 1, true),
            (8, 8, 2, ConvTranspose1dSpec(stride: 2), 50, 1, true),
        ]
        for (n, c) in cases.enumerated() {
            let w = ConvolutionTestTensors.random([c.cin, c.cout / c.spec.groups, c.k], seed: UInt64(100 + n), std: 0.3)
            let b = c.bias ? ConvolutionTestTensors.random([c.cout], seed: UInt64(140 + n), std: 0.1) : nil
            let x = ConvolutionTestTensors.random([c.batch, c.cin, c.len], seed: UInt64(170 + n))
            let layer = ConvTranspose1d(weight: w, bias: b, spec: c.spec)
            let fast = layer.usingOneDNN()
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(fast(x), layer(x)), bound, "case \(n) \(c.spec)")
            XCTAssertLessThan(ConvolutionTestTensors.relativeError(fast(x), layer(x)), bound, "case \(n), cached")
        }
    }

    func testPolicyChoosesPerShape() {
        func conv(_ cout: Int, _ cin: Int, _ k: Int, groups: Int = 1) -> Conv1d {
            Conv1d(weight: Tensor(zeros: [cout, cin / groups, k]), bias: nil, spec: Conv1dSpec(padding: k / 2, groups: groups))
        }
        XCTAssertNil(conv(768, 768, 7).using(.exact).oneDNN, "exact keeps im2col + sgemm")
        XCTAssertNotNil(conv(768, 768, 7).using(.fast).oneDNN, "dense, k7, 768 channels: oneDNN")
        XCTAssertNotNil(conv(96, 96, 11).using(.fast).oneDNN)
        XCTAssertNil(conv(768, 768, 3).using(.fast).oneDNN, "k3 stays")
        XCTAssertNil(conv(768, 768, 1).using(.fast).oneDNN, "pointwise stays")
        XCTAssertNil(conv(48, 48, 11).using(.fast).oneDNN, "48 channels stay")
        XCTAssertNil(conv(1536, 80, 7).using(.fast).oneDNN, "80 input channels stay")
        XCTAssertNil(conv(1536, 1024, 7).using(.fast).oneDNN, "the codec's 1024 → 1536 k7 stays")
        XCTAssertNil(conv(1024, 1024, 7, groups: 1024).using(.fast).oneDNN, "depthwise stays")
        XCTAssertNotNil(conv(8, 8, 3).using(.oneDNNEverywhere).oneDNN)
        let up = ConvTranspose1d(weight: Tensor(zeros: [1536, 768, 8]), bias: nil, spec: ConvTranspose1dSpec(stride: 4, padding: 2))
        XCTAssertNil(up.using(.fast).oneDNN, "transposed convolutions stay")
        XCTAssertNotNil(up.using(.oneDNNEverywhere).oneDNN)
        // The exact layer is the very same computation (bit for bit).
        let w = ConvolutionTestTensors.random([6, 6, 5], seed: 5), x = ConvolutionTestTensors.random([1, 6, 40], seed: 6)
        let layer = Conv1d(weight: w, bias: nil, spec: Conv1dSpec(padding: 2))
        XCTAssertEqual(layer.using(.exact)(x).array, layer(x).array)
    }

    func testBigVGANTinyParityWithOneDNNConvolutions() throws {
        let c = try Fixtures.load("indextts2/bigvgan_tiny")
        let reports = try VocoderParity.runBigVGAN(c, convolutions: .oneDNNEverywhere)
        XCTAssertEqual(reports.count, 4)
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }
}
