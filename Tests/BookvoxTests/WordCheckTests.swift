// The word check: kept takes that passed their signal checks are transcribed per chapter, several segments
// at once; a take whose words do not match its text is taken again, the best take is kept.
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

/// A recognizer that hears the same words in every pack (none, or a fixed phrase), and compares words as given.
final class ScriptedRecognizer: SpeechRecognizing, @unchecked Sendable {
    let name = "scripted"
    let phrase: [String]
    private let lock = NSLock()
    private(set) var packDurations: [Double] = []
    init(hears phrase: [String]) { self.phrase = phrase }

    func words(in audio: AudioBuffer, language: String, seed: UInt64, maxTokens: Int) throws -> [RecognizedWord] {
        lock.lock()
        packDurations.append(audio.duration)
        lock.unlock()
        return phrase.enumerated().map { RecognizedWord(text: " " + $1, start: Double($0) * 0.1, end: Double($0) * 0.1 + 0.05) }
    }

    func comparableWords(_ text: String, language: String) -> [String] {
        text.lowercased().split { !$0.isLetter }.map(String.init)
    }
}

final class WordCheckTests: XCTestCase {
    private func options(_ engine: FakeEngine, _ ws: TestWorkspace, _ recognizer: SpeechRecognizing, project: String = "p") -> RenderOptions {
        var o = RenderOptions(projectDir: ws.path(project), engine: "fake", limits: SchedulerLimits(maxInFlight: 1),
                              registry: engine.registry())
        o.recognizer = recognizer
        return o
    }

    func testPacksAreRunsOfAdjacentAwaitingSegmentsUpToTheWindow() throws {
        let items = [(10.0, true), (10.0, true), (10.0, true), (5.0, false), (40.0, true), (3.0, true)]
            .map { RecognitionPass.PackItem(seconds: $0.0, awaiting: $0.1) }
        let packs = RecognitionPass.packs(items, maxSeconds: 28, gapSeconds: 0.5)
        XCTAssertEqual(packs, [[0, 1], [2], [4], [5]],
                       "10+0.5+10 fits, a third does not; a segment not awaiting ends the run; an over-long one stands alone")
    }

    func testWordsGoToTheSegmentHoldingTheirMidpoint() {
        let spans = [(start: 0.0, end: 2.0), (start: 2.5, end: 4.0), (start: 4.5, end: 5.0)]
        let words = [RecognizedWord(text: "a", start: 0.1, end: 0.3), RecognizedWord(text: "b", start: 2.1, end: 2.3),
                     RecognizedWord(text: "c", start: 2.3, end: 2.6), RecognizedWord(text: "d", start: 4.3, end: 4.7)]
        XCTAssertEqual(RecognitionPass.assign(words, to: spans), [["a", "b"], ["c"], ["d"]])
    }

    func testMatchingWordsPassAndSeveralSegmentsShareOnePack() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let recognizer = ScriptedRecognizer(hears: [])  // no words heard, and the comparison below sees none either
        let passing = PassingRecognizer(inner: recognizer)
        let report = try RenderSession.render(book: try ws.tinyBook(), options: options(engine, ws, passing), progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        let segments = try store.segments()
        XCTAssertTrue(segments.allSatisfy { $0.state == .rendered && !$0.awaitingRecognition && $0.take == 1 })
        XCTAssertTrue(try store.allTakes().allSatisfy { $0.transcript != nil && $0.wordErrorRate == 0 })
        XCTAssertEqual(report.exportedChapters, [1, 2, 3])
        XCTAssertEqual(recognizer.packDurations.count, 3, "one pack per chapter: \(recognizer.packDurations)")
    }

    func testWrongWordsAreTakenAgainAndTheBestTakeIsKeptAndFlagged() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let recognizer = ScriptedRecognizer(hears: ["completely", "different", "words"])
        let report = try RenderSession.render(book: try ws.tinyBook(), options: options(engine, ws, recognizer), progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        let seg = try XCTUnwrap(store.segment("2.3"))
        XCTAssertEqual(seg.state, .flagged)
        XCTAssertTrue(seg.flagReason?.hasPrefix("QA: words (word error rate") ?? false, seg.flagReason ?? "nil")
        XCTAssertFalse(seg.awaitingRecognition)
        let takes = try store.takes(segmentID: seg.rowID)
        XCTAssertEqual(takes.map(\.take), [1, 2, 3])
        XCTAssertTrue(takes.allSatisfy { $0.wordErrorRate != nil && !$0.passed })
        XCTAssertEqual(report.exportedChapters, [1, 2, 3], "exported once every segment's check is final")
        let review = try ReviewReport.make(project: report.project)
        XCTAssertEqual(review.withFindings, try store.segments().count)
    }

    /// The word check with a real (tiny, random-weight) Whisper model in the published layout, inside a render.
    func testTinyWhisperRunsInsideARenderAndReviewListsTheScores() throws {
        let ws = try TestWorkspace()
        let book = try ws.write("short.md", "---\ntitle: Short\nseed: 2\n---\n\n# One\n\nThe lamp was lit. It burned all night.\n")
        let model = Fixtures.caseDir("whisper/transcribe_tiny_en").appendingPathComponent("hf")
        let whisper = try WhisperRecognizer(directory: model, name: "whisper-tiny-test")
        var opts = options(FakeEngine(), ws, whisper)
        opts.maxTakes = 1
        let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        XCTAssertTrue(try store.segments().allSatisfy { $0.state.hasAudio && !$0.awaitingRecognition })
        let takes = try store.allTakes()
        XCTAssertEqual(takes.count, 3)
        XCTAssertTrue(takes.allSatisfy { $0.transcript != nil && $0.wordErrorRate != nil }, "\(takes)")
        let json = try ReviewReport.make(project: report.project).json()
        let decoded = try JSONDecoder().decode(ReviewReport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.checked, 3)
        XCTAssertTrue(decoded.segments.allSatisfy { $0.score != nil && $0.takes.first?.wordErrorRate != nil })
        XCTAssertEqual(report.exportedChapters, [1])

        // The same book and settings hear the same words.
        var again = options(FakeEngine(), ws, whisper, project: "q")
        again.maxTakes = 1
        let second = try RenderSession.render(book: book, options: again, progress: SilentProgress())
        XCTAssertEqual(try JobStore(layout: second.project).allTakes().map(\.transcript), takes.map(\.transcript))
    }
}

/// Wraps a recognizer so that every comparison sees no words: every take passes the word check.
final class PassingRecognizer: SpeechRecognizing, @unchecked Sendable {
    let inner: ScriptedRecognizer
    var name: String { inner.name }
    init(inner: ScriptedRecognizer) { self.inner = inner }
    func words(in audio: AudioBuffer, language: String, seed: UInt64, maxTokens: Int) throws -> [RecognizedWord] {
        try inner.words(in: audio, language: language, seed: seed, maxTokens: maxTokens)
    }
    func comparableWords(_ text: String, language: String) -> [String] { [] }
}
