import Foundation
import Neural
import Qwen3TTS
import TestSupport
import XCTest

/// qwen3tts/e2e_tiny through the runner the parity catalog uses: the clone pipeline built from the case's weights and
/// config reproduces every output (mel, x-vector, reference codes, prompts, logits, codes, waveforms, cut); with the
/// published-layout checkpoint/ present, the engine loaded from it does too ("<output> [checkpoint]").
final class Qwen3E2EParityTests: XCTestCase {
    static let caseName = "qwen3tts/e2e_tiny"

    func testE2ETinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        let runner = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])
        let reports = try runner(c)
        for r in reports { print(r) }
        let caseBuilt = reports.filter { !$0.name.hasSuffix(" [checkpoint]") }
        let checkpoint = reports.filter { $0.name.hasSuffix(" [checkpoint]") }
        XCTAssertEqual(Set(caseBuilt.map(\.name)), Set(c.outputNames), "every output of the case is checked")
        XCTAssertEqual(caseBuilt.count, c.outputNames.count, "each output is checked once")
        XCTAssertEqual(Set(checkpoint.map(\.outputName)), Set(c.outputNames), "and once more through the checkpoint's engine")
        XCTAssertEqual(checkpoint.count, c.outputNames.count)
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }

    /// The case without its optional checkpoint/ folder builds from weights + config and passes.
    func testE2ETinyParityWithoutCheckpoint() throws {
        let src = Fixtures.caseDir(Self.caseName)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qwen3-e2e-nockpt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for file in try FileManager.default.contentsOfDirectory(atPath: src.path) where file != "checkpoint" {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(file), withDestinationURL: src.appendingPathComponent(file))
        }
        let c = try ParityCase(directory: dir)
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(c)
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "every output is checked, none through a checkpoint")
        for r in reports { XCTAssertTrue(r.passed, r.description) }
        XCTAssertEqual(Set(c.consumedInputs), Set(c.inputNames), "every input is used")
    }

    /// Changed expected values fail, naming the output (a waveform sample and an exact integer).
    func testPerturbedExpectedValuesFailNamingTheOutput() throws {
        let dir = try Qwen3FixtureCopy.copyCase(Self.caseName)
        defer { try? FileManager.default.removeItem(at: dir) }
        let io = dir.appendingPathComponent("io.safetensors")
        try Qwen3FixtureCopy.perturb(io, key: "out.icl.wav", flatIndex: 100, floatDelta: 0.01)
        try Qwen3FixtureCopy.perturb(io, key: "out.icl.cut_index", flatIndex: 0, intDelta: 1)
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(try ParityCase(directory: dir))
        XCTAssertEqual(Set(reports.filter { !$0.passed }.map(\.name)),
                       ["icl.wav", "icl.cut_index", "icl.wav [checkpoint]", "icl.cut_index [checkpoint]"])
    }
}
