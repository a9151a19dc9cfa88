// IndexTTS2 GPT internals: Conv1D kernels, per-kernel parity, beam KV reordering against single-sequence
// replays, beam sampling through replayed draws, seeded determinism, config.yaml, limits.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2GPTDecodingTests: XCTestCase {
    let caseName = "indextts2/gpt_tiny"

    func makeModel(kernel: Conv1DKernel = .decodeDefault) throws -> (UnifiedVoiceGPT, ParityCase) {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(UnifiedVoiceConfig.self, key: "gpt")
        var cond = try c.decodeConfig(GPTConditioningConfig.self, key: "gpt")
        cond.condInputDim = c.config["cond_input_dim"] as! Int
        cond.emoPerceiverDim = c.config["emo_perceiver_dim"] as! Int
        let store = try WeightStore(path: c.weightsURL!.path)
        let model = try UnifiedVoiceGPT(config: config, conditioning: cond, weights: store.root, kernel: kernel)
        try store.finish()
        return (model, c)
    }

    func conds(_ m: UnifiedVoiceGPT, _ c: ParityCase) throws -> (Tensor, [Int]) {
        let spk = try c.input("spk_cond_emb"), emo = try c.input("emo_cond_emb")
        let sl = try c.inputInts("cond_lengths").map { Int($0) }, el = try c.inputInts("emo_cond_lengths").map { Int($0) }
        let emovec = try m.conditioner.mergeEmovec(speaker: spk, speakerLengths: sl, emotion: emo, emotionLengths: el)
        let conds = try m.conditioningRows(speechLatent: try m.conditioner.conditioning(spk, lengths: sl), emovec: emovec)
        return (conds, try c.inputInts("text_tokens").map { Int($0) })
    }

    func settings(beams: Int, sample: Bool = false, temperature: Double = 0.8, topK: Int = 30, topP: Double = 0.8) -> GenerationSettings {
        GenerationSettings(doSample: sample, temperature: temperature, topK: topK, topP: topP, repetitionPenalty: 10,
                           numBeams: beams, lengthPenalty: 0, eosTokenIds: [129])
    }

    func testEveryConv1DKernelMatchesTheDefinition() {
        var rng = SeededRNG(seed: 7)
        for (k, n) in [(64, 100), (40, 24)] {
            let w = (0..<(k * n)).map { _ in rng.nextFloat() - 0.5 } // [K, N]
            let stored = Tensor(shape: [k, n], data: w)
            let wt = Conv1DProjection.transpose(stored)
            for rows in [1, 3, 5] {
                let x = (0..<(rows * k)).map { _ in rng.nextFloat() - 0.5 }
                var want = [Float](repeating: 0.25, count: rows * n)
                for r in 0..<rows { for j in 0..<n { for i in 0..<k { want[r * n + j] += x[r * k + i] * w[i * n + j] } } }
                for kernel in Conv1DKernel.allCases {
                    var y = [Float](repeating: 0.25, count: rows * n)
                    x.withUnsafeBufferPointer { xb in
                        y.withUnsafeMutableBufferPointer { yb in
                            let wp = kernel.transposesAtLoad ? wt.pointer : stored.pointer
                            Conv1DProjection.product(kernel, rows: rows, n: n, k: k, x: xb.baseAddress!, w: wp, y: yb.baseAddress!)
                        }
                    }
                    let err = zip(y, want).map { abs($0 - $1) }.max()!
                    XCTAssertLessThan(err, 1e-4, "\(kernel) K=\(k) N=\(n) rows=\(rows)")
                }
            }
        }
    }

    func testEveryKernelReproducesGreedyCodesAndLatent() throws {
        let c = try Fixtures.load(caseName)
        let wantCodes = try c.expected("codes_greedy").int64Array().map { Int($0) }
        let wantLatent = try c.expected("latent").floatTensor(key: "out.latent")
        for kernel in Conv1DKernel.allCases {
            let (m, _) = try makeModel(kernel: kernel)
            let (conds, text) = try self.conds(m, c)
            var sampler = NoSampling()
            let r = try m.generate(prefix: try m.prefix(conds: conds, textTokens: text),
                                   options: GPTGenerationOptions(settings: settings(beams: 1), maxGenerateLength: 40), sampler: &sampler)
            XCTAssertEqual(r.codes, wantCodes, "\(kernel)")
            let latent = try m.latent(conds: conds, textTokens: text, codes: r.trimmed)
            let err = zip(latent.array, wantLatent.array).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertLessThan(err, 1e-4, "\(kernel) latent")
        }
    }

    /// Three beams fed different tokens, reordered, fed again: each beam's logits must equal a batch-1 run
    /// over that beam's own history (the row tables must route every position to the right keys).
    func testBeamReorderMatchesSingleSequenceReplay() throws {
        let (m, c) = try makeModel()
        let (conds, text) = try self.conds(m, c)
        let prefix = try m.prefix(conds: conds, textTokens: text)
        let beams = 3, v = m.vocab, d = m.modelDim, p = prefix.length
        let state = m.gpt.makeState(batch: beams, capacity: p + 8)
        _ = try m.prefill(prefix, state: state)
        var histories = Array(repeating: [Int](), count: beams)
        var logits = [Float](repeating: 0, count: beams * v)
        for (tokens, sources) in [([5, 17, 42], [0, 1, 2]), ([7, 7, 9], [2, 2, 0]), ([3, 4, 5], [1, 0, 0])] {
            if sources != [0, 1, 2] {
                state.reorder(sources)
                histories = sources.map { histories[$0] }
            }
            var x = [Float](repeating: 0, count: beams * d)
            try x.withUnsafeMutableBufferPointer { xb in
                for b in 0..<beams {
                    histories[b].append(tokens[b])
                    try m.embeddings.melRow(tokens[b], position: histories[b].count + 1, into: xb.baseAddress! + b * d)
                }
            }
            try m.decode(&x, sequences: beams, state: state, logits: &logits)
        }
        for b in 0..<beams {
            let single = m.gpt.makeState(batch: 1, capacity: p + 8)
            _ = try m.prefill(prefix, state: single)
            var one = [Float](repeating: 0, count: v)
            for (i, t) in histories[b].enumerated() {
                var x = [Float](repeating: 0, count: d)
                try x.withUnsafeMutableBufferPointer { try m.embeddings.melRow(t, position: i + 2, into: $0.baseAddress!) }
                try m.decode(&x, sequences: 1, state: single, logits: &one)
            }
            let err = zip(one, logits[b * v..<(b + 1) * v]).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(err, 1e-4, "beam \(b) history \(histories[b])")
        }
    }

    /// Beam *sampling* with the draws replayed from a deterministic run (processors identical when
    /// temperature 1, no top-k/top-p) must give exactly the deterministic 3-beam result.
    func testBeamSamplingReplaysDeterministicBeamSearch() throws {
        let (m, c) = try makeModel()
        let (conds, text) = try self.conds(m, c)
        let prefix = try m.prefix(conds: conds, textTokens: text)
        var none = NoSampling()
        let det = try m.generate(prefix: prefix, options: GPTGenerationOptions(settings: settings(beams: 3), maxGenerateLength: 40,
                                                                                 recordSteps: true), sampler: &none)
        XCTAssertEqual(det.codes, try c.expected("codes_beam3").int64Array().map { Int($0) })
        var replay = ReplayTokenSampler(draws: det.stepCandidates)
        let sampled = try m.generate(prefix: prefix, options: GPTGenerationOptions(
            settings: settings(beams: 3, sample: true, temperature: 1, topK: 0, topP: 1), maxGenerateLength: 40), sampler: &replay)
        XCTAssertEqual(sampled.codes, det.codes)
        XCTAssertEqual(sampled.sequenceScore, det.sequenceScore)
        XCTAssertEqual(replay.position, det.stepCandidates.count, "every recorded draw was used")
    }

    func testInferV2BeamSamplingIsSeededAndValid() throws {
        let (m, c) = try makeModel()
        let (conds, text) = try self.conds(m, c)
        let prefix = try m.prefix(conds: conds, textTokens: text)
        var options = GPTGenerationOptions.inferV2(stopToken: m.config.stopMelToken)
        options.maxGenerateLength = 40
        var a = SeededTokenSampler(seed: 11), b = SeededTokenSampler(seed: 11)
        let r1 = try m.generate(prefix: prefix, options: options, sampler: &a)
        let r2 = try m.generate(prefix: prefix, options: options, sampler: &b)
        XCTAssertEqual(r1.codes, r2.codes)
        XCTAssertFalse(r1.trimmed.isEmpty)
        XCTAssertTrue(r1.trimmed.allSatisfy { $0 >= 0 && $0 < m.config.startMelToken }, "\(r1.trimmed)")
        XCTAssertEqual(try r1.semanticCodes(), r1.trimmed)
        XCTAssertEqual(r1.hitLengthCap, !r1.codes.contains(m.config.stopMelToken))
    }

    func testRealConfigFromYAMLAndLimits() throws {
        let (config, cond) = try UnifiedVoiceConfig.load(configYAML: Fixtures.data.appendingPathComponent("indextts2/config.yaml").path)
        XCTAssertEqual([config.layers, config.modelDim, config.heads], [24, 1280, 20])
        XCTAssertEqual([config.numberMelCodes, config.textVocab, config.melPositions, config.textPositions], [8194, 12001, 1818, 602])
        XCTAssertEqual([config.startMelToken, config.stopMelToken], [8192, 8193])
        XCTAssertEqual(cond.conditionModule.numBlocks, 6)

        let (m, c) = try makeModel()
        let (conds, text) = try self.conds(m, c)
        var none = NoSampling()
        // mel_pos_embedding has max_mel_tokens + 3 = 63 rows (positions 0…62); 63 codes would feed position 63.
        XCTAssertThrowsError(try m.generate(prefix: try m.prefix(conds: conds, textTokens: text),
                                            options: GPTGenerationOptions(settings: settings(beams: 1), maxGenerateLength: 63),
                                            sampler: &none)) { e in XCTAssertTrue("\(e)".contains("63 codes"), "\(e)") }
    }

    func testTinyBenchRuns() throws {
        let c = try Fixtures.load(caseName)
        let config = try c.decodeConfig(UnifiedVoiceConfig.self, key: "gpt")
        var o = GPTBenchOptions()
        o.kernels = [.outputMajorRows, .inputMajorGEMM]
        o.window = 20..<24
        o.promptLength = 10
        o.latentLength = 16
        o.sweep = 2
        o.productRepetitions = 1
        let timings = try GPTBench.run(config: config, options: o)
        XCTAssertTrue(timings.contains { $0.name.hasPrefix("3-beam full step (outputMajorRows") && $0.runs == 4 })
        XCTAssertTrue(timings.allSatisfy { $0.medianSeconds.isFinite && $0.medianSeconds > 0 })
    }
}
