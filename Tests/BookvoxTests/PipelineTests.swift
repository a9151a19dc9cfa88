// End to end with the real espeak engine (tiny books): durations of the exports, byte-identical
// renders, and rerender touching only the segment's chapter.
import AudioDSP
import Bookvox
import Foundation
import TextFrontend
import XCTest

final class PipelineTests: XCTestCase {
    private func espeak(_ project: String) -> RenderOptions { RenderOptions(projectDir: project, engine: "espeak") }

    func testRenderWritesChaptersWhoseDurationsMatchSegmentsPlusPauses() throws {
        let ws = try TestWorkspace()
        let report = try RenderSession.render(book: try ws.tinyBook(), options: espeak(ws.path("p")), progress: SilentProgress())
        XCTAssertEqual(report.exportedChapters, [1, 2, 3])
        let store = try JobStore(layout: report.project)
        let settings = StitchSettings.default
        for chapter in 1...3 {
            let segs = try store.segments(chapter: chapter)
            let timingsURL = report.project.exportFile(chapter: chapter, of: 3, ext: "timings.json")
            let timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: timingsURL))
            XCTAssertEqual(timings.segments.map(\.key), segs.map(\.key))
            let rate = Double(timings.sampleRate)
            func samples(_ seconds: Double) -> Int { Int((seconds * rate).rounded()) }
            // Layout: head, then each (trimmed) segment followed by the pause of its boundary, the last by the tail.
            var expected = samples(settings.chapterHead)
            for (i, (seg, t)) in zip(segs, timings.segments).enumerated() {
                let speech = t.endSample - t.startSample
                let raw = Int(Double(try XCTUnwrap(seg.sampleCount)) * rate / Double(try XCTUnwrap(seg.sampleRate)))
                XCTAssertGreaterThan(speech, raw / 3, "segment \(seg.key) keeps its speech")
                XCTAssertLessThanOrEqual(speech, raw + 2, "segment \(seg.key) is only trimmed")
                XCTAssertEqual(t.startSample, expected, "segment \(seg.key) starts after the previous pause")
                let boundary = try XCTUnwrap(Boundary(rawValue: seg.boundary))
                expected += speech + (i == segs.count - 1 ? samples(settings.chapterTail) : samples(settings.pause(after: boundary)))
            }
            XCTAssertEqual(timings.totalSamples, expected)
            let master = try AudioFile.read(path: report.project.exportFile(chapter: chapter, of: 3, ext: "flac").path)
            XCTAssertEqual(master.samples.count, expected)
            let mp3 = try AudioFile.read(path: report.project.exportFile(chapter: chapter, of: 3, ext: "mp3").path)
            XCTAssertEqual(mp3.sampleRate, 44_100)
            XCTAssertEqual(mp3.duration, master.duration, accuracy: 0.06, "chapter \(chapter) MP3 length")
        }
    }

    func testTwoRendersFromScratchAreByteIdentical() throws {
        let ws = try TestWorkspace()
        let book = try ws.tinyBook()
        try RenderSession.render(book: book, options: espeak(ws.path("a")), progress: SilentProgress())
        try RenderSession.render(book: book, options: espeak(ws.path("b")), progress: SilentProgress())
        let a = TestWorkspace.snapshot(ws.root.appendingPathComponent("a/export"))
        XCTAssertEqual(a.count, 19, "mp3 + flac + srt + vtt + timings for 3 chapters, the ACX report, the book's m4b + srt + vtt")
        XCTAssertEqual(a, TestWorkspace.snapshot(ws.root.appendingPathComponent("b/export")))
        XCTAssertEqual(TestWorkspace.snapshot(ws.root.appendingPathComponent("a/segments")),
                       TestWorkspace.snapshot(ws.root.appendingPathComponent("b/segments")))
    }

    func testRerenderChangesOnlyThatSegmentAndItsChapter() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let report = try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        let old = try XCTUnwrap(try store.segment("2.5"))
        let exportsBefore = TestWorkspace.snapshot(report.exportDir)
        let segmentsBefore = TestWorkspace.snapshot(report.project.segmentsDir)
        let calls = engine.generateCount

        let again = try RenderSession.rerender(project: report.project, keys: ["2.5"], take: nil, options: opts,
                                               progress: SilentProgress())
        XCTAssertEqual(engine.generateCount - calls, 1)
        XCTAssertEqual(again.exportedChapters, [2])
        let new = try XCTUnwrap(try store.segment("2.5"))
        XCTAssertEqual(new.take, old.take + 1)
        XCTAssertNotEqual(new.audioSha256, old.audioSha256)
        let exportsAfter = TestWorkspace.snapshot(report.exportDir)
        XCTAssertEqual(Set(exportsAfter.keys), Set(exportsBefore.keys))
        for (name, bytes) in exportsAfter {
            // Chapter 2's audio changed, and so did its entry in the book's ACX report.
            if name.hasPrefix("chapter-02.") || name == ACXReport.fileName || name.hasSuffix(".m4b") {
                // Timings and subtitles change only when the new take's length differs.
                if ![".timings.json", ".srt", ".vtt"].contains(where: { name.hasSuffix($0) }) {
                    XCTAssertNotEqual(bytes, exportsBefore[name], name)
                }
            } else if TestWorkspace.isBookFile(name) {
                continue  // the book's subtitles: as chapter 2's
            } else {
                XCTAssertEqual(bytes, exportsBefore[name], "\(name) must be untouched")
            }
        }
        let segmentsAfter = TestWorkspace.snapshot(report.project.segmentsDir)
        XCTAssertEqual(Set(segmentsAfter.keys).subtracting(segmentsBefore.keys),
                       [String(report.project.segmentRelativePath(id: old.rowID, take: 2).dropFirst("segments/".count))])
        for (name, bytes) in segmentsBefore { XCTAssertEqual(segmentsAfter[name], bytes, name) }

        // Going back to take 1 restores the original bytes everywhere.
        try RenderSession.rerender(project: report.project, keys: ["2.5"], take: 1, options: opts, progress: SilentProgress())
        XCTAssertEqual(TestWorkspace.snapshot(report.exportDir), exportsBefore)
    }

    func testEditedBookRerendersOnlyChangedSegments() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let book = try ws.tinyBook()
        try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        let exportsBefore = TestWorkspace.snapshot(ws.root.appendingPathComponent("p/export"))
        let before = engine.generateCalls.count
        try ws.tinyBook(chapterTwo: "The road was long. The snow fell hard. They walked on slowly. Then they rested awhile. Night came at last.")
        let report = try RenderSession.render(book: book, options: opts, progress: SilentProgress())
        XCTAssertEqual(Array(engine.generateCalls[before...]), ["2.2"])
        XCTAssertEqual(report.exportedChapters, [2])
        let exportsAfter = TestWorkspace.snapshot(report.exportDir)
        for name in exportsAfter.keys where !name.hasPrefix("chapter-02.") && name != ACXReport.fileName && !TestWorkspace.isBookFile(name) {
            XCTAssertEqual(exportsAfter[name], exportsBefore[name], name)
        }
        XCTAssertNotEqual(exportsAfter["Tiny Book.m4b"], exportsBefore["Tiny Book.m4b"], "the book's M4B holds chapter 2")
    }

    func testFlagStatusAndExportFormats() throws {
        let ws = try TestWorkspace()
        let engine = FakeEngine()
        let opts = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
        let report = try RenderSession.render(book: try ws.tinyBook(), options: opts, progress: SilentProgress())
        try ProjectCommands.flag(project: report.project, key: "3.1", reason: "odd pause")
        let status = try StatusReport.make(project: report.project)
        XCTAssertEqual(status.flagged.map(\.key), ["3.1"])
        XCTAssertEqual(status.flagged.first?.reason, "odd pause")
        XCTAssertEqual(status.done, status.total)
        XCTAssertTrue(status.text.contains("3.1  odd pause"), status.text)
        XCTAssertEqual(try ProjectCommands.export(project: report.project, changes: ExportChanges(formats: [.wav])).written, [1, 2, 3])
        let wav = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "wav").path)
        let flac = try AudioFile.read(path: report.project.exportFile(chapter: 1, of: 3, ext: "flac").path)
        XCTAssertEqual(wav.samples.count, flac.samples.count)
    }
}
