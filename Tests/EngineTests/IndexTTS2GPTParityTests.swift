// UnifiedVoice v2 GPT (prefix, greedy and beam decoding, latent pass) against indextts2/gpt_tiny.
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2GPTParityTests: XCTestCase {
    let caseName = "indextts2/gpt_tiny"

    func testGPTTinyParity() throws {
        let reports = try IndexTTS2ParityHarness.run(caseName)
        let c = try Fixtures.load(caseName)
        let names = Set(reports.map(\.name))
        for output in c.outputNames { XCTAssertTrue(names.contains(output), "\(output) is checked") }
        XCTAssertTrue(names.contains("codes_greedy [pth]") && names.contains("latent [pth]"), "the .pth weights are checked too")
        for r in reports { XCTAssertTrue(r.passed, "\(r)") }
        print("parity \(caseName):\n" + reports.map { "  \($0)" }.joined(separator: "\n"))
    }

    func testPerturbedOutputsFail() throws {
        for (output, change) in [("beam3_sequence_scores", { (a: inout [Float]) in a[0] += 0.5 }),
                                 ("codes_beam3", { (a: inout [Float]) in a[5] = a[5] == 3 ? 4 : 3 }),
                                 ("latent", { (a: inout [Float]) in a[100] += 1e-2 })] {
            let dir = try IndexTTS2ParityHarness.perturbed(caseName, output: output, change: change)
            defer { try? FileManager.default.removeItem(at: dir) }
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("weights.pth"),
                                                       withDestinationURL: Fixtures.caseDir(caseName).appendingPathComponent("weights.pth"))
            let reports = try IndexTTS2ParityHarness.run(caseName, directory: dir)
            let failed = reports.filter { !$0.passed }.map(\.name)
            // The .pth rerun compares against the same (perturbed) expected latent.
            XCTAssertEqual(failed, output == "latent" ? ["latent", "latent [pth]"] : [output], "only \(output) fails")
        }
    }
}
