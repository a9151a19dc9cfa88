// `--precision exact|fast` as a stored engine setting: given once, a project keeps it for `resume`; an exact
// project's stored settings (hence its identities) are what they were before precision existed; engines without a
// fast path refuse it with a clear error.
import Bookvox
import Foundation
import TestSupport
import XCTest

final class PrecisionSettingsTests: XCTestCase {
    private func options(_ engine: FakeEngine, project: String) -> RenderOptions {
        RenderOptions(projectDir: project, engine: "fake", registry: engine.registry())
    }

    func testFastIsStoredAndResumeKeepsIt() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        var opts = options(engine, project: ws.path("p"))
        opts.engineSettings.precision = "fast"
        try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p"))
        XCTAssertEqual(try JobStore(layout: layout).book()?.storedEngineSettings?.precision, "fast")
        XCTAssertTrue(try XCTUnwrap(try JobStore(layout: layout).book()?.engineSettings).contains("\"precision\":\"fast\""))

        try RenderSession.resume(project: layout, options: options(engine, project: ws.path("p")), progress: SilentProgress())
        XCTAssertEqual(engine.madeWith.last?.precision, "fast")
        XCTAssertTrue(try XCTUnwrap(engine.madeWith.last).flagsDescription.contains("--precision fast"))

        // Given again, it replaces the stored value.
        var exact = options(engine, project: ws.path("p"))
        exact.engineSettings.precision = "exact"
        try RenderSession.resume(project: layout, options: exact, progress: SilentProgress())
        XCTAssertEqual(try JobStore(layout: layout).book()?.storedEngineSettings?.precision, "exact")
    }

    /// Without --precision nothing about precision is stored: exact projects keep today's stored settings.
    func testExactByDefaultStoresNothing() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        try RenderSession.render(book: try ws.tinyBook(), options: options(engine, project: ws.path("p")), progress: SilentProgress())
        let record = try XCTUnwrap(try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p"))).book())
        XCTAssertNil(record.storedEngineSettings?.precision)
        XCTAssertFalse((record.engineSettings ?? "").contains("precision"))
        XCTAssertEqual(try EnginePrecision(settings: EngineOptions()), .exact)
    }

    /// IndexTTS2 takes fast (its GPT's decode steps) and names the kernel in its settings; exact's settings are as before.
    func testIndexTTS2FastNamesItsKernel() throws {
        var s = EngineOptions()
        s.modelDir = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint").path
        let exact = try EngineRegistry.shared.make("indextts2", options: s)
        XCTAssertFalse(exact.settingsDescription.contains("precision"))
        s.precision = "fast"
        let fast = try EngineRegistry.shared.make("indextts2", options: s)
        XCTAssertTrue(fast.settingsDescription.hasPrefix(exact.settingsDescription + " precision=fast(int8-"), fast.settingsDescription)
    }

    func testEnginesWithoutAFastPathRefuseIt() throws {
        var s = EngineOptions()
        s.precision = "fast"
        XCTAssertThrowsError(try EngineRegistry.shared.make("espeak", options: s)) { error in
            XCTAssertTrue("\(error)".contains("qwen3-tts and indextts2 only"), "\(error)")
        }
        s.precision = "exact"
        XCTAssertNoThrow(try EngineRegistry.shared.make("espeak", options: s))
        s.precision = "half"
        XCTAssertThrowsError(try EnginePrecision(settings: s)) { error in
            XCTAssertTrue("\(error)".contains("exact or fast"), "\(error)")
        }
    }
}
