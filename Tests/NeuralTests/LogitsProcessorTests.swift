// Hand-computed checks of each processor's HF semantics and of the chain GenerationSettings builds.
import Foundation
import XCTest
import Neural

final class LogitsProcessorTests: XCTestCase {
    /// kthLargest (a bounded insertion for small k) equals the k-th entry of the descending sort, with duplicates,
    /// −inf entries and every k from 1 to n.
    func testKthLargestMatchesSortedOrder() {
        var rng = SeededRNG(seed: 3)
        for n in [1, 7, 64, 300, 2048] {
            var x = (0..<n).map { _ in Float(Int(rng.next() % 40)) / 4 - 5 } // many ties
            for i in stride(from: 0, to: n, by: 5) { x[i] = -.infinity }
            let sorted = x.sorted(by: >)
            for k in Set([1, Swift.min(2, n), n / 2 + 1, Swift.min(50, n), Swift.min(257, n), n]) {
                XCTAssertEqual(Logits.kthLargest(x, k), sorted[k - 1], "n \(n) k \(k)")
            }
        }
    }

    func apply(_ p: any LogitsProcessor, _ s: [Float], history: [Int] = []) throws -> [Float] {
        var x = s
        try p.process(&x, history: history)
        return x
    }

    func testRepetitionPenaltyOncePerDistinctId() throws {
        let out = try apply(RepetitionPenalty(2), [4, -4, 1, 0], history: [0, 1, 1, 1, 3, 0])
        XCTAssertEqual(out, [2, -8, 1, 0])
        XCTAssertThrowsError(try apply(RepetitionPenalty(2), [1, 2], history: [5])) {
            XCTAssertTrue("\($0)".contains("5"), "\($0)")
        }
    }

    func testTopKKeepsTiesAndMinimum() throws {
        let ninf = -Float.infinity
        XCTAssertEqual(try apply(TopK(2), [1, 3, 3, 2, 3]), [ninf, 3, 3, ninf, 3])       // ties with the 2nd largest survive
        XCTAssertEqual(try apply(TopK(2), [5, 1, 4, 4]), [5, ninf, 4, 4])
        XCTAssertEqual(try apply(TopK(3), [ninf, 1, ninf, ninf]), [ninf, 1, ninf, ninf])  // k-th is -inf: nothing removed
        XCTAssertEqual(try apply(TopK(1, minTokensToKeep: 2), [1, 2, 3]), [ninf, 2, 3])
        XCTAssertEqual(try apply(TopK(10), [1, 2]), [1, 2])
    }

    func testTopPAscendingCumulativeAndMinimum() throws {
        let ninf = -Float.infinity
        let logits = [0.1, 0.4, 0.2, 0.3].map { Float(Foundation.log($0)) }
        // ascending probs 0.1, 0.2, 0.3, 0.4 → cumulative 0.1, 0.3, 0.6, 1.0
        XCTAssertEqual(try apply(TopP(0.5), logits), [ninf, logits[1], ninf, logits[3]])        // remove cum ≤ 0.5
        XCTAssertEqual(try apply(TopP(0.3), logits), [ninf, logits[1], ninf, ninf])             // remove cum ≤ 0.7
        XCTAssertEqual(try apply(TopP(0.3, minTokensToKeep: 2), logits), [ninf, logits[1], ninf, logits[3]])
        XCTAssertEqual(try apply(TopP(1.0), logits), logits)
    }

    func testEOSBlockingAndSuppression() throws {
        let ninf = -Float.infinity
        let s: [Float] = [1, 2, 3, 4]
        XCTAssertEqual(try apply(MinLength(3, eosTokenIds: [2]), s, history: [7, 7]), [1, 2, ninf, 4])
        XCTAssertEqual(try apply(MinLength(3, eosTokenIds: [2]), s, history: [7, 7, 7]), s)
        let newTokens = MinNewTokens(promptLength: 5, minNewTokens: 2, eosTokenIds: [3])
        XCTAssertEqual(try apply(newTokens, s, history: Array(repeating: 0, count: 6)), [1, 2, 3, ninf])
        XCTAssertEqual(try apply(newTokens, s, history: Array(repeating: 0, count: 7)), s)
        XCTAssertEqual(try apply(SuppressTokens([0, 3, 99]), s), [ninf, 2, 3, ninf])
    }

    func testTemperatureDividesInFloat() throws {
        XCTAssertEqual(try apply(Temperature(0.8), [1, -2, 0]), [Float(1) / Float(0.8), Float(-2) / Float(0.8), 0])
        XCTAssertThrowsError(try Temperature(0))
    }

    func testSettingsBuildHFChainInOrder() throws {
        // Qwen3-TTS talker defaults (repetition 1.05, temperature 0.9, top_k 50, top_p 1.0, min_new_tokens 2).
        let talker = GenerationSettings(doSample: true, temperature: 0.9, topK: 50, topP: 1.0, repetitionPenalty: 1.05,
                                        minLength: 2, minNewTokens: 2, suppressTokens: [2048, 2049], eosTokenIds: [2150])
        XCTAssertEqual(try talker.processors(promptLength: 0).processors.map(\.name),
                       ["RepetitionPenalty(1.05)", "MinLength(2)", "MinNewTokens(2)", "SuppressTokens(2 ids)", "Temperature(0.9)", "TopK(50)"])
        var greedy = talker
        greedy.doSample = false
        XCTAssertEqual(try greedy.processors(promptLength: 0).processors.count, 4, "warpers only with do_sample")
        // IndexTTS2 infer_v2 beam sampling: min_tokens_to_keep 2.
        let beams = GenerationSettings(doSample: true, temperature: 0.8, topK: 30, topP: 0.8, repetitionPenalty: 10,
                                       numBeams: 3, lengthPenalty: 0, eosTokenIds: [8193])
        let chain = try beams.processors(promptLength: 49).processors
        XCTAssertEqual(chain.map(\.name), ["RepetitionPenalty(10.0)", "Temperature(0.8)", "TopK(30)", "TopP(0.8)"])
        XCTAssertEqual((chain[3] as? TopP)?.minTokensToKeep, 2)
        XCTAssertEqual(beams.minTokensToKeep, 2)
    }

    func testSoftmaxHelpers() {
        let p = Logits.softmax([0, Foundation.log(3), -.infinity])
        XCTAssertEqual(p[0], 0.25, accuracy: 1e-7)
        XCTAssertEqual(p[1], 0.75, accuracy: 1e-7)
        XCTAssertEqual(p[2], 0)
        let l = Logits.logSoftmax([1, 1])
        XCTAssertEqual(l[0], -Float(Foundation.log(2.0)), accuracy: 1e-7)
        XCTAssertEqual(Logits.argmax([1, 5, 5, 2]), 1)
        let t = Logits.topK([3, 9, 9, 1], 3)
        XCTAssertEqual(t.indices, [1, 2, 0])
        XCTAssertEqual(t.values, [9, 9, 3])
    }
}
