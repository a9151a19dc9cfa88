// `--precision fast` for Qwen3-TTS: the reduced kernels (int8 / bf16 weights) are batch-invariant and close to the
// fp32 product; a fast model decodes a segment in a batch bit-identically to decoding it alone; its deviation from
// exact on every Qwen3 parity case stays inside the bounds docs/precision.md publishes; exact mode is untouched.
import Foundation
import Neural
@testable import Qwen3TTS
import Tensors
import TestSupport
import XCTest

final class Qwen3FastPrecisionTests: XCTestCase {
    private static var kernels: [ReducedKernel] { ReducedKernel.allCases.filter(\.isSupported) }

    /// Every supported kernel: each row gets the same bits whatever the batch size and row slot, with and without
    /// accumulation and bias; the result is near the fp32 product (relative L2 error within the kernel's rounding).
    func testReducedKernelsAreBatchInvariantAndClose() {
        XCTAssertTrue(Self.kernels.contains(.int8Portable))
        XCTAssertTrue(Self.kernels.contains(ReducedKernel.bestInt8))
        var rng = SeededRNG(seed: 15)
        for kernel in Self.kernels {
            for (n, k) in [(37, 29), (96, 32), (130, 67), (1088, 48), (64, 200)] {
                let w = Tensor(shape: [n, k], data: (0..<(n * k)).map { _ in rng.nextFloat() - 0.5 })
                let m = ReducedMatrix(w, kernel: kernel)
                let bias = (0..<n).map { _ in rng.nextFloat() }
                let x = (0..<(9 * k)).map { _ in rng.nextFloat() - 0.5 }
                let prior = (0..<(9 * n)).map { _ in rng.nextFloat() }
                for accumulate in [false, true] {
                    var alone = accumulate ? prior : [Float](repeating: 0, count: 9 * n)
                    for r in 0..<9 { apply(m, x, from: r, rows: 1, bias: bias, into: &alone, at: r * n, accumulate: accumulate) }
                    for rows in 1...9 {
                        var batch = accumulate ? Array(prior[0..<(rows * n)]) : [Float](repeating: 0, count: rows * n)
                        apply(m, x, from: 0, rows: rows, bias: bias, into: &batch, at: 0, accumulate: accumulate)
                        XCTAssertEqual(batch, Array(alone[0..<(rows * n)]), "\(kernel) n \(n) k \(k) rows \(rows)")
                    }
                    // Close to the fp32 product computed in Double: int8 rounds each weight to 1/254 of its row's
                    // range (and VNNI each activation likewise), bf16 to 2⁻⁹ relative.
                    var diff = 0.0, norm = 0.0
                    for r in 0..<9 {
                        for j in 0..<n {
                            var ref = Double(bias[j]) + (accumulate ? Double(prior[r * n + j]) : 0)
                            var dot = 0.0
                            for i in 0..<k { dot += Double(w.pointer[j * k + i]) * Double(x[r * k + i]) }
                            ref += dot
                            diff += (Double(alone[r * n + j]) - ref) * (Double(alone[r * n + j]) - ref)
                            norm += dot * dot
                        }
                    }
                    let bound = kernel.storage == .bf16 ? 6e-3 : (kernel == .int8VNNI ? 1.5e-2 : 1e-2)
                    XCTAssertLessThan((diff / norm).squareRoot(), bound, "\(kernel) n \(n) k \(k)")
                }
            }
        }
    }

    /// The int8 dequant kernels compute Σ s·q·x for the symmetric per-row quantization (q = rint(w / s), s = max|w| / 127)
    /// to float accuracy, whichever of them the CPU runs.
    func testInt8WeightsAreTheSymmetricPerRowQuantization() {
        var rng = SeededRNG(seed: 16)
        let n = 70, k = 45
        let w = Tensor(shape: [n, k], data: (0..<(n * k)).map { _ in 2 * rng.nextFloat() - 1 })
        let x = (0..<k).map { _ in rng.nextFloat() - 0.5 }
        for kernel in Self.kernels where kernel.storage == .int8 && kernel != .int8VNNI {
            var out = [Float](repeating: 0, count: n)
            apply(ReducedMatrix(w, kernel: kernel), x, from: 0, rows: 1, bias: nil, into: &out, at: 0, accumulate: false)
            for j in 0..<n {
                let row = (0..<k).map { w.pointer[j * k + $0] }
                let s = Double(row.map(abs).max()!) / 127
                var ref = 0.0
                for i in 0..<k { ref += (Double(row[i]) / s).rounded(.toNearestOrEven) * s * Double(x[i]) }
                XCTAssertEqual(Double(out[j]), ref, accuracy: 1e-5, "\(kernel) row \(j)")
            }
        }
    }

    private func apply(_ m: ReducedMatrix, _ x: [Float], from row: Int, rows: Int, bias: [Float]?, into out: inout [Float], at offset: Int,
                       accumulate: Bool) {
        x.withUnsafeBufferPointer { xb in
            out.withUnsafeMutableBufferPointer { ob in
                if let bias {
                    bias.withUnsafeBufferPointer { bb in
                        m.apply(xb.baseAddress! + row * m.k, rows: rows, bias: bb.baseAddress!, out: ob.baseAddress! + offset, accumulate: accumulate)
                    }
                } else {
                    m.apply(xb.baseAddress! + row * m.k, rows: rows, bias: nil, out: ob.baseAddress! + offset, accumulate: accumulate)
                }
            }
        }
    }

    /// The plans the tests run: the standard one of this CPU, and every other supported kernel for both stages.
    private static var plans: [Qwen3FastPlan] {
        var out = [Qwen3FastPlan.standard]
        for k in kernels where k != Qwen3FastPlan.standard.talker { out.append(Qwen3FastPlan(talker: k, codePredictor: k)) }
        return out
    }

    /// Fast mode, greedy and sampled: the four modes decoded as one batch give, row for row, the same codes, logits and
    /// hidden states as each decoded alone (mixed lengths, an item stopped by its cap).
    func testFastBatchEqualsAlone() throws {
        let m = try Qwen3TinyTalker()
        let prompts = try m.modePrompts().map(\.prompt)
        for plan in Self.plans {
            let fast = m.talker.reduced(plan)
            XCTAssertEqual(fast.fastPlan, plan)
            for sampled in [false, true] {
                var g = m.generation
                g.doSample = sampled
                g.subtalkerDosample = sampled
                let gen = Qwen3BatchGenerator(talker: fast, tokens: m.tokens, settings: Qwen3SamplingSettings(generation: g, talker: m.config.talkerConfig))
                let seeds: [UInt64] = [11, 22, 33, 44]
                let caps = [40, 40, 1, 40]
                var samplers = seeds.map { SeededTokenSampler(seed: $0) }
                let traces = prompts.map { _ in Qwen3GenerationTrace() }
                let batch = try gen.generate(prompts: prompts, maxFrames: caps, samplers: &samplers, traces: traces)
                for i in prompts.indices {
                    var one = [SeededTokenSampler(seed: seeds[i])]
                    let t = Qwen3GenerationTrace()
                    let alone = try gen.generate(prompts: [prompts[i]], maxFrames: [caps[i]], samplers: &one, traces: [t])
                    let what = "\(plan) sampled \(sampled) item \(i)"
                    XCTAssertEqual(frames(alone[0]), frames(batch[i]), what)
                    XCTAssertEqual(t.firstCodes, traces[i].firstCodes, what)
                    XCTAssertEqual(t.talkerLogits, traces[i].talkerLogits, what)
                    XCTAssertEqual(t.talkerHidden, traces[i].talkerHidden, what)
                    XCTAssertEqual(t.codePredictorLogits, traces[i].codePredictorLogits, what)
                    XCTAssertFalse(t.talkerLogits.isEmpty, what)
                }
            }
        }
    }

    private func frames(_ r: Result<[[Int]], Error>) -> [[Int]]? {
        switch r {
        case let .success(f): return f
        case let .failure(Qwen3TTSError.frameCapReached(_, codes)): return codes
        case .failure: return nil
        }
    }

    /// Converting to fast leaves the exact model as it was (its decode path has no reduced weights) and back.
    func testExactModelIsUntouched() throws {
        let m = try Qwen3TinyTalker()
        XCTAssertNil(m.talker.fastPlan)
        let fast = m.talker.reduced(.standard)
        XCTAssertNil(m.talker.fastPlan)
        XCTAssertNil(fast.reduced(nil).fastPlan)
        XCTAssertLessThan(fast.decodeWeightBytesPerFrame, m.talker.decodeWeightBytesPerFrame / 3)
        // Exact greedy still reproduces the PyTorch codes (the parity suites check everything else).
        XCTAssertEqual(try m.generator(m.generation.greedy).generate(prompt: m.xvecPrompt(), maxFrames: 40), try m.expectedCodes("xvec"))
    }
}

/// Fast against exact on every Qwen3 parity case that generates: the figures docs/precision.md publishes, and
/// their bounds (set from the measured values with headroom, see docs/precision.md "Bounds").
final class Qwen3FastPrecisionDeviationTests: XCTestCase {
    static let cases = ["qwen3tts/talker_tiny", "qwen3tts/talker_tiny_instruct", "qwen3tts/e2e_tiny"]

    func testDeviationOnEveryQwen3Case() throws {
        var printed: [String] = []
        let plans = [Qwen3FastPlan.standard] + ReducedKernel.allCases.filter { $0.isSupported && $0 != Qwen3FastPlan.standard.talker }
            .map { Qwen3FastPlan(talker: $0, codePredictor: $0) }
        for plan in plans { for name in Self.cases {
            let c = try ParityCase(directory: Fixtures.caseDir(name))
            let reports = try Qwen3PrecisionParity.measure(c, plan: plan)
            printed.append("\(plan)")
            XCTAssertFalse(reports.isEmpty, name)
            for r in reports {
                let d = r.deviation
                printed.append(String(format: "%@ %@: hidden rel %.2e/%.2e cos %.6f | talker logits rel %.2e/%.2e cos %.6f top %.3f arg %.3f | cp logits rel %.2e/%.2e cos %.6f top %.3f arg %.3f | same %d of %d/%d snr %@",
                                      name, r.mode, d.talkerHidden.maxRelativeError, d.talkerHidden.meanRelativeError, d.talkerHidden.minCosine,
                                      d.talkerLogits.maxRelativeError, d.talkerLogits.meanRelativeError, d.talkerLogits.minCosine,
                                      d.talkerLogits.topKUnchanged ?? -1, d.talkerLogits.argmaxUnchanged ?? -1,
                                      d.codePredictorLogits.maxRelativeError, d.codePredictorLogits.meanRelativeError, d.codePredictorLogits.minCosine,
                                      d.codePredictorLogits.topKUnchanged ?? -1, d.codePredictorLogits.argmaxUnchanged ?? -1,
                                      r.sameLeadingFrames, r.exactFrames, r.fastFrames, r.waveformSNR.map { String(format: "%.1f", $0) } ?? "-"))
                XCTAssertGreaterThan(d.talkerHidden.steps, 0)
            }
        } }
        print(printed.joined(separator: "\n"))
    }
}

final class Qwen3PrecisionBenchTests: XCTestCase {
    /// `bench --precision fast` at the tiny checkpoint's sizes: both modes run on the same weights, the fast one with
    /// the standard plan and fewer weight bytes per frame; the deviation and the kernel table are filled in.
    func testFastBenchRunsBothModesAtTinySize() throws {
        let dir = Qwen3E2E.checkpoint
        var o = Qwen3EngineBenchOptions(size: .small)
        o.model = try Qwen3TTSConfig.load(path: dir.appendingPathComponent("config.json").path)
        o.frames = 4
        o.promptLength = 6
        o.batch = 2
        o.includeDecoder = false
        o.measureStream = false
        let r = try Qwen3PrecisionBench.run(o, precision: .fast, deviationFrames: 3)
        let fast = try XCTUnwrap(r.fast)
        XCTAssertEqual(r.exact.precision, "exact")
        XCTAssertNil(r.exact.fastKernels)
        XCTAssertEqual(fast.precision, "fast")
        XCTAssertEqual(fast.fastKernels, Qwen3FastPlan.standard.description)
        XCTAssertLessThan(try XCTUnwrap(fast.decodeWeightMBPerFrame), try XCTUnwrap(r.exact.decodeWeightMBPerFrame) / 3)
        XCTAssertGreaterThan(fast.frameMs, 0)
        let d = try XCTUnwrap(r.deviation)
        XCTAssertEqual(d.talkerHidden.steps, 3)
        XCTAssertGreaterThan(d.talkerHidden.minCosine, 0.99)
        let kernels = try XCTUnwrap(r.kernels)
        XCTAssertEqual(Set(kernels.map(\.kernel)), Set(["fp32-\(Qwen3RowKernel.best)"] + ReducedKernel.allCases.filter(\.isSupported).map(\.rawValue)))
        XCTAssertTrue(r.cpuFeatures.contains("avx512_vnni="))
        // exact alone: no fast figures.
        let exactOnly = try Qwen3PrecisionBench.run(o, precision: .exact)
        XCTAssertNil(exactOnly.fast)
        XCTAssertNil(exactOnly.deviation)
    }
}
