// Runs every shipped reference case that bookvox implements through the same path as
// `bookvox dev parity`, and checks the runner's failure modes.
import Bookvox
import Foundation
import Neural
import TestSupport
import XCTest

final class ParityCatalogTests: XCTestCase {
    func testEveryImplementedCasePasses() throws {
        var ran = Set<String>()
        for dir in Fixtures.allCases() {
            let c = try ParityCase(directory: dir)
            guard ParityCatalog.cases[c.name] != nil else { continue }
            let result = ParityCatalog.run(directory: dir)
            ran.insert(c.name)
            XCTAssertTrue(result.passed, "\(c.name) (\(dir.lastPathComponent)): \(result.error ?? "") \(result.reports.filter { !$0.passed })")
        }
        // The cases this build implements must all have been found in Tests/Fixtures (a case may have several
        // instances, e.g. whisper/transcribe with an English-only and a multilingual configuration).
        XCTAssertEqual(ran, Set(ParityCatalog.cases.keys), "a registered case has no fixture directory")
    }

    func testUnknownCaseIsAFailureNotASkip() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("parity-unknown-\(getpid())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let src = Fixtures.caseDir("indextts2/mel_22k")
        try FileManager.default.copyItem(at: src.appendingPathComponent("io.safetensors"), to: tmp.appendingPathComponent("io.safetensors"))
        try #"{"case": "nobody/implements_this", "config": {}}"#.write(to: tmp.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        let result = ParityCatalog.run(directory: tmp)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.error?.contains("nobody/implements_this") ?? false)
    }

    func testOverriddenToleranceIsReported() throws {
        let c = try Fixtures.load("indextts2/fbank_campplus")
        let t = c.tolerance(for: "feat")
        XCTAssertNotNil(t.overrideReason)
        XCTAssertTrue(t.description.contains("OVERRIDE"))
        XCTAssertNil(c.tolerance(for: "fbank").overrideReason)
    }

    /// Multi-mode cases name outputs "<mode>.<output>"; the manifest's per-output rules apply to them.
    func testPerOutputRulesApplyToModePrefixedNames() throws {
        let c = try Fixtures.load("qwen3tts/e2e_tiny")
        XCTAssertTrue(c.tolerance(for: "icl.codes").exact)
        XCTAssertTrue(c.tolerance(for: "xvec.cut_index").exact)
        XCTAssertEqual(c.tolerance(for: "icl.wav").atol, 2e-4)
        XCTAssertEqual(c.tolerance(for: "xvec.wav_full").atol, 2e-4)
        XCTAssertEqual(c.tolerance(for: "icl.ref_mel").atol, 0.01)
        let plain = c.tolerance(for: "icl.talker_hidden")
        XCTAssertFalse(plain.exact)
        XCTAssertEqual(plain.atol, 1e-4)
    }
}
