// Qwen3TokenDraw (the generation loop's fused sampled pick) against the generic chain it replaces: processors →
// Logits.softmax → sampler.sample must give the same token, the same processed scores, the same probabilities and
// the same RNG stream, at the released vocab sizes and on edge rows (ties at the threshold, −∞ entries, NaN).
import Foundation
import Neural
@testable import Qwen3TTS
import Tensors
import TestSupport
import XCTest

/// Records every probability row it is given, then draws like SeededTokenSampler.
private struct ProbabilityRecordingSampler: TokenSampler {
    var inner: SeededTokenSampler
    var rows: [[Float]] = []
    mutating func sample(_ probabilities: [Float]) throws -> Int {
        rows.append(probabilities)
        return try inner.sample(probabilities)
    }
    mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int] {
        try inner.sampleWithoutReplacement(probabilities, count: count)
    }
}

final class Qwen3TokenDrawTests: XCTestCase {
    /// The released talker settings (penalty 1.05, min 2 new tokens, 1023 suppressed control ids, temperature 0.9,
    /// top-k 50) and code-predictor settings (temperature 0.9, top-k 50) at the 0.6B vocab sizes, plus variants.
    func testFusedDrawEqualsGenericChain() throws {
        let talker = try Qwen3ReleasedConfigs.model(.small).talkerConfig
        XCTAssertEqual(talker.vocabSize, 3072)
        let released = Qwen3SamplingSettings(generation: .wrapperDefaults, talker: talker)
        var variants: [(String, GenerationSettings, Int)] = [
            ("talker", released.talker, 3072), ("code predictor", released.codePredictor, 2048),
        ]
        var t1 = released.codePredictor
        t1.temperature = 1 // no Temperature processor
        variants.append(("top-k only", t1, 2048))
        var big = released.codePredictor
        big.topK = 300 // kthLargest's sorting branch
        variants.append(("top-k 300", big, 2048))
        var topP = released.codePredictor
        topP.topP = 0.8 // not fused: the generic chain
        variants.append(("top-p", topP, 2048))
        var rng = SeededRNG(seed: 77)
        for (name, settings, vocab) in variants {
            let draw = try Qwen3TokenDraw(settings)
            var fused = ProbabilityRecordingSampler(inner: SeededTokenSampler(seed: 9))
            var generic = ProbabilityRecordingSampler(inner: SeededTokenSampler(seed: 9))
            var history: [Int] = []
            for step in 0..<60 {
                var logits = (0..<vocab).map { _ in (rng.nextFloat() - 0.5) * 4 }
                if step % 5 == 1 { // ties at and around the top-k threshold
                    let v = logits.max()! - 0.25
                    for j in stride(from: 3, to: vocab, by: 37) { logits[j] = v }
                }
                if step % 7 == 2 { for j in stride(from: 0, to: vocab, by: 3) { logits[j] = -.infinity } }
                if step % 11 == 4 { logits[5] = 0; logits[9] = -0.0; for j in 10..<vocab { logits[j] = -.infinity } }
                let a = try logits.withUnsafeBufferPointer { try draw.sample($0, history: history, sampler: &fused) }
                var s = logits
                try settings.processors(promptLength: 0).process(&s, history: history)
                let b = try generic.sample(Logits.softmax(s))
                XCTAssertEqual(a, b, "\(name) step \(step): token")
                XCTAssertEqual(draw.scores.map(\.bitPattern), s.map(\.bitPattern), "\(name) step \(step): processed scores")
                XCTAssertEqual(fused.rows.last?.map(\.bitPattern), generic.rows.last?.map(\.bitPattern), "\(name) step \(step): probabilities")
                history.append(a)
            }
            XCTAssertEqual(fused.inner.rng.next(), generic.inner.rng.next(), "\(name): the RNG streams advanced alike")
        }
    }

    /// The whole sampled loop of the tiny talker (four modes in one batch, released sampling settings): the fused draw
    /// and the generic chain give the same codes and the same traces (processed scores included).
    func testSampledLoopEqualsGenericChainLoop() throws {
        let m = try Qwen3TinyTalker()
        var g = m.generation
        g.doSample = true
        g.subtalkerDosample = true
        let fused = m.batchGenerator(g)
        var generic = fused
        generic.genericSampling = true
        let prompts = try m.modePrompts().map(\.prompt)
        func run(_ gen: Qwen3BatchGenerator) throws -> ([[[Int]]], [Qwen3GenerationTrace]) {
            var samplers = prompts.indices.map { SeededTokenSampler(seed: 500 + UInt64($0)) }
            let traces = prompts.map { _ in Qwen3GenerationTrace() }
            let results = try gen.generate(prompts: prompts, maxFrames: Array(repeating: 40, count: prompts.count),
                                           samplers: &samplers, traces: traces)
            return (try results.map { r in
                switch r {
                case let .success(c): return c
                case let .failure(Qwen3TTSError.frameCapReached(_, c)): return c
                case let .failure(e): throw e
                }
            }, traces)
        }
        let (a, ta) = try run(fused), (b, tb) = try run(generic)
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(a.map(\.count).reduce(0, +), 20, "the runs must draw many frames")
        for (x, y) in zip(ta, tb) {
            XCTAssertEqual(x.firstCodes, y.firstCodes)
            XCTAssertEqual(x.talkerScores, y.talkerScores)
            XCTAssertEqual(x.codePredictorLogits, y.codePredictorLogits)
        }
    }

    /// Rows the generic chain rejects are rejected by the fused draw too (NaN scores; every entry suppressed).
    func testFusedDrawRejectsWhatTheGenericChainRejects() throws {
        let talker = try Qwen3ReleasedConfigs.model(.small).talkerConfig
        let settings = Qwen3SamplingSettings(generation: .wrapperDefaults, talker: talker).codePredictor
        let draw = try Qwen3TokenDraw(settings)
        for row in [[Float](repeating: .nan, count: 64), [Float](repeating: -.infinity, count: 64)] {
            var fused = SeededTokenSampler(seed: 1), generic = SeededTokenSampler(seed: 1)
            var s = row
            try settings.processors(promptLength: 0).process(&s, history: [])
            XCTAssertThrowsError(try generic.sample(Logits.softmax(s)))
            XCTAssertThrowsError(try row.withUnsafeBufferPointer { try draw.sample($0, history: [], sampler: &fused) })
        }
    }
}
