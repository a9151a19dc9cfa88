// The README's quick start renders projects/sample/book.md with espeak-ng (scripts/setup.sh): every
// chapter must come out as an MP3 that libsndfile decodes, as long as its master and its timings say,
// at the book-wide loudness target and passing the ACX check.
import AudioDSP
import Bookvox
import Foundation
import TestSupport
import XCTest

final class SampleBookTests: XCTestCase {
    func testSampleBookRendersToDecodableChapterMP3sOfTheExpectedLength() throws {
        let ws = try TestWorkspace()
        let sample = Fixtures.repoRoot.appendingPathComponent("projects/sample")
        let options = RenderOptions(projectDir: ws.path("sample"), engine: "espeak",
                                    voicePath: sample.appendingPathComponent("narrator.wav").path)
        let report = try RenderSession.render(book: sample.appendingPathComponent("book.md").path, options: options,
                                              progress: SilentProgress())
        let store = try JobStore(layout: report.project)
        let chapters = try store.chapters()
        XCTAssertGreaterThanOrEqual(chapters.count, 2, "the sample is a multi-chapter book")
        // The signal checks ran on every take by default, and status reports them.
        let segments = try store.segments()
        XCTAssertEqual(try store.allTakes().count, segments.count, "one checked take per segment: espeak's pass")
        XCTAssertTrue(segments.allSatisfy { $0.qaScore == 0 })
        let checks = try StatusReport.make(project: report.project)
        XCTAssertEqual(checks.chapters.map(\.checked), checks.chapters.map(\.segments))
        XCTAssertTrue(checks.text.contains("checks: \(segments.count) of \(segments.count) segments passed"), checks.text)
        XCTAssertEqual(report.exportedChapters, chapters.map(\.number))
        for chapter in chapters.map(\.number) {
            let timingsURL = report.project.exportFile(chapter: chapter, of: 3, ext: "timings.json")
            let timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: timingsURL))
            let expected = Double(timings.totalSamples) / Double(timings.sampleRate)
            XCTAssertGreaterThan(expected, 2, "chapter \(chapter) has speech")
            let mp3 = try AudioFile.read(path: report.project.exportFile(chapter: chapter, of: 3, ext: "mp3").path)
            XCTAssertEqual(mp3.sampleRate, 44_100)
            XCTAssertEqual(mp3.duration, expected, accuracy: 0.06, "chapter \(chapter) MP3 duration")
            let peak = mp3.samples.map(abs).max() ?? 0
            XCTAssertGreaterThan(peak, 0.05, "chapter \(chapter) MP3 is not silent")

            // Loudness and true peak of the files as written (libebur128), and the ACX report's verdict.
            let flac = try Loudness.measure(try AudioFile.read(path: report.project.exportFile(chapter: chapter, of: 3, ext: "flac").path))
            XCTAssertEqual(flac.integratedLUFS, -19, accuracy: 0.5, "chapter \(chapter) master loudness")
            XCTAssertLessThanOrEqual(flac.truePeakDBTP, -3, "chapter \(chapter) master true peak")
            XCTAssertLessThanOrEqual(try Loudness.measure(mp3).truePeakDBTP, -3, "chapter \(chapter) MP3 true peak")
            let entry = try XCTUnwrap(ACXReport.load(report.project)?.current(
                chapter: chapter, exportHash: try store.chapters().first { $0.number == chapter }?.exportHash))
            XCTAssertTrue(entry.pass, "chapter \(chapter): \(entry)")
            XCTAssertNotNil(entry.mp3, "the MP3 is checked too")
            XCTAssertEqual(entry.master.measurement.integratedLUFS!, flac.integratedLUFS, accuracy: 0.02)
        }
        let status = try StatusReport.make(project: report.project)
        XCTAssertTrue(status.chapters.allSatisfy { $0.acx?.pass == true })
        XCTAssertTrue(status.text.contains("ACX: \(chapters.count)/\(chapters.count) chapters pass"), status.text)
    }
}
