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

    /// Bounds of docs/precision.md ("Bounds"): errors per mode about 1.6× the largest value measured over these cases
    /// with any kernel (int8-vnni is the least accurate; bf16's errors are 3–5× smaller); the argmax / top-k fractions
    /// over all steps of all cases (a mode has 2–19 steps, too few for a fraction of its own), a little under the
    /// smallest measured. They hold for every supported kernel.
    struct Bounds {
        var maxRelative: Double, meanRelative: Double, minCosine: Double
        var argmax: Double? = nil, topK: Double? = nil
    }
    static let hiddenBounds = Bounds(maxRelative: 1.2e-2, meanRelative: 7e-3, minCosine: 0.99995)
    static let talkerLogitBounds = Bounds(maxRelative: 1.8e-2, meanRelative: 1.4e-2, minCosine: 0.9999, argmax: 0.9, topK: 0.4)
    static let predictorLogitBounds = Bounds(maxRelative: 9e-2, meanRelative: 3.2e-2, minCosine: 0.997, argmax: 0.95, topK: 0.7)

    static func assertBounds(_ s: Qwen3StageDeviation, _ b: Bounds, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(s.maxRelativeError, b.maxRelative, what, file: file, line: line)
        XCTAssertLessThanOrEqual(s.meanRelativeError, b.meanRelative, what, file: file, line: line)
        XCTAssertGreaterThanOrEqual(s.minCosine, b.minCosine, what, file: file, line: line)
        XCTAssertGreaterThan(s.maxRelativeError, 0, "\(what): fast must differ from exact (else the reduced path did not run)", file: file, line: line)
    }

    /// Pooled fractions: steps with the argmax / top-k set unchanged over all steps of `stages`.
    static func assertPooled(_ stages: [Qwen3StageDeviation], _ b: Bounds, _ what: String) {
        let steps = stages.reduce(0) { $0 + $1.steps }
        let argmax = stages.reduce(0.0) { $0 + ($1.argmaxUnchanged ?? 0) * Double($1.steps) } / Double(max(steps, 1))
        let topK = stages.reduce(0.0) { $0 + ($1.topKUnchanged ?? 0) * Double($1.steps) } / Double(max(steps, 1))
        print(String(format: "%@: %d steps, argmax unchanged %.3f, top-50 unchanged %.3f", what as NSString, steps, argmax, topK))
        XCTAssertGreaterThan(steps, 0, what)
        if let a = b.argmax { XCTAssertGreaterThanOrEqual(argmax, a, what + " argmax unchanged (pooled)") }
        if let t = b.topK { XCTAssertGreaterThanOrEqual(topK, t, what + " top-50 unchanged (pooled)") }
    }

    func testDeviationOnEveryQwen3Case() throws {
        var printed: [String] = []
        // The standard plan of this CPU, the portable int8 kernel (what any CPU can fall back to) and bf16 where the CPU
        // has it (int8-avx512 / int8-avx2 give the portable kernel's figures to float rounding; the doc lists all).
        let others: [ReducedKernel] = [.int8Portable, .bf16AVX512]
        let plans = [Qwen3FastPlan.standard] + others.filter { $0.isSupported && $0 != Qwen3FastPlan.standard.talker }
            .map { Qwen3FastPlan(talker: $0, codePredictor: $0) }
        for plan in plans {
        var talker: [Qwen3StageDeviation] = [], predictor: [Qwen3StageDeviation] = []
        for name in Self.cases {
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
                XCTAssertEqual(d.codePredictorLogits.steps, d.talkerHidden.steps * 15, "15 code-predictor heads per frame")
                let what = "\(plan) \(name) \(r.mode)"
                Self.assertBounds(d.talkerHidden, Self.hiddenBounds, what + " talker hidden")
                Self.assertBounds(d.talkerLogits, Self.talkerLogitBounds, what + " talker logits")
                Self.assertBounds(d.codePredictorLogits, Self.predictorLogitBounds, what + " code-predictor logits")
                talker.append(d.talkerLogits)
                predictor.append(d.codePredictorLogits)
            }
        }
        Self.assertPooled(talker, Self.talkerLogitBounds, "\(plan) talker logits")
        Self.assertPooled(predictor, Self.predictorLogitBounds, "\(plan) code-predictor logits")
        }
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

final class Qwen3FastEngineTests: XCTestCase {
    /// The engine's settings string (part of every segment's cache identity) is unchanged in exact mode and names
    /// the fast kernels in fast mode; the fast engine converts its talker once at load.
    func testSettingsNamePrecisionOnlyWhenFast() throws {
        let exact = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint)
        let fast = try Qwen3TTSEngine(directory: Qwen3E2E.checkpoint, options: Qwen3EngineOptions(precision: .fast))
        XCTAssertFalse(exact.settingsDescription.contains("precision"))
        XCTAssertNil(exact.talker.fastPlan)
        let plan = Qwen3FastPlan.standard
        XCTAssertEqual(fast.talker.fastPlan, plan)
        XCTAssertEqual(fast.settingsDescription,
                       exact.settingsDescription + " precision=fast(\(plan.talker.rawValue)/\(plan.codePredictor.rawValue))")
        XCTAssertFalse(fast.decoder.usesOneDNN, "the tiny decoder's shapes all stay on im2col + sgemm")
    }
}
