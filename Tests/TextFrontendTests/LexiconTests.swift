// The pronunciation lexicon (TextFrontend/Lexicon): its YAML format, strict validation with file/line/entry errors,
// and how entries and ordered regex rules change a text.
import Foundation
@testable import TextFrontend
import XCTest

final class LexiconTests: XCTestCase {
    private func parse(_ yaml: String) throws -> Lexicon { try LexiconParser.parse(yaml: yaml, file: "lexicon.yaml") }

    private func error(_ yaml: String) -> LexiconError? {
        do {
            _ = try parse(yaml)
            return nil
        } catch let e as LexiconError {
            return e
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    func testPlainMappingRespellsWholeWordsCaseInsensitively() throws {
        let lexicon = try parse("Hermione: her-MY-oh-nee\nNguyen: win\n")
        XCTAssertEqual(lexicon.entries.map(\.word), ["Hermione", "Nguyen"])
        let c = lexicon.compiled(forEngine: "qwen3-tts")
        XCTAssertEqual(c.apply("Hermione met NGUYEN and Hermiones."), "her-MY-oh-nee met win and Hermiones.")
        XCTAssertEqual(c.apply("Nobody here."), "Nobody here.")
    }

    func testEntryOptionsAndEngineSpecificInput() throws {
        let lexicon = try parse("""
            Nguyen:
              say: win
              espeak: "w'In"
              indextts2: ruan3
            Lu:
              say: loo
              case-sensitive: true
            tion:
              say: shun
              whole-word: false
            """)
        XCTAssertEqual(lexicon.entries[0].espeak, "[[w'In]]", "brackets are added")
        XCTAssertEqual(lexicon.compiled(forEngine: "espeak").apply("Nguyen"), "[[w'In]]")
        XCTAssertEqual(lexicon.compiled(forEngine: "indextts2").apply("Nguyen"), "ruan3")
        XCTAssertEqual(try parse("Xu:\n  indextts2: xu4 lei2\n").entries[0].indexTTS2, "XV4 lei2",
                       "pinyin as IndexTTS2's normalizer leaves it (correct_pinyin)")
        XCTAssertEqual(lexicon.compiled(forEngine: "qwen3-tts").apply("Nguyen"), "win")
        let c = lexicon.compiled(forEngine: "qwen3-tts")
        XCTAssertEqual(c.apply("Lu and lu"), "loo and lu", "case-sensitive entry")
        XCTAssertEqual(c.apply("nation"), "nashun", "whole-word false matches inside words")
    }

    func testLongestEarliestMatchWinsAndReplacementsAreNotMatchedAgain() throws {
        let lexicon = try parse("""
            New York: noo york
            York: yark
            noo: never
            """)
        let c = lexicon.compiled(forEngine: "espeak")
        XCTAssertEqual(c.apply("From New York to York."), "From noo york to yark.")
    }

    func testRulesApplyInOrderBeforeEntries() throws {
        let lexicon = try parse(#"""
            rules:
              - pattern: 'Ch\. (\d+)'
                replace: 'Chapter $1'
              - pattern: 'Chapter'
                replace: 'Part'
            Part: pahrt
            """#)
        XCTAssertEqual(lexicon.rules.count, 2)
        XCTAssertEqual(lexicon.compiled(forEngine: "espeak").apply("See Ch. 4."), "See pahrt 4.",
                       "rule 1, then rule 2 on its output, then the entry")
        let reversed = Lexicon(entries: [], rules: lexicon.rules.reversed())
        XCTAssertEqual(reversed.compiled(forEngine: "espeak").apply("See Ch. 4."), "See Chapter 4.", "order matters")
    }

    func testTrackingReportsEachChange() throws {
        let lexicon = try parse("Mara: MAH-rah\nrules:\n  - pattern: 'fog'\n    replace: 'mist'\n")
        let (text, changes) = lexicon.compiled(forEngine: "espeak").applyTracking("Mara saw fog, Mara said.")
        XCTAssertEqual(text, "MAH-rah saw mist, MAH-rah said.")
        XCTAssertEqual(changes.map(\.kind), ["rule", "entry", "entry"])
        XCTAssertEqual(changes.map(\.matched), ["fog", "Mara", "Mara"])
    }

    func testFrontMatterOverridesFileEntries() throws {
        let file = try parse("Mara: mare-ah\nTom: tahm\n")
        let front = try parse("Mara: MAH-rah\nEli: ee-lie\n")
        let merged = file.overridden(by: front)
        XCTAssertEqual(merged.entries.map(\.word), ["Mara", "Tom", "Eli"])
        XCTAssertEqual(merged.entries[0].say, "MAH-rah")
    }

    func testMalformedLexiconsNameFileLineAndEntry() {
        XCTAssertEqual(error("Mara: ok\nTom:\n  sya: tahm\n"),
                       .invalid(file: "lexicon.yaml", line: 3, entry: "Tom",
                                reason: "unknown key 'sya' (known: say, espeak, indextts2, case-sensitive, whole-word)"))
        XCTAssertEqual(error("Mara: ok\nTom:\n"), .invalid(file: "lexicon.yaml", line: 2, entry: "Tom", reason: "'respelling' must be text but is empty"))
        XCTAssertEqual(error("Mara: ok\nMara: again\n")?.description.contains("listed twice (first on line 1)"), true)
        XCTAssertEqual(error("- a\n- b\n")?.description.contains("expected a mapping"), true)
        if case let .invalid(_, line, _, reason)? = error("Mara: ok\nTom: [unclosed\n") {
            XCTAssertEqual(line, 3)
            XCTAssertTrue(reason.contains("invalid YAML"), reason)
        } else { XCTFail("malformed YAML is an error") }
        XCTAssertEqual(error("rules:\n  - pattern: '(a'\n    replace: b\n"),
                       .invalid(file: "lexicon.yaml", line: 2, entry: "rules[1]",
                                reason: "'(a' is not a valid regular expression (NSRegularExpression syntax)"))
        XCTAssertEqual(error("rules:\n  - pattern: '(a)'\n    replace: '$2'\n")?.description.contains("uses $2 but the pattern has 1 group(s)"), true)
        XCTAssertEqual(error("rules:\n  - pattern: 'x*'\n    replace: 'y'\n")?.description.contains("matches empty text"), true)
        XCTAssertEqual(error("rules:\n  - replace: 'y'\n")?.description.contains("needs both"), true)
        XCTAssertEqual(error("Li:\n  indextts2: lee\n")?.description.contains("tone-numbered pinyin"), true)
        XCTAssertEqual(error("Li:\n  espeak: '[[a]] [[b]]'\n")?.description.contains("one pair of [[ ]]"), true)
        XCTAssertEqual(error("Li:\n  case-sensitive: maybe\n  say: lee\n")?.description.contains("must be true or false"), true)
        XCTAssertEqual(error("Li:\n  whole-word: false\n")?.description.contains("gives nothing to say"), true)
        XCTAssertEqual(try parse("").isEmpty, true, "an empty file is an empty lexicon")
    }

    func testFrontMatterPronunciationsPaceAndRate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lexicon-fm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let book = dir.appendingPathComponent("book.md")
        try """
            ---
            title: T
            pronunciations:
              Mara: MAH-rah
            pace:
              sentence: 0.8
              chapter-tail: 3
            rate: 0.9
            ---

            # One

            Mara slept.
            """.write(to: book, atomically: true, encoding: .utf8)
        let loaded = try BookLoader.load(path: book.path)
        XCTAssertEqual(loaded.metadata.pronunciations?.entries.map(\.say), ["MAH-rah"])
        XCTAssertEqual(loaded.metadata.pace, PauseSettings(sentence: 0.8, chapterTail: 3))
        XCTAssertEqual(loaded.metadata.rate, 0.9)

        for (yaml, line, fragment) in [
            ("pronunciations:\n  Mara:\n    sya: x", 5, "pronunciations: entry 'Mara': unknown key 'sya'"),
            ("pace:\n  sentense: 0.8", 4, "unknown pause 'sentense'"),
            ("pace:\n  sentence: 11", 4, "between 0 and 10 s"),
            ("rate: fast", 3, "must be a number"),
            ("rate: 3", 3, "outside 0.5–2.0"),
        ] {
            try "---\ntitle: T\n\(yaml)\n---\n\n# One\n\nText.\n".write(to: book, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try BookLoader.load(path: book.path), yaml) { e in
                guard case let BookError.malformedFrontMatter(_, l, reason) = e else { return XCTFail("\(e)") }
                XCTAssertEqual(l, line, yaml)
                XCTAssertTrue(reason.contains(fragment), reason)
            }
        }
    }

    func testPausesOption() throws {
        XCTAssertEqual(try PauseSettings.parse("sentence=0.6, paragraph=1.2s"), PauseSettings(sentence: 0.6, paragraph: 1.2))
        XCTAssertThrowsError(try PauseSettings.parse("sentence"))
        XCTAssertThrowsError(try PauseSettings.parse("comma=1"))
        XCTAssertThrowsError(try PauseSettings.parse("scene=-1"))
        XCTAssertEqual(PauseSettings(sentence: 0.6, chapterHead: 1).description, "sentence=0.6,chapter-head=1")
    }
}
