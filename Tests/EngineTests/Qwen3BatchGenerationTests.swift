import Foundation
import Neural
@testable import Qwen3TTS
import Tensors
import TestSupport
import XCTest

extension Qwen3TinyTalker {
    /// The four generating prompts of talker_tiny (x-vector clone, ICL clone, CustomVoice dialect speaker,
    /// VoiceDesign), built like the parity runner builds them.
    func modePrompts() throws -> [(name: String, prompt: Qwen3Prompt)] {
        let spk = try c.input("xvec.ref_spk_embedding")
        let code = try c.io.raw("in.icl.ref_code")
        let flat = try ids("icl.ref_code")
        let g = code.shape[1]
        let ref = Qwen3ICLReference(transcriptIds: try ids("icl.ref_ids"),
                                    codes: (0..<code.shape[0]).map { Array(flat[($0 * g)..<(($0 + 1) * g)]) })
        let requests: [(String, Qwen3PromptRequest)] = [
            ("xvec", Qwen3PromptRequest(textIds: try ids("xvec.input_ids"), language: "english", speaker: .embedding(spk),
                                        layout: .streaming)),
            ("icl", Qwen3PromptRequest(textIds: try ids("icl.input_ids"), language: "auto",
                                       speaker: .embedding(try c.input("icl.ref_spk_embedding")), reference: ref, layout: .streaming)),
            ("custom", Qwen3PromptRequest(textIds: try ids("custom.input_ids"), language: "auto", speaker: .preset("eric"),
                                          layout: .nonStreaming)),
            ("design", Qwen3PromptRequest(textIds: try ids("design.input_ids"), language: "chinese", speaker: .none,
                                          instructIds: try ids("design.instruct_ids"), layout: .nonStreaming)),
        ]
        return try requests.map { ($0.0, try builder.build($0.1)) }
    }

    func batchGenerator(_ g: Qwen3GenerationConfig) -> Qwen3BatchGenerator {
        Qwen3BatchGenerator(talker: talker, tokens: tokens, settings: Qwen3SamplingSettings(generation: g, talker: config.talkerConfig))
    }
}

/// Outcome of one item: its frames, and whether it ended on EOS (true) or the cap (false).
private func outcome(_ r: Result<[[Int]], Error>) throws -> (frames: [[Int]], eos: Bool) {
    switch r {
    case let .success(f): return (f, true)
    case let .failure(Qwen3TTSError.frameCapReached(_, codes)): return (codes, false)
    case let .failure(e): throw e
    }
}

private func assertSameTrace(_ a: Qwen3GenerationTrace, _ b: Qwen3GenerationTrace, _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.firstCodes, b.firstCodes, "\(what): codebook-0 picks", file: file, line: line)
    XCTAssertEqual(a.talkerLogits, b.talkerLogits, "\(what): talker logits must be bit-identical", file: file, line: line)
    XCTAssertEqual(a.talkerScores, b.talkerScores, "\(what): processed talker scores", file: file, line: line)
    XCTAssertEqual(a.talkerHidden, b.talkerHidden, "\(what): talker hidden states", file: file, line: line)
    XCTAssertEqual(a.codePredictorLogits, b.codePredictorLogits, "\(what): code-predictor logits", file: file, line: line)
    XCTAssertEqual(a.stepEmbeds, b.stepEmbeds, "\(what): decode-step inputs", file: file, line: line)
    XCTAssertEqual(a.stepPositions, b.stepPositions, "\(what): decode-step positions", file: file, line: line)
}

final class Qwen3BatchGenerationTests: XCTestCase {
    /// The projection kernel gives every row the same bits whatever the batch size and row slot.
    func testRowKernelIsBatchInvariant() {
        let paths = Qwen3RowKernel.Path.allCases.filter(\.isSupported)
        XCTAssertTrue(paths.contains(Qwen3RowKernel.best))
        for path in paths { checkRowKernel(path: path) }
    }

    private func checkRowKernel(path: Qwen3RowKernel.Path) {
        var rng = SeededRNG(seed: 5)
        for (n, k) in [(37, 29), (96, 32), (130, 67), (1088, 48)] {
            let w = Tensor(shape: [n, k], data: (0..<(n * k)).map { _ in rng.nextFloat() - 0.5 })
            let bias = Tensor(shape: [n], data: (0..<n).map { _ in rng.nextFloat() })
            let x = (0..<(9 * k)).map { _ in rng.nextFloat() - 0.5 }
            let prior = (0..<(9 * n)).map { _ in rng.nextFloat() }
            for accumulate in [false, true] {
                var alone = accumulate ? prior : [Float](repeating: 0, count: 9 * n)
                for r in 0..<9 {
                    x.withUnsafeBufferPointer { xb in
                        alone.withUnsafeMutableBufferPointer {
                            Qwen3RowKernel.linear(xb.baseAddress! + r * k, rows: 1, weight: w, bias: bias, out: $0.baseAddress! + r * n,
                                                  accumulate: accumulate, path: path)
                        }
                    }
                }
                for rows in 1...9 {
                    var batch = accumulate ? Array(prior[0..<(rows * n)]) : [Float](repeating: 0, count: rows * n)
                    x.withUnsafeBufferPointer { xb in
                        batch.withUnsafeMutableBufferPointer {
                            Qwen3RowKernel.linear(xb.baseAddress!, rows: rows, weight: w, bias: bias, out: $0.baseAddress!,
                                                  accumulate: accumulate, path: path)
                        }
                    }
                    XCTAssertEqual(batch, Array(alone[0..<(rows * n)]), "n \(n) k \(k) rows \(rows) path \(path)")
                }
                // Matches a Double reference to float accuracy.
                for j in [0, n / 2, n - 1] {
                    var ref = Double(bias.pointer[j]) + (accumulate ? Double(prior[j]) : 0)
                    for i in 0..<k { ref += Double(w.pointer[j * k + i]) * Double(x[i]) }
                    XCTAssertEqual(Double(alone[j]), ref, accuracy: 1e-5)
                }
            }
        }
    }

    /// Greedy: the four modes decoded as one batch give the fixture's codes (upstream parity) and, row for row,
    /// the same logits, hidden states and codes as each prompt decoded alone. The runs have different lengths,
    /// so shorter ones leave the batch on EOS while the others continue.
    func testGreedyBatchEqualsAloneAndFixture() throws {
        let m = try Qwen3TinyTalker()
        let prompts = try m.modePrompts()
        let gen = m.batchGenerator(m.generation.greedy)
        let cap = m.generation.maxNewTokens - 1
        var samplers = [NoSampling](repeating: NoSampling(), count: prompts.count)
        let traces = prompts.map { _ in Qwen3GenerationTrace() }
        let batch = try gen.generate(prompts: prompts.map(\.prompt), maxFrames: Array(repeating: cap, count: prompts.count),
                                     samplers: &samplers, traces: traces)
        var lengths: [Int] = []
        for (i, (name, prompt)) in prompts.enumerated() {
            let codes = try batch[i].get()
            XCTAssertEqual(codes, try m.expectedCodes(name), "\(name): batched greedy codes vs the PyTorch fixture")
            lengths.append(codes.count)
            var one = [NoSampling()]
            let aloneTrace = Qwen3GenerationTrace()
            let alone = try gen.generate(prompts: [prompt], maxFrames: [cap], samplers: &one, traces: [aloneTrace])
            XCTAssertEqual(try alone[0].get(), codes, name)
            assertSameTrace(traces[i], aloneTrace, name)
            // Logits agree with the single-sequence reference loop within the fixture tolerance.
            let reference = Qwen3GenerationTrace()
            _ = try m.generator(m.generation.greedy).generate(prompt: prompt, maxFrames: cap, trace: reference)
            XCTAssertEqual(reference.firstCodes, traces[i].firstCodes, name)
            for (a, b) in zip(reference.talkerLogits.joined(), traces[i].talkerLogits.joined()) {
                XCTAssertEqual(a, b, accuracy: 1e-4)
            }
        }
        XCTAssertGreaterThan(Set(lengths).count, 1, "the batch must mix lengths so some items stop early: \(lengths)")
    }

    /// Sampling: each segment has its own seeded stream; the batch reproduces every segment alone bit for bit,
    /// including one that hits EOS early and one stopped by its frame cap.
    func testSampledBatchEqualsEachAlone() throws {
        let m = try Qwen3TinyTalker()
        var g = m.generation
        g.doSample = true
        g.subtalkerDosample = true
        let gen = m.batchGenerator(g)
        let prompts = try m.modePrompts().map(\.prompt)
        let seeds: [UInt64] = [101, 202, 303, 404]
        let caps = [40, 40, 1, 40]
        var samplers = seeds.map { SeededTokenSampler(seed: $0) }
        let traces = prompts.map { _ in Qwen3GenerationTrace() }
        let batch = try gen.generate(prompts: prompts, maxFrames: caps, samplers: &samplers, traces: traces)
        var outcomes: [(frames: [[Int]], eos: Bool)] = []
        for i in prompts.indices {
            var one = [SeededTokenSampler(seed: seeds[i])]
            let t = Qwen3GenerationTrace()
            let alone = try gen.generate(prompts: [prompts[i]], maxFrames: [caps[i]], samplers: &one, traces: [t])
            let a = try outcome(alone[0]), b = try outcome(batch[i])
            XCTAssertEqual(a.frames, b.frames, "item \(i)")
            XCTAssertEqual(a.eos, b.eos, "item \(i)")
            assertSameTrace(t, traces[i], "item \(i)")
            outcomes.append(b)
        }
        // EOS is blocked for the first two picks, so a cap of 1 frame always stops item 2.
        XCTAssertFalse(outcomes[2].eos, "item 2 is stopped by its cap of 1 frame")
        XCTAssertEqual(outcomes[2].frames.count, 1)
        let eosLengths = outcomes.filter(\.eos).map(\.frames.count)
        XCTAssertFalse(eosLengths.isEmpty, "at least one item ends on EOS")
        XCTAssertLessThan(eosLengths.min() ?? .max, outcomes.map(\.frames.count).max() ?? 0,
                          "an item ends on EOS while another is still decoding: \(outcomes.map(\.frames.count))")
    }
}
