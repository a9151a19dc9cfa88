// The weight-free Whisper parity cases through the target's own runners. The whisper/transcribe instances
// (transcribe_tiny_en, transcribe_tiny_multi) run in BookvoxTests.ParityCatalogTests with every other case.
import Foundation
import Neural
import TestSupport
import Whisper
import XCTest

final class WhisperParityTests: XCTestCase {
    func run(_ dir: String) throws {
        let c = try Fixtures.load(dir)
        guard let runner = WhisperParity.cases[c.name] else { return XCTFail("no runner for \(c.name)") }
        let reports = try runner(c)
        XCTAssertFalse(reports.isEmpty)
        for r in reports where !r.passed { XCTFail("\(dir): \(r)") }
        let checked = Set(reports.map(\.outputName))
        XCTAssertEqual(Set(c.outputNames).subtracting(checked), [], "outputs not checked")
    }

    func testFallbackRules() throws { try run("whisper/fallback_rules") }
    func testTextNormalizer() throws { try run("whisper/text_normalizer") }
}
