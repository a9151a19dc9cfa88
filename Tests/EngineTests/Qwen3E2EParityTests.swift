import Foundation
import Neural
import Qwen3TTS
import TestSupport
import XCTest

/// qwen3tts/e2e_tiny through the runner the parity catalog uses: the published-layout checkpoint loads, and the
/// clone pipeline reproduces every output (mel, x-vector, reference codes, prompts, logits, codes, waveforms, cut).
final class Qwen3E2EParityTests: XCTestCase {
    static let caseName = "qwen3tts/e2e_tiny"

    func testE2ETinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        let runner = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])
        let reports = try runner(c)
        for r in reports { print(r) }
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "every output of the case is checked")
        XCTAssertEqual(reports.count, c.outputNames.count, "each output is checked once")
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }

    /// Changed expected values fail, naming the output (a waveform sample and an exact integer).
    func testPerturbedExpectedValuesFailNamingTheOutput() throws {
        let dir = try Qwen3FixtureCopy.copyCase(Self.caseName)
        defer { try? FileManager.default.removeItem(at: dir) }
        let io = dir.appendingPathComponent("io.safetensors")
        try Qwen3FixtureCopy.perturb(io, key: "out.icl.wav", flatIndex: 100, floatDelta: 0.01)
        try Qwen3FixtureCopy.perturb(io, key: "out.icl.cut_index", flatIndex: 0, intDelta: 1)
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(try ParityCase(directory: dir))
        XCTAssertEqual(Set(reports.filter { !$0.passed }.map(\.name)), ["icl.wav", "icl.cut_index"])
    }
}
