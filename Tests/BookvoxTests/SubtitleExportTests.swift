// Subtitles: cue wrapping and splitting, the SRT/VTT/LRC text, the book timeline's arithmetic (past 24 h),
// and the chapter and book subtitle files of a rendered book read back with a strict parser and compared
// with the timings files.
import AudioDSP
import Bookvox
import Foundation
import XCTest

/// A strict SRT/WebVTT reader for the tests: numbered (SRT) blocks, "HH:MM:SS,mmm --> HH:MM:SS,mmm" lines.
struct ParsedCue: Equatable {
    var startMs: Int64
    var endMs: Int64
    var lines: [String]
}

enum StrictSubtitleParser {
    enum Failure: Error { case bad(String) }

    static func time(_ s: Substring, sep: Character) throws -> Int64 {
        let parts = s.split(separator: ":")
        guard parts.count == 3, let h = Int64(parts[0]), let m = Int64(parts[1]), m < 60 else { throw Failure.bad("time \(s)") }
        let sec = parts[2].split(separator: sep)
        guard sec.count == 2, sec[0].count == 2, sec[1].count == 3, let ss = Int64(sec[0]), ss < 60, let ms = Int64(sec[1]) else {
            throw Failure.bad("time \(s)")
        }
        return ((h * 60 + m) * 60 + ss) * 1000 + ms
    }

    static func parse(_ text: String, vtt: Bool) throws -> [ParsedCue] {
        var blocks = text.components(separatedBy: "\n\n")
        guard blocks.last == "" else { throw Failure.bad("file must end with a blank line") }
        blocks.removeLast()
        if vtt {
            guard blocks.first == "WEBVTT" else { throw Failure.bad("no WEBVTT header") }
            blocks.removeFirst()
        }
        var cues: [ParsedCue] = []
        for (i, b) in blocks.enumerated() {
            var lines = b.components(separatedBy: "\n")
            if !vtt {
                guard lines.first == String(i + 1) else { throw Failure.bad("cue number \(lines.first ?? "") for \(i + 1)") }
                lines.removeFirst()
            }
            guard lines.count >= 2 else { throw Failure.bad("cue without text: \(b)") }
            let times = lines[0].components(separatedBy: " --> ")
            guard times.count == 2 else { throw Failure.bad("timing line \(lines[0])") }
            let sep: Character = vtt ? "." : ","
            let cue = ParsedCue(startMs: try time(Substring(times[0]), sep: sep), endMs: try time(Substring(times[1]), sep: sep),
                                lines: Array(lines.dropFirst()))
            guard cue.endMs >= cue.startMs, cue.lines.allSatisfy({ !$0.isEmpty }) else { throw Failure.bad("cue \(b)") }
            cues.append(cue)
        }
        return cues
    }
}

final class SubtitleExportTests: XCTestCase {
    func testWrapKeepsLinesShortAndWordsWhole() {
        let text = "It is a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife."
        let lines = SubtitleCues.wrap(text)
        XCTAssertTrue(lines.allSatisfy { $0.count <= 42 }, "\(lines)")
        XCTAssertEqual(lines.joined(separator: " "), text)
        XCTAssertEqual(lines.first, "It is a truth universally acknowledged,")
        let long = String(repeating: "x", count: 50)
        XCTAssertEqual(SubtitleCues.wrap("a \(long) b"), ["a", String(repeating: "x", count: 42), "xxxxxxxx b"])
    }

    func testLongSentenceBecomesConsecutiveCuesSharingItsSpan() {
        let text = String(repeating: "word ", count: 40).trimmingCharacters(in: .whitespaces)  // 199 characters
        let cues = SubtitleCues.cues(text: text, startMs: 1_000, endMs: 9_000)
        XCTAssertEqual(cues.count, 3, "\(cues)")
        XCTAssertTrue(cues.allSatisfy { $0.lines.count <= 2 && $0.lines.allSatisfy { $0.count <= 42 } })
        XCTAssertEqual(cues.first?.startMs, 1_000)
        XCTAssertEqual(cues.last?.endMs, 9_000)
        for (a, b) in zip(cues, cues.dropFirst()) { XCTAssertEqual(a.endMs, b.startMs) }
        XCTAssertEqual(cues.flatMap(\.lines).joined(separator: " "), text)
        // 5 lines of 8 words (39 characters): cues of 2 + 2 + 1 lines, 79 + 79 + 39 = 197 characters.
        XCTAssertEqual(cues.map { $0.lines.joined(separator: " ").count }, [79, 79, 39])
        XCTAssertEqual(cues[0].endMs, 1_000 + (8_000 * 79 + 98) / 197)
        XCTAssertEqual(cues[1].endMs, 1_000 + (8_000 * 158 + 98) / 197)
        XCTAssertEqual(SubtitleCues.cues(text: "Short.", startMs: 5, endMs: 7), [SubtitleCue(startMs: 5, endMs: 7, lines: ["Short."])])
    }

    func testCueTextIsTheSourceTextWithoutControlCharacters() {
        let cues = SubtitleCues.cues(text: "\u{202E}Evil\u{0007} twin\n  said\t“hi”.", startMs: 0, endMs: 10)
        XCTAssertEqual(cues.map(\.lines), [["Evil twin said “hi”."]])
        XCTAssertEqual(SubtitleCues.cues(text: " \n ", startMs: 0, endMs: 10), [])
    }

    func testSRTVTTAndLRCText() {
        let cues = [SubtitleCue(startMs: 0, endMs: 1_500, lines: ["Hello there."]),
                    SubtitleCue(startMs: 3_723_004, endMs: 3_725_999, lines: ["A & <b>", "second"])]
        XCTAssertEqual(SubtitleWriter.srt(cues),
                       "1\n00:00:00,000 --> 00:00:01,500\nHello there.\n\n2\n01:02:03,004 --> 01:02:05,999\nA & <b>\nsecond\n\n")
        XCTAssertEqual(SubtitleWriter.vtt(cues),
                       "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\nHello there.\n\n01:02:03.004 --> 01:02:05.999\nA &amp; &lt;b&gt;\nsecond\n\n")
        XCTAssertEqual(SubtitleWriter.lrc(cues, header: LRCHeader(title: "T [x]", artist: "A", album: "B")),
                       "[ti:T (x)]\n[ar:A]\n[al:B]\n[00:00.00]Hello there.\n[00:01.50]\n[62:03.00]A & <b> second\n[62:06.00]\n")
        // Back to back: no clearing line between.
        let joined = [SubtitleCue(startMs: 0, endMs: 1_000, lines: ["a"]), SubtitleCue(startMs: 1_000, endMs: 2_000, lines: ["b"])]
        XCTAssertEqual(SubtitleWriter.lrc(joined, header: LRCHeader(title: "T")), "[ti:T]\n[00:00.00]a\n[00:01.00]b\n[00:02.00]\n")
        XCTAssertEqual(SubtitleWriter.srt([SubtitleCue(startMs: 360_000_000, endMs: 360_000_001, lines: ["x"])]),
                       "1\n100:00:00,000 --> 100:00:00,001\nx\n\n", "hours past 99")
    }

    func testTimelinePastTwentyFourHours() {
        // 30 chapters of one hour each, masters at 24 kHz: 30 h, 4.76e9 samples at 44.1 kHz (past 32 bits).
        let hour: Int64 = 3_600 * 24_000
        let timeline = BookTimeline(chapters: (1...30).map { (number: $0, title: "C\($0)", masterSamples: hour, masterRate: 24_000) })
        XCTAssertEqual(timeline.entries.count, 30)
        XCTAssertEqual(timeline.entries[29].startSample, 29 * 3_600 * 44_100)
        XCTAssertEqual(timeline.totalSamples, 30 * 3_600 * 44_100)
        XCTAssertGreaterThan(timeline.totalSamples, Int64(UInt32.max))
        XCTAssertEqual(timeline.milliseconds(entry: timeline.entries[29], masterSample: 12_000), 29 * 3_600_000 + 500)
        XCTAssertEqual(timeline.milliseconds(entry: timeline.entries[29], masterSample: hour), 30 * 3_600_000)
        // A length that does not convert evenly: 1001 samples at 24 kHz are round(1839.3375) = 1839 at 44.1 kHz.
        let odd = BookTimeline(chapters: [(number: 1, title: "a", masterSamples: 1_001, masterRate: 24_000),
                                          (number: 2, title: "b", masterSamples: 10, masterRate: 24_000)])
        XCTAssertEqual(odd.entries[1].startSample, 1_839)
        XCTAssertEqual(odd.milliseconds(entry: odd.entries[1], masterSample: 0), 42, "1839 / 44.1 = 41.70 ms")
        XCTAssertEqual(odd.milliseconds(entry: odd.entries[1], masterSample: 12), 42, "41.70 + 0.5 = 42.20 ms")
        XCTAssertEqual(BookTimeline.milliseconds(sample: 12, rate: 24_000), 1, "0.5 ms rounds up")
        XCTAssertEqual(BookTimeline.milliseconds(sample: 11, rate: 24_000), 0)
    }

    func testRenderedBookSubtitlesEqualTheTimings() throws {
        let ws = try TestWorkspace()
        let report = try RenderSession.render(book: try ws.tinyBook(), options: RenderOptions(projectDir: ws.path("p"), engine: "espeak"),
                                              progress: SilentProgress())
        let layout = report.project
        let store = try JobStore(layout: layout)
        try ProjectCommands.export(project: layout, changes: ExportChanges(addFormats: [.lrc]))
        var bookOffsetSeconds = 0.0
        var bookCues: [ParsedCue] = []
        for ch in try store.chapters() {
            let timingsURL = layout.exportFile(chapter: ch.number, of: 3, ext: "timings.json")
            let timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: timingsURL))
            let texts = Dictionary(uniqueKeysWithValues: try store.segments(chapter: ch.number).map { ($0.key, $0.sourceText) })
            let rate = Double(timings.sampleRate)
            let expected = timings.segments.map { t in
                ParsedCue(startMs: Int64((Double(t.startSample) * 1000 / rate).rounded()),
                          endMs: Int64((Double(t.endSample) * 1000 / rate).rounded()), lines: [texts[t.key]!])
            }
            for (ext, vtt) in [("srt", false), ("vtt", true)] {
                let text = try String(contentsOf: layout.exportFile(chapter: ch.number, of: 3, ext: ext), encoding: .utf8)
                let cues = try StrictSubtitleParser.parse(text, vtt: vtt)
                XCTAssertEqual(cues.map { ParsedCue(startMs: $0.startMs, endMs: $0.endMs, lines: [$0.lines.joined(separator: " ")]) },
                               expected, "chapter \(ch.number) \(ext)")
            }
            let lrc = try String(contentsOf: layout.exportFile(chapter: ch.number, of: 3, ext: "lrc"), encoding: .utf8)
            XCTAssertTrue(lrc.hasPrefix("[ti:\(ch.title)]\n[ar:Test Author]\n[al:Tiny Book]\n"), lrc)
            XCTAssertEqual(lrc.split(separator: "\n").filter { $0.hasPrefix("[0") && !$0.hasSuffix("]") }.count, expected.count)
            // The book's timeline: chapters back to back, each as long as its master at 44.1 kHz.
            for t in timings.segments {
                bookCues.append(ParsedCue(startMs: Int64(((bookOffsetSeconds + Double(t.startSample) / rate) * 1000).rounded()),
                                          endMs: Int64(((bookOffsetSeconds + Double(t.endSample) / rate) * 1000).rounded()),
                                          lines: [texts[t.key]!]))
            }
            bookOffsetSeconds += (Double(timings.totalSamples) * 44_100 / rate).rounded() / 44_100
        }
        for (ext, vtt) in [("srt", false), ("vtt", true)] {
            let text = try String(contentsOf: layout.exportDir.appendingPathComponent("Tiny Book.\(ext)"), encoding: .utf8)
            let cues = try StrictSubtitleParser.parse(text, vtt: vtt)
            XCTAssertEqual(cues.map { ParsedCue(startMs: $0.startMs, endMs: $0.endMs, lines: [$0.lines.joined(separator: " ")]) },
                           bookCues, "book \(ext)")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: layout.exportDir.appendingPathComponent("Tiny Book.lrc").path))
        XCTAssertThrowsError(try StrictSubtitleParser.parse("1\n00:00:00,000 -> 00:00:01,000\nx\n\n", vtt: false), "the parser is strict")
    }
}
