// Every take is checked: a take that fails a signal check is taken again with the next take (new seed),
// the best take is kept, every take's verdict is stored, and nothing depends on scheduling.
import AudioDSP
import Bookvox
import Foundation
import XCTest

final class TakeSelectionTests: XCTestCase {
    private func options(_ engine: FakeEngine, _ ws: TestWorkspace, project: String = "p", inFlight: Int = 4) -> RenderOptions {
        RenderOptions(projectDir: ws.path(project), engine: "fake", limits: SchedulerLimits(maxInFlight: inFlight),
                      registry: engine.registry())
    }

    /// Each fault fails its own check on take 1; take 2 is clean and kept.
    func testEachSignalCheckFailsItsTakeAndTheNextTakeIsKept() throws {
        let cases: [(FakeEngine.AudioFault, String)] = [
            (.silence, "near-silent"), (.runaway, "runaway"), (.clipping, "clipping"), (.cutEnd, "cut-end"),
            (.longPause, "long-pause"), (.dcOffset, "dc-offset"),
        ]
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        for (i, (fault, _)) in cases.enumerated() { engine.faults["1.\(i + 1)"] = [1: fault] }
        let report = try RenderSession.render(book: try sixSentences(ws), options: options(engine, ws), progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        for (i, (_, check)) in cases.enumerated() {
            let seg = try XCTUnwrap(store.segment("1.\(i + 1)"))
            XCTAssertEqual(seg.state, .rendered, check)
            XCTAssertEqual(seg.take, 2, check)
            XCTAssertEqual(seg.qaScore, 0, check)
            let takes = try store.takes(segmentID: seg.rowID)
            XCTAssertEqual(takes.map(\.take), [1, 2], check)
            XCTAssertFalse(takes[0].passed, check)
            XCTAssertTrue(takes[0].decodedFindings.contains { $0.check == check },
                          "\(check): \(takes[0].decodedFindings.map(\.check))")
            XCTAssertTrue(takes[1].passed, check)
        }
        XCTAssertEqual(try store.segment("1.0")?.take, 1)
    }

    func testNonFiniteAudioIsATakeWithoutAudio() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        engine.faults["1.1"] = [1: .nonFinite]
        let report = try RenderSession.render(book: try ws.tinyBook(), options: options(engine, ws), progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        let seg = try XCTUnwrap(store.segment("1.1"))
        XCTAssertEqual(seg.take, 2)
        let first = try store.takes(segmentID: seg.rowID)[0]
        XCTAssertNil(first.audioPath)
        XCTAssertTrue(first.error?.contains("non-finite") ?? false, first.error ?? "nil")
    }

    /// No take passes: the best (lowest score) is kept, the segment is flagged with what its checks found, and
    /// the result is the same on every run, resumed or not.
    func testBestTakeIsKeptAndFlaggedDeterministicallyAcrossRunsAndResumes() throws {
        let ws = try TestWorkspace()
        func engine() -> FakeEngine {
            let e = FakeEngine()
            // take 1: silent (severe, score 10); take 2: runaway (severe); take 3: long pause (1) → take 3 kept.
            e.faults["2.3"] = [1: .silence, 2: .runaway, 3: .longPause]
            e.faults["3.1"] = [1: .cutEnd, 2: .runaway, 3: .silence]
            return e
        }
        let a = try RenderSession.render(book: try ws.tinyBook(), options: options(engine(), ws, project: "a", inFlight: 1),
                                         progress: SilentProgress())
        let store = try JobStore(layout: a.project)
        let flagged = try XCTUnwrap(store.segment("2.3"))
        XCTAssertEqual(flagged.state, .flagged)
        XCTAssertEqual(flagged.take, 3)
        XCTAssertTrue(flagged.flagReason?.hasPrefix("QA: too-long") ?? false, flagged.flagReason ?? "nil")
        XCTAssertTrue(flagged.flagReason?.contains("long-pause") ?? false)
        XCTAssertTrue(flagged.flagReason?.contains("best of 3 takes") ?? false)
        XCTAssertEqual(try store.segment("3.1")?.take, 1, "the cut take beats a runaway and a silent one")
        let review = try ReviewReport.make(project: a.project)
        XCTAssertEqual(Set(review.segments.prefix(2).map(\.key)), ["2.3", "3.1"], "worst first")
        XCTAssertEqual(review.segments.first { $0.key == "2.3" }?.takes.map(\.take), [1, 2, 3])
        XCTAssertEqual(review.segments.first { $0.key == "2.3" }?.takes.filter(\.kept).map(\.take), [3])
        let status = try StatusReport.make(project: a.project)
        XCTAssertEqual(status.chapters.map(\.checksFlagged), [0, 1, 1])
        XCTAssertTrue(status.text.contains("2 flagged after every take failed"), status.text)

        // Another schedule (more in flight) gives the same takes and bytes.
        let b = try RenderSession.render(book: try ws.tinyBook(), options: options(engine(), ws, project: "b", inFlight: 6),
                                         progress: SilentProgress())
        XCTAssertEqual(TestWorkspace.snapshot(b.exportDir), TestWorkspace.snapshot(a.exportDir))

        // Interrupted after a few segments, then resumed: the same again.
        let cancel = CancellationFlag()
        let interrupted = engine()
        interrupted.onGenerate = { key in if key == "2.3" { cancel.cancel() } }
        XCTAssertThrowsError(try RenderSession.render(book: try ws.tinyBook(), options: options(interrupted, ws, project: "c", inFlight: 1),
                                                      progress: SilentProgress(), cancel: cancel))
        let c = try RenderSession.resume(project: ProjectLayout(root: ws.root.appendingPathComponent("c")),
                                         options: options(engine(), ws, project: "c"), progress: SilentProgress())
        XCTAssertEqual(TestWorkspace.snapshot(c.exportDir), TestWorkspace.snapshot(a.exportDir))
        XCTAssertEqual(try JobStore(layout: c.project).segment("2.3")?.take, 3)
    }

    func testRerenderOfAFlaggedSegmentRunsTheSameChecks() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        engine.faults["1.1"] = [1: .clipping, 2: .clipping, 3: .clipping]
        let opts = options(engine, ws)
        let report = try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        XCTAssertEqual(try JobStore(layout: report.project).segment("1.1")?.state, .flagged)
        XCTAssertEqual(try JobStore(layout: report.project).segment("1.1")?.take, 1, "three equal takes: the first is kept")
        try RenderSession.rerender(project: report.project, keys: ["1.1"], take: nil, options: opts, progress: SilentProgress())
        let seg = try XCTUnwrap(JobStore(layout: report.project).segment("1.1"))
        XCTAssertEqual(seg.take, 4, "the rerender's round: takes 2 and 3 clipped, take 4 passed")
        XCTAssertEqual(seg.state, .rendered)
        XCTAssertNil(seg.flagReason)
    }

    func testChecksOffKeepsEveryTake() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        engine.faults["1.1"] = [1: .clipping]
        var opts = options(engine, ws)
        opts.qa = nil
        let report = try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        let seg = try XCTUnwrap(JobStore(layout: report.project).segment("1.1"))
        XCTAssertEqual(seg.take, 1)
        XCTAssertEqual(seg.state, .rendered)
    }

    func testSignalChecksOnSyntheticAudio() {
        let settings = QASettings.default
        let rate = 16_000
        func tone(_ seconds: Double, amplitude: Float = 0.3) -> [Float] {
            (0..<Int(seconds * Double(rate))).map { amplitude * Float(sin(2 * Double.pi * 220 * Double($0) / Double(rate))) }
        }
        let pad = [Float](repeating: 0, count: rate / 10)
        let text = "The quick brown fox jumps over the dog." // 31 letters ≈ 2.0 s
        func checks(_ s: [Float]) -> [String] {
            SignalChecks.run(AudioBuffer(samples: s, sampleRate: rate), text: text, language: "en", settings: settings).map(\.check)
        }
        XCTAssertEqual(checks(pad + tone(2.0) + pad), [])
        XCTAssertEqual(checks(pad + tone(0.3) + pad), ["too-short"])
        XCTAssertEqual(checks(pad + tone(6.5) + pad), ["too-long"])
        XCTAssertEqual(checks(pad + tone(9.5) + pad), ["runaway"])
        XCTAssertEqual(checks(pad + tone(1.0) + [Float](repeating: 0, count: 2 * rate) + tone(1.0) + pad), ["long-pause"])
        XCTAssertEqual(checks(pad + tone(2.0)), ["cut-end"])
        XCTAssertEqual(checks(tone(2.0) + pad), ["cut-start"])
        XCTAssertEqual(checks(pad + tone(2.0, amplitude: 0.003) + pad), ["near-silent"])
        XCTAssertEqual(checks(pad + tone(2.0).map { $0 + 0.05 } + pad), ["dc-offset"])
        XCTAssertEqual(checks(pad + tone(2.0, amplitude: 1.5).map { max(-1, min(1, $0)) } + pad), ["clipping"])
    }

    private func sixSentences(_ ws: TestWorkspace) throws -> String {
        try ws.write("six.md", """
            ---
            title: Six
            seed: 3
            ---

            # One

            The first line is calm. The second line is calm. The third line is calm. The fourth line is calm. The fifth line is calm. The sixth line is calm.

            """)
    }

    /// Once a book is complete, the median duration of its accepted segments becomes the duration check's
    /// reference for that engine and voice: a take 1.8× too slow passes the language prior but not the profile.
    func testDurationBoundsAreLearnedFromTheBooksAcceptedSegments() throws {
        let ws = try TestWorkspace()
        let sentences = (1...36).map { "Sentence number \(NumberWords($0)) walks along the quiet river bank." }
        let book = { (extra: String) in
            try ws.write("long.md", "---\ntitle: Long\nseed: 5\n---\n\n# One\n\n" + sentences.joined(separator: " ") + extra + "\n")
        }
        let engine = FakeEngine()
        let first = try RenderSession.render(book: try book(""), options: options(engine, ws), progress: SilentProgress())
        let store = try JobStore(layout: first.project)
        let profile = try XCTUnwrap(store.book()?.durationProfile, "learned after the first complete render")
        XCTAssertGreaterThanOrEqual(profile.segments, 30)
        XCTAssertEqual(profile.secondsPerCharacter, 0.075, accuracy: 0.02)

        let added = " A slow new sentence drifts along the quiet river bank."
        engine.faults["1.37"] = [1: .slow]
        try RenderSession.render(book: try book(added), options: options(engine, ws), progress: SilentProgress())
        let slow = try XCTUnwrap(store.segment("1.37"))
        XCTAssertEqual(slow.take, 2, "take 1 was too long for the learned profile")
        XCTAssertTrue(try store.takes(segmentID: slow.rowID)[0].decodedFindings.map(\.check) == ["too-long"])

        // Without a profile (a fresh project), the same slow take passes the language prior.
        let fresh = FakeEngine()
        fresh.faults["1.37"] = [1: .slow]
        let other = try RenderSession.render(book: try book(added), options: options(fresh, ws, project: "fresh"),
                                             progress: SilentProgress())
        XCTAssertEqual(try JobStore(layout: other.project).segment("1.37")?.take, 1)
    }

    private func NumberWords(_ n: Int) -> String {
        let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
                    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
        let tens = ["", "", "twenty", "thirty", "forty"]
        return n < 20 ? ones[n] : tens[n / 10] + (n % 10 == 0 ? "" : "-" + ones[n % 10])
    }
}
