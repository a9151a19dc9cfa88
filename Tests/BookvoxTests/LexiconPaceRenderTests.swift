// Issue 16 items 1 and 3 end to end with espeak-ng: the pronunciation lexicon changes only the engine text of the
// sentences it matches (and a render after editing it re-synthesizes exactly those), books without a lexicon or pace
// settings keep the identities main gives them, the speaking rate scales durations, and the pauses set by the front
// matter or `--pauses` are the stitched chapter's pauses (re-exported, not re-synthesized).
import AudioDSP
@testable import Bookvox
import Foundation
import TestSupport
import TextFrontend
import XCTest

final class LexiconPaceRenderTests: XCTestCase {
    private let sample = Fixtures.repoRoot.appendingPathComponent("projects/sample/book.md")

    /// The sample book copied into the workspace (a lexicon.yaml can go beside it).
    private func sampleBook(_ ws: TestWorkspace, frontMatter: String = "") throws -> String {
        var text = try String(contentsOf: sample, encoding: .utf8)
        if !frontMatter.isEmpty { text = text.replacingOccurrences(of: "seed: 2024\n", with: "seed: 2024\n" + frontMatter) }
        return try ws.write("book/book.md", text)
    }

    private func render(_ book: String, _ ws: TestWorkspace, configure: (inout RenderOptions) -> Void = { _ in }) throws -> RenderReport {
        var options = RenderOptions(projectDir: ws.path("book/book.bookvox"), engine: "espeak")
        configure(&options)
        return try RenderSession.render(book: book, options: options, progress: SilentProgress())
    }

    /// Identities computed by main (40c76d6) rendering projects/sample/book.md with espeak (no voice, no lexicon): a
    /// project made before the lexicon and pace existed must not re-render after the upgrade.
    func testBookWithoutLexiconKeepsMainsIdentitiesAndExportHashes() throws {
        let ws = try TestWorkspace()
        let report = try render(try sampleBook(ws), ws)
        let store = try JobStore(layout: report.project)
        let byKey = Dictionary(uniqueKeysWithValues: try store.segments().map { ($0.key, $0) })
        let pinned: [(String, String, String)] = [
            ("1.0", "e607c7bdada97a5fe140f8517616da1938f30d72d46028fbbe70ad34b3bb6183",
             "9dd643bacfebd819cc2418da89a998fbae89850431ebdac15056ef413963cc8a"),
            ("1.1", "4996cfdc4e6beb7f1222f958e4a84c1558bdb57b72e6a3bef415330d32be0065",
             "b419bc291f15eae9df0ad20a5372754899acc5be4c38f73f809ff7c8945a4b1a"),
            ("1.2", "c13424a64b2c26b0ba73da73ba10712793882e4ede19228fa9b22a5d747c18a1",
             "00b3c4e2a0fdcfa0fe7ef3622cd5323d9bcfeb47c2bc80adf32e5f2f7819ef86"),
            ("1.3", "b5496552d1503df6cb6932ba3e9db6caec19f5ebec1982a2e46c5747d4f9857d",
             "c0b76671086754905527a8ec31bb3413507d9e78b204c2b7f187a4d29fbfa2fc"),
        ]
        for (key, identity, content) in pinned {
            XCTAssertEqual(byKey[key]?.cacheIdentity, identity, key)
            XCTAssertEqual(byKey[key]?.contentID, content, key)
            XCTAssertNil(byKey[key]?.engineText)
            XCTAssertNil(byKey[key]?.rate)
        }
        XCTAssertNil(try store.book()?.pace, "no pace settings stored")
        XCTAssertEqual(try store.chapters().map { $0.exportHash ?? "" }, [
            "91a838bbd949252e06b0f5a18f9763226a25c7dd1a22808203b672541dd14a4a",
            "5709e6583f5a0acc7447848b7497e9adba9cb092560220d41df44291c84e3cb5",
            "2dfb805f0f72f14c1092cd792acec1c5777554ad1409fa4b6d1acf14f9ff1fcd",
        ])
        // The same identities computed here from the fields alone (length-prefixed sha256), at rate 1 and otherwise.
        let engine = EngineIdentity(name: "e", version: "1", modelHash: "m", settings: "s")
        let plain = CacheIdentity.of(normalizedText: "Hello.", language: "en", voiceHash: nil, engine: engine, bookSeed: 7)
        XCTAssertEqual(plain, Hashing.fieldsDigest(["text", "Hello.", "language", "en", "voice", "none", "engine", "e", "model", "m",
                                                    "version", "1", "settings", "s", "seed", "7"]))
        XCTAssertEqual(CacheIdentity.of(normalizedText: "Hello.", language: "en", voiceHash: nil, engine: engine, bookSeed: 7, rate: 1), plain)
        XCTAssertNotEqual(CacheIdentity.of(normalizedText: "Hello.", language: "en", voiceHash: nil, engine: engine, bookSeed: 7, rate: 0.9), plain)
    }

    func testEditingTheLexiconReSynthesizesExactlyTheSentencesWhoseEngineTextChanged() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        let first = try render(book, ws)
        let store = try JobStore(layout: first.project)
        let before = Dictionary(uniqueKeysWithValues: try store.segments().map { ($0.key, $0) })
        let withMara = Set(before.values.filter { $0.normalizedText.contains("Mara") }.map(\.key))
        XCTAssertEqual(withMara.count, 3, "the sample names Mara in three sentences")

        try ws.write("book/lexicon.yaml", "Mara: MAH-rah\n")
        let second = try render(book, ws)
        XCTAssertEqual(second.synthesized, withMara.count, "only the sentences with Mara are synthesized again")
        let after = Dictionary(uniqueKeysWithValues: try store.segments().map { ($0.key, $0) })
        for (key, seg) in after {
            if withMara.contains(key) {
                XCTAssertEqual(seg.engineText, seg.normalizedText.replacingOccurrences(of: "Mara", with: "MAH-rah"), key)
                XCTAssertNotEqual(seg.cacheIdentity, before[key]?.cacheIdentity, key)
                XCTAssertNotEqual(seg.audioSha256, before[key]?.audioSha256, "\(key) was rendered from the new text")
            } else {
                XCTAssertNil(seg.engineText, key)
                XCTAssertEqual(seg.cacheIdentity, before[key]?.cacheIdentity, key)
                XCTAssertEqual(seg.audioSha256, before[key]?.audioSha256, key)
            }
            XCTAssertEqual(seg.sourceText, before[key]?.sourceText, "the stored source text is never changed")
            XCTAssertEqual(seg.contentID, before[key]?.contentID, "\(key): the content id (seed) follows the normalized text")
        }
        // Subtitles keep the book's words.
        let srt = try String(contentsOf: second.project.exportFile(chapter: 1, of: 3, ext: "srt"), encoding: .utf8)
        XCTAssertTrue(srt.contains("Mara"), srt)
        XCTAssertFalse(srt.contains("MAH-rah"), srt)

        // espeak phoneme input in the front matter overrides the file's entry for espeak.
        let text = try String(contentsOfFile: book, encoding: .utf8)
            .replacingOccurrences(of: "seed: 2024\n", with: "seed: 2024\npronunciations:\n  Mara:\n    espeak: \"m'A:r@\"\n")
        try text.write(toFile: book, atomically: true, encoding: .utf8)
        let third = try render(book, ws)
        XCTAssertEqual(third.synthesized, withMara.count)
        for key in withMara {
            XCTAssertEqual(try store.segment(key)?.engineText?.contains("[[m'A:r@]]"), true, key)
        }
        // Removing the lexicon brings back the identities (and audio) of the first render.
        try FileManager.default.removeItem(atPath: ws.path("book/lexicon.yaml"))
        try String(contentsOf: sample, encoding: .utf8).write(toFile: book, atomically: true, encoding: .utf8)
        let fourth = try render(book, ws)
        XCTAssertEqual(fourth.synthesized, withMara.count)
        for (key, seg) in before {
            XCTAssertEqual(try store.segment(key)?.cacheIdentity, seg.cacheIdentity, key)
            XCTAssertEqual(try store.segment(key)?.audioSha256, seg.audioSha256, "\(key): espeak is deterministic")
        }
    }

    func testAMalformedLexiconIsBadInputNamingFileLineAndEntryAndCreatesNothing() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        let lexicon = try ws.write("book/lexicon.yaml", "Mara: MAH-rah\nTom:\n  sya: tahm\n")
        XCTAssertThrowsError(try render(book, ws)) { e in
            let message = "\(e)"
            XCTAssertTrue(message.contains("\(lexicon):3: entry 'Tom': unknown key 'sya'"), message)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: ws.path("book/book.bookvox")), "nothing was created")
        XCTAssertThrowsError(try render(book, ws) { $0.lexiconPath = ws.path("nowhere.yaml") }) { e in
            XCTAssertTrue("\(e)".contains("nowhere.yaml does not exist"), "\(e)")
        }
    }

    func testLexiconCheckListsChangesAndWordsEspeakDoesNotKnow() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws)
        try ws.write("book/lexicon.yaml", "Mara: MAH-rah\nZanzibar: zan-zi-bar\nrules:\n  - pattern: 'fog'\n    replace: 'mist'\n")
        let check = try LexiconCheck.make(bookAt: book, lexiconPath: nil)
        XCTAssertEqual(check.lexiconFile, ws.path("book/lexicon.yaml"))
        XCTAssertEqual(check.changes.first, .init(text: "Mara", replacement: "MAH-rah", kind: "entry", source: "Mara", count: 3))
        XCTAssertTrue(check.changes.contains(.init(text: "fog", replacement: "mist", kind: "rule", source: "fog", count: 2)),
                      "\(check.changes)")
        XCTAssertEqual(check.unusedEntries, ["Zanzibar"])
        let unknown = try XCTUnwrap(check.unknownToEspeak)
        let words = unknown.map(\.word)
        XCTAssertTrue(words.contains("lighthouse"), "a compound espeak-ng spells out by rule: \(words)")
        XCTAssertFalse(words.contains("the"), "espeak-ng's dictionary has 'the'")
        XCTAssertFalse(words.contains("mara"), "the lexicon handles Mara: \(words)")
        XCTAssertFalse(words.contains("mah"), "respellings are not listed: \(words)")
        let name = try LexiconCheck.unknownWords(in: ["Mara saw the fog.", "Then Mara left."], language: "en")
        XCTAssertEqual(name.first { $0.word == "mara" }, .init(word: "mara", count: 2, capitalized: true),
                       "a name espeak-ng's dictionary lacks: \(name)")
        XCTAssertEqual(unknown.first { $0.word == "lighthouse" }?.capitalized, false)
        XCTAssertFalse(words.contains("of"), "espeak-ng's dictionary has 'of'")
        XCTAssertEqual(unknown.map(\.count), unknown.map(\.count).sorted(by: >), "most frequent first")
        XCTAssertTrue(check.text.contains("Words espeak-ng's dictionary lacks"), check.text)
        // Asking twice gives the same answer (the lookup runs in a child process, leaving espeak's state alone).
        XCTAssertEqual(try LexiconCheck.make(bookAt: book, lexiconPath: nil), check)
    }

    func testRateScalesSegmentDurations() throws {
        var totals: [Double: Double] = [:]
        for rate in [1.0, 0.8, 1.2] {
            let ws = try TestWorkspace("rate\(rate)")
            let report = try render(try sampleBook(ws), ws) {
                $0.rate = rate
                $0.chapters = try? ChapterSelection.parse("1")
            }
            let segments = try JobStore(layout: report.project).segments(chapter: 1)
            XCTAssertTrue(segments.allSatisfy { $0.rate == (rate == 1 ? nil : rate) })
            totals[rate] = segments.compactMap(\.duration).reduce(0, +)
        }
        let base = try XCTUnwrap(totals[1])
        XCTAssertEqual(try XCTUnwrap(totals[0.8]) / base, 1 / 0.8, accuracy: 0.1 / 0.8, "rate 0.8: \(totals)")
        XCTAssertEqual(try XCTUnwrap(totals[1.2]) / base, 1 / 1.2, accuracy: 0.1 / 1.2, "rate 1.2: \(totals)")
    }

    func testPausesFromFrontMatterAndOptionsAreTheStitchedPausesAndOnlyReExport() throws {
        let ws = try TestWorkspace()
        let book = try sampleBook(ws, frontMatter: "pace:\n  sentence: 0.9\n  chapter-head: 1.25\n")
        let first = try render(book, ws)
        let store = try JobStore(layout: first.project)
        try checkPauses(store: store, project: first.project,
                        expected: StitchSettings().applying(PauseSettings(sentence: 0.9, chapterHead: 1.25)))
        let hashes = try store.chapters().map(\.exportHash)
        let audio = try store.segments().map(\.audioSha256)

        let second = try render(book, ws) { $0.pauses = PauseSettings(paragraph: 1.7, chapterTail: 2.5) }
        XCTAssertEqual(second.synthesized, 0, "pauses change only the stitching")
        XCTAssertEqual(second.exportedChapters, [1, 2, 3], "every chapter is exported again")
        XCTAssertEqual(try store.segments().map(\.audioSha256), audio)
        XCTAssertTrue(zip(try store.chapters().map(\.exportHash), hashes).allSatisfy { $0 != $1 })
        let both = StitchSettings().applying(PauseSettings(sentence: 0.9, paragraph: 1.7, chapterHead: 1.25, chapterTail: 2.5))
        try checkPauses(store: store, project: second.project, expected: both)

        // Remembered: a later run without the option keeps them, and exports nothing again.
        let third = try render(book, ws)
        XCTAssertEqual(third.synthesized, 0)
        XCTAssertEqual(third.exportedChapters, [])
        XCTAssertEqual(try store.book()?.storedPace.pauses, PauseSettings(sentence: 0.9, paragraph: 1.7, chapterHead: 1.25, chapterTail: 2.5))

        // --reset-narration forgets the remembered pauses, rate and lexicon: the front matter's pace applies again
        // and the chapters are exported as the first render did.
        let fourth = try render(book, ws) {
            $0.rate = 1.1
            $0.lexiconPath = try? ws.write("other/words.yaml", "Netherfield: Nether field\n")
        }
        XCTAssertEqual(try store.book()?.storedPace.optionRate, 1.1)
        XCTAssertNotNil(try store.book()?.lexiconPath)
        XCTAssertGreaterThan(fourth.synthesized, 0)
        let reset = try render(book, ws) { $0.resetNarration = true }
        XCTAssertEqual(reset.exportedChapters, [1, 2, 3])
        XCTAssertNil(try store.book()?.storedPace.optionRate)
        XCTAssertNil(try store.book()?.storedPace.options)
        XCTAssertNil(try store.book()?.lexiconPath)
        XCTAssertEqual(try store.segments().map(\.audioSha256), audio, "the first render's takes are the ones used again")
        XCTAssertEqual(try store.chapters().map(\.exportHash), hashes, "exported as the first render did")
    }

    /// The silence between consecutive segments in each exported chapter is the pause its boundary asks for: the
    /// timings' gaps, and the audio there is room tone only (−70 dBFS, far under speech).
    private func checkPauses(store: JobStore, project: ProjectLayout, expected: StitchSettings) throws {
        for chapter in try store.chapters() {
            let segs = try store.segments(chapter: chapter.number)
            let timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf:
                project.exportFile(chapter: chapter.number, of: 3, ext: "timings.json")))
            let flac = try AudioFile.read(path: project.exportFile(chapter: chapter.number, of: 3, ext: "flac").path)
            let rate = Double(timings.sampleRate)
            XCTAssertEqual(Double(timings.segments[0].startSample), expected.chapterHead * rate, accuracy: 1)
            XCTAssertEqual(Double(timings.totalSamples - timings.segments.last!.endSample), expected.chapterTail * rate, accuracy: 1)
            for i in 0..<(timings.segments.count - 1) {
                let boundary = try XCTUnwrap(Boundary(rawValue: segs[i].boundary))
                let gap = timings.segments[i + 1].startSample - timings.segments[i].endSample
                XCTAssertEqual(Double(gap), expected.pause(after: boundary) * rate, accuracy: 1,
                               "chapter \(chapter.number) after \(segs[i].key) (\(boundary))")
                let quiet = flac.samples[timings.segments[i].endSample..<timings.segments[i + 1].startSample]
                let rms = (quiet.reduce(0) { $0 + Double($1 * $1) } / Double(max(quiet.count, 1))).squareRoot()
                XCTAssertLessThan(20 * log10(max(rms, 1e-12)), -60, "the pause holds only room tone")
            }
        }
    }

    /// An engine without a rate of its own (the neural engines): its rendered audio is time-stretched with Rubber Band.
    func testEngineWithoutRateControlIsTimeStretched() throws {
        var lengths: [Double: [String: Int]] = [:]
        for rate in [1.0, 0.8] {
            let ws = try TestWorkspace("stretch\(rate)")
            let engine = FakeEngine()
            XCTAssertFalse(engine.speaksAtRate)
            var options = RenderOptions(projectDir: ws.path("p"), engine: "fake", registry: engine.registry())
            options.rate = rate
            let report = try RenderSession.render(book: try ws.tinyBook(), options: options, progress: SilentProgress())
            lengths[rate] = Dictionary(uniqueKeysWithValues: try JobStore(layout: report.project).segments().map { ($0.key, $0.sampleCount ?? 0) })
        }
        let base = try XCTUnwrap(lengths[1.0])
        XCTAssertFalse(base.isEmpty)
        for (key, n) in base {
            XCTAssertEqual(lengths[0.8]?[key], Int((Double(n) / 0.8).rounded()), key)
        }
    }

    /// Qwen3-TTS (the tiny checkpoint) has no rate control: its takes are time-stretched, so at rate 1.25 every segment
    /// of chapter 3 is its rate-1 take (same seed, same codes) made exactly 1/1.25 as long.
    func testQwen3SegmentsAreTimeStretchedToTheRate() throws {
        let ws = try TestWorkspace()
        var counts: [Double: [String: Int]] = [:]
        for rate in [1.0, 1.25] {
            var o = RenderOptions(projectDir: ws.path("q\(rate)"), engine: "qwen3-tts")
            o.engineSettings.modelDir = Qwen3PipelineTests.checkpoint
            o.engineSettings.speaker = "ryan"
            o.chapters = [3]
            o.rate = rate
            o.qa = nil  // keep take 1 everywhere: the random tiny model's takes would pass or fail the checks apart
            let report = try RenderSession.render(book: Qwen3PipelineTests.sampleBook, options: o, progress: SilentProgress())
            let segs = try JobStore(layout: report.project).segments(chapter: 3)
            counts[rate] = Dictionary(uniqueKeysWithValues: segs.map { ($0.key, $0.sampleCount ?? 0) })
        }
        let base = try XCTUnwrap(counts[1.0])
        XCTAssertFalse(base.isEmpty)
        for (key, n) in base {
            XCTAssertGreaterThan(n, 0, key)
            XCTAssertEqual(counts[1.25]?[key], Int((Double(n) / 1.25).rounded()), key)
        }
    }
}
