// The documented draw procedure of SeededTokenSampler, its distribution, sampling without
// replacement, and the replay sampler.
import Foundation
import XCTest
import Neural

final class SamplingTokenSamplerTests: XCTestCase {
    func testInverseCDFInIndexOrderOneDoublePerDraw() throws {
        let p: [Float] = [0.1, 0, 0.6, 0.3]
        var sampler = SeededTokenSampler(seed: 5)
        var reference = SeededRNG(seed: 5)
        for _ in 0..<500 {
            let u = reference.nextDouble()
            // By hand: cumulative 0.1 | 0.7 | 1.0 over the positive entries 0, 2, 3 (total 1.0 in Double).
            let total = Double(Float(0.1)) + Double(Float(0.6)) + Double(Float(0.3))
            let t = u * total
            let want = t < Double(Float(0.1)) ? 0 : t < Double(Float(0.1)) + Double(Float(0.6)) ? 2 : 3
            XCTAssertEqual(try sampler.sample(p), want)
        }
        // Exactly one nextDouble per draw: both streams are at the same place.
        XCTAssertEqual(sampler.rng.next(), reference.next())
    }

    func testFrequenciesFollowTheProbabilities() throws {
        let p: [Float] = [0.05, 0.25, 0, 0.5, 0.2]
        var sampler = SeededTokenSampler(seed: 99)
        var counts = [Int](repeating: 0, count: p.count)
        let n = 40000
        for _ in 0..<n { counts[try sampler.sample(p)] += 1 }
        XCTAssertEqual(counts[2], 0, "zero probability is never drawn")
        for i in p.indices {
            let sd = (Double(p[i]) * (1 - Double(p[i])) / Double(n)).squareRoot()
            XCTAssertEqual(Double(counts[i]) / Double(n), Double(p[i]), accuracy: 5 * sd + 1e-9, "index \(i)")
        }
    }

    func testUnnormalisedRowsAreFine() throws {
        var a = SeededTokenSampler(seed: 3), b = SeededTokenSampler(seed: 3)
        for _ in 0..<200 {
            XCTAssertEqual(try a.sample([1, 3, 4]), try b.sample([0.125, 0.375, 0.5]))
        }
    }

    func testWithoutReplacement() throws {
        var sampler = SeededTokenSampler(seed: 11)
        let p: [Float] = [0.4, 0.3, 0, 0.2, 0.1]
        var firstCounts = [Int](repeating: 0, count: p.count)
        var secondGivenFirst0 = [Int](repeating: 0, count: p.count)
        var firstWas0 = 0
        for _ in 0..<20000 {
            let picks = try sampler.sampleWithoutReplacement(p, count: 3)
            XCTAssertEqual(picks.count, 3)
            XCTAssertEqual(Set(picks).count, 3)
            XCTAssertFalse(picks.contains(2))
            firstCounts[picks[0]] += 1
            if picks[0] == 0 { firstWas0 += 1; secondGivenFirst0[picks[1]] += 1 }
        }
        // First pick ~ p; second pick given the first was 0 ~ p without 0, renormalised (0.3/0.6, 0.2/0.6, 0.1/0.6).
        XCTAssertEqual(Double(firstCounts[0]) / 20000, 0.4, accuracy: 0.02)
        XCTAssertEqual(Double(secondGivenFirst0[1]) / Double(firstWas0), 0.5, accuracy: 0.03)
        XCTAssertEqual(Double(secondGivenFirst0[4]) / Double(firstWas0), 1.0 / 6, accuracy: 0.03)
        // Fewer positive entries than requested: only those come back.
        XCTAssertEqual(Set(try sampler.sampleWithoutReplacement([0, 0.5, 0, 0.5], count: 4)), [1, 3])
        // Each draw consumes one nextDouble.
        var s = SeededTokenSampler(seed: 4)
        var r = SeededRNG(seed: 4)
        _ = try s.sampleWithoutReplacement([1, 1, 1, 1, 1], count: 3)
        for _ in 0..<3 { _ = r.nextDouble() }
        XCTAssertEqual(s.rng.next(), r.next())
    }

    func testInvalidRowsAreErrors() {
        var s = SeededTokenSampler(seed: 1)
        XCTAssertThrowsError(try s.sample([0, 0, 0])) { XCTAssertTrue("\($0)".contains("zero"), "\($0)") }
        XCTAssertThrowsError(try s.sample([0.5, -0.1])) { XCTAssertTrue("\($0)".contains("-0.1"), "\($0)") }
        XCTAssertThrowsError(try s.sample([.nan, 1])) { XCTAssertTrue("\($0)".contains("nan"), "\($0)") }
    }

    func testReplaySampler() throws {
        var r = ReplayTokenSampler(draws: [[2], [0, 3]])
        XCTAssertEqual(try r.sample([0.1, 0.1, 0.8]), 2)
        XCTAssertEqual(try r.sampleWithoutReplacement([0.5, 0, 0, 0.5, 0], count: 4), [0, 3])
        XCTAssertThrowsError(try r.sample([1])) { XCTAssertTrue("\($0)".contains("exhausted"), "\($0)") }
        var diverged = ReplayTokenSampler(draws: [[1]])
        XCTAssertThrowsError(try diverged.sample([1, 0])) { XCTAssertTrue("\($0)".contains("diverged"), "\($0)") }
    }

    func testSequenceSampleStep() throws {
        // Temperature then top-k 2: only ids 1 and 3 can come out; the row given to the sampler is their softmax.
        let processors = LogitsProcessorList([try Temperature(0.5), try TopK(2)])
        var sampler = SeededTokenSampler(seed: 8)
        var seen = Set<Int>()
        for _ in 0..<200 {
            let (token, p) = try SequenceStep.sample(logits: [0, 2, -1, 1], history: [], processors: processors, sampler: &sampler)
            seen.insert(token)
            XCTAssertEqual(p[1], Float(1 / (1 + Foundation.exp(-2.0))), accuracy: 1e-6)  // e^4 / (e^4 + e^2)
        }
        XCTAssertEqual(seen, [1, 3])
    }
}
