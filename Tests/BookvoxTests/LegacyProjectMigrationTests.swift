// A project made by bookvox 0.4 (job store v2: segments keyed by position, files under
// segments/<chapter>/<key>.take<N>.wav, one flagged segment, one segment at take 2) opens with the
// content-identity store: nothing is synthesized again, audio, takes, seeds and flags are kept, and
// later edits re-render only what changed. Tests/Data/projects/legacy-v2 was rendered with espeak by the
// 0.4 binary (commit 54afe9b).
import Bookvox
import Foundation
import Neural
import TestSupport
import XCTest

final class LegacyProjectMigrationTests: XCTestCase {
    private func copyLegacy(into ws: TestWorkspace) throws -> (book: String, project: ProjectLayout) {
        let src = Fixtures.data.appendingPathComponent("projects/legacy-v2")
        for name in ["book.md", "book.bookvox"] {
            try FileManager.default.copyItem(at: src.appendingPathComponent(name), to: ws.root.appendingPathComponent(name))
        }
        return (ws.path("book.md"), ProjectLayout(root: ws.root.appendingPathComponent("book.bookvox")))
    }

    func testLegacyProjectResumesWithoutSynthesisAndKeepsTakesSeedsAndFlags() throws {
        let ws = try TestWorkspace()
        let (_, project) = try copyLegacy(into: ws)
        let report = try RenderSession.resume(project: project, options: RenderOptions(), progress: SilentProgress())
        XCTAssertEqual(report.synthesized, 0)
        XCTAssertEqual(report.reused, 6)
        let store = try JobStore(layout: project)
        let segments = try store.segments()
        XCTAssertEqual(segments.map(\.key), ["1.0", "1.1", "1.2", "2.0", "2.1", "2.2"])
        XCTAssertTrue(segments.allSatisfy { $0.audioPath?.hasPrefix("segments/\($0.chapter)/\($0.key).take") ?? false },
                      "legacy files stay where they are")
        XCTAssertEqual(try store.segment("1.2")?.state, .flagged)
        XCTAssertEqual(try store.segment("1.2")?.flagReason, "too quiet")
        let retaken = try XCTUnwrap(store.segment("2.1"))
        XCTAssertEqual(retaken.take, 2)
        XCTAssertEqual(retaken.segmentSeed, SeededRNG.segmentSeed(bookSeed: 11, key: "2.1", take: 2), "the seed it was rendered with")
        // "The lamp was lit." opens chapter one and ends chapter two: the same content id, each its own row.
        let lamps = segments.filter { $0.sourceText == "The lamp was lit." }
        XCTAssertEqual(lamps.map(\.key), ["1.1", "2.2"])
        XCTAssertEqual(Set(lamps.map(\.contentID)).count, 1)
        XCTAssertEqual(Set(lamps.map(\.rowID)).count, 2)
    }

    func testEditingAMigratedBookRendersOnlyTheNewSentence() throws {
        let ws = try TestWorkspace()
        let (book, _) = try copyLegacy(into: ws)
        let text = try String(contentsOfFile: book, encoding: .utf8)
        try text.replacingOccurrences(of: "The lamp was lit. It burned", with: "The lamp was lit. A moth circled it. It burned")
            .write(toFile: book, atomically: true, encoding: .utf8)
        let report = try RenderSession.render(book: book, options: RenderOptions(engine: "espeak"), progress: SilentProgress())
        XCTAssertEqual(report.synthesized, 1, "the book moved with its project; only the new sentence is synthesized")
        let store = try JobStore(layout: report.project)
        XCTAssertEqual(try store.segment("1.2")?.sourceText, "A moth circled it.")
        XCTAssertEqual(try store.segment("1.3")?.state, .flagged, "the flag follows its sentence from 1.2 to 1.3")
        XCTAssertEqual(try store.segment("1.3")?.flagReason, "too quiet")
        XCTAssertTrue(try store.segment("1.2")?.audioPath?.hasPrefix("segments/0/") ?? false, "new files are named by row id")
    }
}
