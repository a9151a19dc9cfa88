// IndexTTS2 cross-segment GPT batching: `generateBatch` gives every segment, code for code, what `generate` gives it
// alone — segments of different texts, seeds, lengths and piece counts, slots refilled as segments end — in exact mode
// (beam sampling, greedy, multinomial sampling) and in fast mode with every reduced kernel this CPU runs (beam sampling;
// greedy with the standard kernel); and the grouped row kernel equals the row kernel per group.
import AudioDSP
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import SpeechEngine
import Tensors
import TestSupport

final class IndexTTS2BatchGenerationTests: XCTestCase {
    static let texts = [
        "Hello world, this is a test.",
        "A short one.",
        "The quick brown fox jumps over the lazy dog and runs away.",
        "Yes.",
        "Numbers are written out: forty two.",
    ]

    func requests() -> [SegmentRequest] {
        Self.texts.enumerated().map { i, t in SegmentRequest(key: "1.\(i + 1)", text: t, seed: UInt64(1000 + 37 * i)) }
    }

    func voice(_ e: IndexTTS2Engine) throws -> VoiceProfile {
        let path = Fixtures.data.appendingPathComponent("voices/indextts2_sample_22k.wav").path
        return try e.prepareVoice(VoiceReference(path: path, audio: try AudioFile.read(path: path), sha256: "test-clip"))
    }

    /// generateBatch == generate per request; returns the codes (for the callers' checks of variety).
    @discardableResult
    func checkBatchEqualsAlone(_ e: IndexTTS2Engine, _ profile: VoiceProfile, _ label: String) throws -> [GeneratedCodes] {
        let rs = requests()
        let batch = e.generateBatch(rs, voice: profile)
        XCTAssertEqual(batch.count, rs.count)
        var out: [GeneratedCodes] = []
        for (r, b) in zip(rs, batch) {
            let alone = try e.generate(r, voice: profile)
            let got = try b.get()
            XCTAssertEqual(got, alone, "\(label): segment \(r.key) batched differs from alone")
            out.append(alone)
        }
        return out
    }

    func makeEngine(_ models: IndexTTS2Models?, _ change: (inout IndexTTS2EngineOptions) -> Void) throws -> IndexTTS2Engine {
        // ≤ 6-token pieces: the longer texts run several pieces in their slot; 3 slots for 6 segments: slots refill.
        var o = IndexTTS2EngineOptions(modelDir: IndexTTS2EngineTests.checkpoint, maxMelTokens: 24, diffusionSteps: 2,
                                       maxTextTokensPerSegment: 6, maxBatch: 3)
        change(&o)
        return try IndexTTS2Engine(options: o, models: models)
    }

    func testBatchEqualsAloneInExactMode() throws {
        let e = try makeEngine(nil) { _ in }
        XCTAssertEqual(e.preferredBatchSize, 3)
        let profile = try voice(e)
        let codes = try checkBatchEqualsAlone(e, profile, "exact 3 beams")
        // The case is only a test of batching if the segments differ in length and piece count.
        XCTAssertGreaterThan(Set(codes.map(\.values.count)).count, 2, "segments of different lengths")
        let pieceCounts = codes.map { ($0.metadata["pieces"] ?? "").split(separator: ",").count }
        XCTAssertGreaterThan(pieceCounts.max() ?? 0, 1, "some segment has several pieces")
        XCTAssertTrue(pieceCounts.contains(1), "some segment has one piece")
        // Greedy and multinomial sampling (1 sequence per slot: the shared-attention path).
        let greedy = try makeEngine(e.models) { $0.generation.numBeams = 1; $0.generation.doSample = false }
        try checkBatchEqualsAlone(greedy, profile, "exact greedy")
        let sampled = try makeEngine(e.models) { $0.generation.numBeams = 1 }
        try checkBatchEqualsAlone(sampled, profile, "exact sampled")
        // A batch bigger than the request list: every segment in a slot from the start.
        let all = try makeEngine(e.models) { $0.maxBatch = 8 }
        for (r, b) in zip(requests(), all.generateBatch(requests(), voice: profile)) {
            XCTAssertEqual(try b.get(), codes[Int(r.key.split(separator: ".")[1])! - 1], "exact batch 8: \(r.key)")
        }
        XCTAssertEqual(try makeEngine(e.models) { $0.maxBatch = 0 }.preferredBatchSize, 1)
    }

    func testBatchEqualsAloneInFastModeForEveryKernel() throws {
        let models = try IndexTTS2Models(path: IndexTTS2EngineTests.checkpoint)
        var profile: VoiceProfile?
        for kernel in ReducedKernel.allCases where kernel.isSupported {
            let e = try makeEngine(models) { $0.fastKernel = kernel }
            let prepared = try profile ?? voice(e) // prepared once: voice preparation does not depend on the precision
            profile = prepared
            try checkBatchEqualsAlone(e, prepared, "fast \(kernel.rawValue) 3 beams")
        }
        let greedy = try makeEngine(models) {
            $0.fastKernel = IndexTTS2FastKernel.standard; $0.generation.numBeams = 1; $0.generation.doSample = false
        }
        try checkBatchEqualsAlone(greedy, try profile ?? voice(greedy), "fast standard greedy")
    }

    /// A failing segment (no codes) fails alone; the others still equal their lone runs.
    func testEmptyTextFailsOnlyItsSegment() throws {
        let e = try makeEngine(nil) { _ in }
        let profile = try voice(e)
        let rs = [SegmentRequest(key: "1.1", text: "Hello there.", seed: 3), SegmentRequest(key: "1.2", text: "", seed: 4),
                  SegmentRequest(key: "1.3", text: "Good morning to you.", seed: 5)]
        let batch = e.generateBatch(rs, voice: profile)
        for i in [0, 2] { XCTAssertEqual(try batch[i].get(), try e.generate(rs[i], voice: profile)) }
        switch (batch[1], Result { try e.generate(rs[1], voice: profile) }) {
        case let (.success(a), .success(b)): XCTAssertEqual(a, b)
        case (.failure, .failure): break
        default: XCTFail("the empty segment must behave in a batch as alone")
        }
    }

    /// The grouped output-major kernel gives each group what the row kernel gives it alone (k a multiple of 16 or
    /// not, groups of 1…4 rows), and the grouped projection does for every Conv1D kernel.
    func testGroupedProductEqualsPerGroupProduct() {
        var rng = SeededRNG(seed: 11)
        for k in [48, 37] {
            let n = 70, groups = [3, 1, 3, 4, 2, 3]
            let rows = groups.reduce(0, +)
            let x = (0..<(rows * k)).map { _ in rng.nextGaussian() }, w = (0..<(n * k)).map { _ in rng.nextGaussian() }
            let y0 = (0..<(rows * n)).map { _ in rng.nextGaussian() }
            for kernel in Conv1DKernel.allCases {
                var grouped = y0, alone = y0
                x.withUnsafeBufferPointer { xb in
                    w.withUnsafeBufferPointer { wb in
                        grouped.withUnsafeMutableBufferPointer {
                            Conv1DProjection.productGrouped(kernel, groups: groups, n: n, k: k, x: xb.baseAddress!, w: wb.baseAddress!,
                                                            y: $0.baseAddress!)
                        }
                        alone.withUnsafeMutableBufferPointer { yb in
                            var first = 0
                            for g in groups {
                                Conv1DProjection.product(kernel, rows: g, n: n, k: k, x: xb.baseAddress! + first * k, w: wb.baseAddress!,
                                                         y: yb.baseAddress! + first * n)
                                first += g
                            }
                        }
                    }
                }
                XCTAssertEqual(grouped, alone, "\(kernel) k=\(k)")
                XCTAssertNotEqual(grouped, y0)
            }
        }
    }
}
