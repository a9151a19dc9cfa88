import Foundation
import Neural
import Qwen3TTS
import Tensors
import TestSupport
import XCTest

/// The talker_tiny model, its case and the xvec prompt, for generation-loop tests.
struct Qwen3TinyTalker {
    let c: ParityCase
    let config: Qwen3TTSConfig
    let generation: Qwen3GenerationConfig
    let talker: Qwen3Talker
    let tokens: Qwen3TTSTokens
    let builder: Qwen3PromptBuilder

    init() throws {
        c = try Fixtures.load("qwen3tts/talker_tiny")
        config = try c.decodeConfig(Qwen3TTSConfig.self, key: "model_config")
        generation = try c.decodeConfig(Qwen3GenerationConfig.self, key: "generate_kwargs")
        let store = try WeightStore(path: try XCTUnwrap(c.weightsURL).path)
        talker = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        try store.finish()
        tokens = Qwen3TTSTokens(config: config)
        builder = Qwen3PromptBuilder(talker: talker, tokens: tokens)
    }

    func ids(_ name: String) throws -> [Int] { try c.inputInts(name).map { Int($0) } }

    func xvecPrompt() throws -> Qwen3Prompt {
        try builder.build(Qwen3PromptRequest(textIds: ids("xvec.input_ids"), language: "english",
                                             speaker: .embedding(try c.input("xvec.ref_spk_embedding")), layout: .streaming))
    }

    func expectedCodes(_ mode: String) throws -> [[Int]] {
        let raw = try c.expected(mode + ".codes")
        let flat = raw.int64Array().map { Int($0) }
        return (0..<raw.shape[0]).map { Array(flat[($0 * raw.shape[1])..<(($0 + 1) * raw.shape[1])]) }
    }

    func generator(_ g: Qwen3GenerationConfig) -> Qwen3Generator {
        Qwen3Generator(talker: talker, tokens: tokens, settings: Qwen3SamplingSettings(generation: g, talker: config.talkerConfig))
    }
}

/// Records each draw's row width (talker vocab vs codebook size) and delegates to a seeded sampler.
struct RecordingSampler: TokenSampler {
    var inner: SeededTokenSampler
    var widths: [Int] = []
    var picks: [Int] = []

    mutating func sample(_ probabilities: [Float]) throws -> Int {
        widths.append(probabilities.count)
        let p = try inner.sample(probabilities)
        picks.append(p)
        return p
    }

    mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int] {
        try inner.sampleWithoutReplacement(probabilities, count: count)
    }
}

final class Qwen3TalkerGenerationTests: XCTestCase {
    func testFrameCapThrowsWithTheFramesMade() throws {
        let m = try Qwen3TinyTalker()
        let expected = try m.expectedCodes("xvec")
        XCTAssertGreaterThan(expected.count, 4)
        XCTAssertThrowsError(try m.generator(m.generation.greedy).generate(prompt: m.xvecPrompt(), maxFrames: 4)) { error in
            guard case let Qwen3TTSError.frameCapReached(cap, codes) = error else { return XCTFail("unexpected \(error)") }
            XCTAssertEqual(cap, 4)
            XCTAssertEqual(codes, Array(expected.prefix(4)))
            XCTAssertTrue("\(error)".contains("cap 4"))
        }
        // With exactly enough room the run ends on EOS.
        XCTAssertEqual(try m.generator(m.generation.greedy).generate(prompt: m.xvecPrompt(), maxFrames: expected.count), expected)
    }

    /// Sampling with top_k = 1 keeps only the processed argmax, so it must reproduce the greedy codes while
    /// drawing once per codebook in upstream order: c0, then the 15 predictor codes, per frame, then EOS.
    func testTopOneSamplingMatchesGreedyAndDrawOrder() throws {
        let m = try Qwen3TinyTalker()
        var g = m.generation
        g.doSample = true
        g.subtalkerDosample = true
        g.topK = 1
        g.subtalkerTopK = 1
        var sampler = RecordingSampler(inner: SeededTokenSampler(seed: 7))
        let codes = try m.generator(g).generate(prompt: m.xvecPrompt(), maxFrames: 30, sampler: &sampler)
        let expected = try m.expectedCodes("xvec")
        XCTAssertEqual(codes, expected)
        let groups = m.talker.groups, vocab = m.talker.vocab, book = m.talker.codePredictor.vocab
        let frameWidths = [vocab] + Array(repeating: book, count: groups - 1)
        XCTAssertEqual(sampler.widths, Array(Array(repeating: frameWidths, count: expected.count).joined()) + [vocab])
        XCTAssertEqual(sampler.picks.last, m.tokens.codecEos)
    }

    /// The real sampling defaults: a seed fixes the take; another seed gives another take; codes stay in range.
    func testSeededSamplingIsDeterministic() throws {
        let m = try Qwen3TinyTalker()
        var g = m.generation
        g.doSample = true
        g.subtalkerDosample = true
        let gen = m.generator(g)
        func run(_ seed: UInt64) throws -> [[Int]] {
            var s = SeededTokenSampler(seed: seed)
            do { return try gen.generate(prompt: m.xvecPrompt(), maxFrames: 40, sampler: &s) } catch let Qwen3TTSError.frameCapReached(_, codes) {
                return codes
            }
        }
        let a = try run(11), b = try run(11), c = try run(12)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        for frame in a + c {
            XCTAssertEqual(frame.count, m.talker.groups)
            XCTAssertTrue(frame[0] < m.config.talkerConfig.vocabSize - Qwen3SamplingSettings.suppressedControlIds,
                          "codebook 0 is never a suppressed control id: \(frame[0])")
            XCTAssertTrue(frame.dropFirst().allSatisfy { $0 >= 0 && $0 < m.talker.codePredictor.vocab })
        }
    }

    func testFrameBudget() {
        let b = Qwen3FrameBudget()
        XCTAssertEqual(b.maxFrames(textTokens: 5, maxNewTokens: 8192), 75)
        XCTAssertEqual(b.maxFrames(textTokens: 40, maxNewTokens: 8192), 240)
        XCTAssertEqual(b.maxFrames(textTokens: 40, maxNewTokens: 100), 99)
    }
}

final class Qwen3TalkerBudgetAndBenchTests: XCTestCase {
    /// The text-derived cap: a budget smaller than the take throws with exactly that many frames.
    func testBudgetCapsTheRun() throws {
        let m = try Qwen3TinyTalker()
        let prompt = try m.xvecPrompt()
        let budget = Qwen3FrameBudget(minimumFrames: 2, framesPerTextToken: 0)
        var none = NoSampling()
        XCTAssertThrowsError(try m.generator(m.generation.greedy).generate(prompt: prompt, budget: budget, sampler: &none)) { e in
            guard case let Qwen3TTSError.frameCapReached(cap, codes) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(cap, 2)
            XCTAssertEqual(codes.count, 2)
        }
        let roomy = Qwen3FrameBudget(minimumFrames: 2, framesPerTextToken: 6)
        XCTAssertEqual(try m.generator(m.generation.greedy).generate(prompt: prompt, budget: roomy, sampler: &none),
                       try m.expectedCodes("xvec"))
    }

    /// The decode benchmark runs at any config (here the tiny one) and reports both stages.
    func testBenchRunsAtTinySize() throws {
        let m = try Qwen3TinyTalker()
        let timings = try Qwen3Bench.run(talker: m.config.talkerConfig, talkerLayers: 1, context: 8, repetitions: 2)
        XCTAssertEqual(timings.count, 2)
        XCTAssertTrue(timings[0].name.hasPrefix("talker step"))
        XCTAssertTrue(timings[1].name.hasPrefix("code predictor frame"))
        XCTAssertTrue(timings.allSatisfy { $0.medianSeconds > 0 && $0.gigabytesPerSecond > 0 })
    }
}
