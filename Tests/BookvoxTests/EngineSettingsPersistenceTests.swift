// The project remembers the engine settings a book was rendered with: `resume` and `rerender` use them without
// the flags being repeated, a flag given again overrides them, and `rerender` refuses settings that would make
// one segment unlike the rest of the book.
import Bookvox
import Foundation
import TestSupport
import XCTest

final class EngineSettingsPersistenceTests: XCTestCase {
    private func options(_ engine: FakeEngine, project: String) -> RenderOptions {
        RenderOptions(projectDir: project, engine: "fake", registry: engine.registry())
    }

    private func bookSettings() -> EngineOptions {
        var s = EngineOptions()
        s.modelDir = "/models/narrator"
        s.emotion = "calm=0.8"
        s.emotionAlpha = 0.5
        s.diffusionSteps = 10
        return s
    }

    /// Renders the tiny book into project "p" with `bookSettings()`.
    private func renderWithSettings(_ ws: TestWorkspace, _ engine: FakeEngine) throws -> ProjectLayout {
        var opts = options(engine, project: ws.path("p"))
        opts.engineSettings = bookSettings()
        try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        return ProjectLayout(root: ws.root.appendingPathComponent("p"))
    }

    func testResumeAndRerenderUseTheStoredSettings() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let layout = try renderWithSettings(ws, engine)
        XCTAssertEqual(try JobStore(layout: layout).book()?.storedEngineSettings?.with(language: "en"),
                       bookSettings().with(language: "en"))

        // resume with no flags: made with the stored settings, nothing synthesized again.
        let calls = engine.generateCount
        let resumed = try RenderSession.resume(project: layout, options: options(engine, project: ws.path("p")),
                                               progress: SilentProgress())
        XCTAssertEqual(resumed.synthesized, 0)
        XCTAssertEqual(engine.generateCount, calls)
        XCTAssertFalse(try XCTUnwrap(engine.madeWith.last).differsInSettings(from: bookSettings()))

        // rerender with no flags: the book's settings; with different ones: refused, nothing changed.
        try RenderSession.rerender(project: layout, keys: ["1.1"], take: nil, options: options(engine, project: ws.path("p")),
                                   progress: SilentProgress())
        XCTAssertFalse(try XCTUnwrap(engine.madeWith.last).differsInSettings(from: bookSettings()))
        var other = options(engine, project: ws.path("p"))
        other.engineSettings.emotion = "sad=1"
        XCTAssertThrowsError(try RenderSession.rerender(project: layout, keys: ["1.1"], take: nil, options: other,
                                                        progress: SilentProgress())) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("--emotion calm=0.8") && text.contains("bookvox render"), text)
        }
        XCTAssertEqual(try JobStore(layout: layout).segment("1.1")?.take, 2)
    }

    /// A flag given to `resume` overrides the stored value, is stored, and re-queues what it affects.
    func testResumeFlagOverridesAndIsStored() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let layout = try renderWithSettings(ws, engine)

        var changed = options(engine, project: ws.path("p"))
        changed.engineSettings.diffusionSteps = 25
        try RenderSession.resume(project: layout, options: changed, progress: SilentProgress())
        let stored = try XCTUnwrap(try JobStore(layout: layout).book()?.storedEngineSettings)
        XCTAssertEqual(stored.diffusionSteps, 25)
        XCTAssertEqual(stored.emotion, "calm=0.8")
        XCTAssertEqual(stored.modelDir, "/models/narrator")
    }

    /// `--reset-settings`: resume forgets the stored values (and stores what it used); rerender refuses it.
    func testResetSettingsForgetsTheStoredValues() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let layout = try renderWithSettings(ws, engine)
        var reset = options(engine, project: ws.path("p"))
        reset.keepStoredEngineSettings = false
        reset.engineSettings.diffusionSteps = 5
        XCTAssertThrowsError(try RenderSession.rerender(project: layout, keys: ["1.1"], take: nil, options: reset,
                                                        progress: SilentProgress()))
        try RenderSession.resume(project: layout, options: reset, progress: SilentProgress())
        let made = try XCTUnwrap(engine.madeWith.last)
        XCTAssertNil(made.emotion)
        XCTAssertNil(made.modelDir)
        XCTAssertEqual(made.diffusionSteps, 5)
        let stored = try XCTUnwrap(try JobStore(layout: layout).book()?.storedEngineSettings)
        XCTAssertFalse(stored.differsInSettings(from: made))
    }

    /// Switching engine on `render` does not carry the old engine's settings over (its model directory would
    /// not fit the new engine); the same engine does.
    func testRenderInheritsOnlyForTheSameEngine() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let layout = try renderWithSettings(ws, engine)
        let book = try ws.tinyBook()
        try RenderSession.render(book: book, options: options(engine, project: ws.path("p")), progress: SilentProgress())
        XCTAssertEqual(engine.madeWith.last?.modelDir, "/models/narrator")

        let espeak = EngineRegistry.shared
        let switched = RenderOptions(projectDir: ws.path("p"), engine: "espeak", registry: espeak)
        try RenderSession.render(book: book, options: switched, progress: SilentProgress())
        let stored = try XCTUnwrap(try JobStore(layout: layout).book()?.storedEngineSettings)
        XCTAssertNil(stored.modelDir)
        XCTAssertNil(stored.emotion)
    }

    /// Paths given relative to the current directory are stored absolute, so `resume` works from anywhere.
    func testRelativePathsAreStoredAbsolute() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine(canCloneVoice: true)
        var opts = options(engine, project: ws.path("p"))
        opts.engineSettings.modelDir = "models/narrator"
        opts.engineSettings.emotionClip = "./clips/../clips/sad.wav"
        let cwd = FileManager.default.currentDirectoryPath
        let clip = Fixtures.data.appendingPathComponent("voices/qwen3_ryan_24k.wav").path
        opts.voicePath = relativePath(from: cwd, to: clip)
        XCTAssertFalse(try XCTUnwrap(opts.voicePath).hasPrefix("/"))
        try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        let record = try XCTUnwrap(try JobStore(layout: ProjectLayout(root: ws.root.appendingPathComponent("p"))).book())
        XCTAssertEqual(record.storedEngineSettings?.modelDir, cwd + "/models/narrator")
        XCTAssertEqual(record.storedEngineSettings?.emotionClip, cwd + "/clips/sad.wav")
        XCTAssertEqual(record.voicePath, URL(fileURLWithPath: clip).standardizedFileURL.path)
        XCTAssertEqual(engine.madeWith.last?.modelDir, cwd + "/models/narrator")
    }

    /// `to` written relative to the directory `from` (both absolute).
    private func relativePath(from: String, to: String) -> String {
        let a = URL(fileURLWithPath: from).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: to).standardizedFileURL.pathComponents
        var common = 0
        while common < min(a.count, b.count) && a[common] == b[common] { common += 1 }
        return (Array(repeating: "..", count: a.count - common) + b[common...]).joined(separator: "/")
    }
}
