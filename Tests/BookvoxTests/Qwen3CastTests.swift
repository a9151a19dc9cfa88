// The cast sample (projects/cast) with the Qwen3-TTS engine on the tiny random-weight checkpoint: two cloned clips, the
// narrator's without a transcript (x-vector clone) and Mara's with one (in-context clone).
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class Qwen3CastTests: XCTestCase {
    func testCastSampleRendersWithTwoClonedClips() throws {
        let ws = try TestWorkspace()
        var options = RenderOptions(projectDir: ws.path("p"), engine: "qwen3-tts")
        options.engineSettings.modelDir = Qwen3PipelineTests.checkpoint
        options.chapters = [1]
        let report = try RenderSession.render(book: CastRenderTests.castBook, options: options, progress: SilentProgress())
        XCTAssertEqual(report.exportedChapters, [1])
        let store = try JobStore(layout: report.project)
        let chapter = try store.segments(chapter: 1)
        XCTAssertEqual(chapter.map(\.voice), Array(CastRenderTests.castVoices.prefix(9)))
        XCTAssertTrue(chapter.allSatisfy { $0.state.hasAudio && $0.sampleRate == 24_000 })
        // The default voice is the narrator's clip; each clip was prepared once and cached under voices/.
        let narrator = try XCTUnwrap(VoiceClip.load(path: Fixtures.repoRoot.appendingPathComponent("projects/sample/narrator.wav").path))
        XCTAssertEqual(try store.book()?.voiceSha256, narrator.sha256)
        let profiles = try FileManager.default.contentsOfDirectory(atPath: report.project.voicesDir.path).filter { $0.hasSuffix(".safetensors") }
        XCTAssertEqual(profiles.count, 2, "\(profiles)")
        XCTAssertTrue(profiles.contains { $0.contains(narrator.sha256) })
        let mara = try VoiceClip.load(path: Fixtures.repoRoot.appendingPathComponent("projects/cast/mara.wav").path,
                                      transcript: "My name is Mara, and I keep the lighthouse clock with my grandfather.")
        XCTAssertTrue(profiles.contains { $0.contains(mara.sha256) }, "Mara's clip with its transcript: \(profiles)")
        // The two voices' segments differ in their cache identity inputs: recasting one leaves the other's audio.
        let identities = Set(chapter.map(\.cacheIdentity))
        XCTAssertEqual(identities.count, chapter.count)
        XCTAssertEqual(try RenderSession.resume(project: report.project, options: options, progress: SilentProgress()).synthesized, 0)
    }
}
