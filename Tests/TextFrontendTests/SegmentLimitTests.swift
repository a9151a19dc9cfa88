// The segment limit: no segment is longer than SegmenterOptions.maxCharacters, whatever the input (a 1 MB
// paragraph without punctuation, a 50,000-character "word", CJK text without spaces, an over-long heading),
// and splitting stays linear. The clause splitter's choices on ordinary text are checked against the
// straightforward (quadratic) formulation it replaced.
import XCTest
@testable import TextFrontend

final class SegmentLimitTests: XCTestCase {
    private func load(_ text: String, format: BookFormat = .markdown, options: SegmenterOptions = .init()) throws -> Book {
        try BookLoader.load(text: text, format: format, sourcePath: format == .markdown ? "t.md" : "t.txt", options: options)
    }

    private func assertWithinLimit(_ book: Book, _ limit: Int, file: StaticString = #filePath, line: UInt = #line) {
        let over = book.segments.filter { $0.text.count > limit }
        XCTAssertTrue(over.isEmpty, "\(over.count) segments over \(limit): \(over.prefix(2).map { "\($0.key) (\($0.text.count))" })",
                      file: file, line: line)
        XCTAssertTrue(book.chapters.allSatisfy(\.isLossless), "segments must give back the text", file: file, line: line)
    }

    /// Deterministic pseudo-random words (no punctuation).
    private func words(characters: Int, seed: UInt64 = 7) -> String {
        var state = seed
        func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var out: [Character] = []
        out.reserveCapacity(characters + 16)
        while out.count < characters {
            if !out.isEmpty { out.append(" ") }
            for _ in 0..<(1 + Int(next() % 9)) { out.append(letters[Int(next() % 26)]) }
        }
        return String(out)
    }

    func testMegabyteParagraphWithoutPunctuation() throws {
        let text = words(characters: 1_000_000)
        let book = try load(text, format: .plainText)
        assertWithinLimit(book, SegmenterOptions.defaultMaxCharacters)
        let segments = book.segments
        XCTAssertGreaterThan(segments.count, 1_000_000 / SegmenterOptions.defaultMaxCharacters)
        XCTAssertEqual(segments.map(\.text).joined(separator: " "), text, "split at spaces only, in order")
        XCTAssertTrue(segments.dropLast().allSatisfy { $0.boundary == .clause })
    }

    func testLongWordIsSplitHard() throws {
        let word = String(repeating: "x", count: 50_000)
        let book = try load("It starts here. " + word + " and then it ends here.")
        assertWithinLimit(book, 280)
        let texts = book.segments.map(\.text)
        XCTAssertEqual(texts.first, "It starts here.")
        // 50,000 characters in 179 equal pieces of at most 280; the last (160) joins the words after it.
        XCTAssertEqual(texts.count, 1 + 179)
        XCTAssertTrue(texts.dropFirst().dropLast().allSatisfy { $0 == String(repeating: "x", count: 280) })
        XCTAssertEqual(texts.last, String(repeating: "x", count: 160) + " and then it ends here.")
    }

    func testRunWithoutLettersAndSmallLimitsStayWithinLimit() throws {
        for limit in [1, 2, 7, 40] {
            let text = "Begin " + String(repeating: "*", count: 500) + " end. " + String(repeating: "ab ", count: 40)
            assertWithinLimit(try load(text, options: SegmenterOptions(maxCharacters: limit, mergeWordsBelow: 3)), limit)
        }
    }

    func testMergingNeverPassesTheLimit() throws {
        let sentence = "The boat drifted slowly toward shore."  // 37 characters
        let fits = try load(sentence + " Yes.", options: SegmenterOptions(maxCharacters: 80))
        XCTAssertEqual(fits.segments.map(\.text), [sentence + " Yes."])
        let tight = try load(sentence + " Yes.", options: SegmenterOptions(maxCharacters: 40))
        XCTAssertEqual(tight.segments.map(\.text), [sentence, "Yes."])
        // A lone-fragment paragraph that cannot join the previous one joins the next.
        let next = try load(sentence + "\n\nNo.\n\nShe walked home.", options: SegmenterOptions(maxCharacters: 40))
        XCTAssertEqual(next.segments.map(\.text), [sentence, "No. She walked home."])
        assertWithinLimit(next, 40)
    }

    func testHeadingOverTheLimitIsReadWholeAcrossSegments() throws {
        let long = words(characters: 700, seed: 3)
        let book = try load("# " + long + "\n\nThe body of the chapter is here.")
        assertWithinLimit(book, 280)
        let segs = book.chapters[0].segments
        XCTAssertEqual(segs[0].key, "1.0")
        XCTAssertEqual(book.chapters[0].title, segs[0].text)
        XCTAssertEqual(segs.prefix(while: { $0.paragraph == 0 }).map(\.text).joined(separator: " "), long)
        XCTAssertEqual(segs.last?.text, "The body of the chapter is here.")
        XCTAssertEqual(segs.map(\.key), (0..<segs.count).map { "1.\($0)" })
    }

    func testCJKWithoutPunctuationIsSplitHard() throws {
        let han = String((0..<2_000).map { Character(Unicode.Scalar(0x4E00 + ($0 * 37) % 5000)!) })
        let book = try load(han, format: .plainText)
        assertWithinLimit(book, 280)
        XCTAssertEqual(book.segments.map(\.text).joined(), han)
    }

    func testCJKLongSentenceSplitsAtCommas() throws {
        let clause = "我们沿着河岸慢慢地走了很久很久"
        let sentence = Array(repeating: clause, count: 30).joined(separator: "，") + "。"
        let segs = try load(sentence, options: SegmenterOptions(maxCharacters: 100)).segments
        XCTAssertGreaterThan(segs.count, 1)
        XCTAssertTrue(segs.allSatisfy { $0.text.count <= 100 })
        XCTAssertTrue(segs.dropLast().allSatisfy { $0.text.hasSuffix("，") }, segs.map(\.text).description)
        XCTAssertEqual(segs.map(\.text).joined(), sentence)
    }

    /// Word counts from the O(1) index equal a direct scan for every range of many random strings.
    func testWordIndexMatchesDirectCount() {
        let alphabet: [Character] = ["a", "b", "1", " ", " ", "\n", ",", "\u{2014}", "\u{4E2D}", "\u{3042}", "'", "."]
        var state: UInt64 = 42
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for _ in 0..<200 {
            let chars = (0..<(next() % 24)).map { _ in alphabet[next() % alphabet.count] }
            let index = WordIndex(chars)
            for lo in 0...chars.count {
                for hi in lo...chars.count {
                    XCTAssertEqual(index.words(lo, hi), WordCounter.count(chars, lo..<hi), "\(String(chars)) \(lo)..<\(hi)")
                    let trimmed = String(chars[lo..<hi]).trimmingCharacters(in: .whitespacesAndNewlines)
                    XCTAssertEqual(index.trimmedLength(lo, hi), trimmed.count, "\(String(chars)) \(lo)..<\(hi)")
                }
            }
        }
    }

    /// On text that can always be split at punctuation or spaces, the linear splitter makes exactly the cuts
    /// of the direct formulation: for each kind in preference order, the valid mark nearest the middle.
    func testClauseSplitsMatchDirectFormulation() {
        let tokens = ["river", "ran", "a", "past", "the", "old", "mill", "and", "on,", "so;", "then:", "it\u{2014}",
                      "\u{201C}go,\u{201D}", "3:30", "1,000", "x"]
        var state: UInt64 = 9
        func next() -> Int { state = state &* 6364136223846793005 &+ 1442695040888963407; return Int(state >> 33) }
        for _ in 0..<300 {
            let text = (0..<(5 + next() % 60)).map { _ in tokens[next() % tokens.count] }.joined(separator: " ")
            let chars = Array(text)
            let limit = 15 + next() % 60
            let minWords = 1 + next() % 3
            let expected = DirectClauseSplitter.split(chars, 0..<chars.count, maxCharacters: limit, minWords: minWords)
            XCTAssertEqual(ClauseSplitter(chars).split(0..<chars.count, maxCharacters: limit, minWords: minWords), expected,
                           "\(text) limit \(limit) minWords \(minWords)")
        }
    }
}

/// The clause splitter as first written (recursive, rescanning every candidate and counting words from
/// scratch: quadratic), kept as the reference for the cuts the linear version must make.
private enum DirectClauseSplitter {
    static let preference: [Set<Character>] = [[";"], [":"], [",", "\u{060C}"], ["\u{2014}", "\u{2013}", "\u{2015}"]]

    static func split(_ chars: [Character], _ span: Range<Int>, maxCharacters: Int, minWords: Int) -> [Range<Int>] {
        guard trimmedLength(chars, span) > maxCharacters else { return [span] }
        guard let cut = bestCut(chars, span, minWords: minWords) else { return [span] }
        return split(chars, span.lowerBound..<cut, maxCharacters: maxCharacters, minWords: minWords)
            + split(chars, cut..<span.upperBound, maxCharacters: maxCharacters, minWords: minWords)
    }

    static func bestCut(_ chars: [Character], _ span: Range<Int>, minWords: Int) -> Int? {
        let mid = (span.lowerBound + span.upperBound) / 2
        for kinds in preference {
            var best: Int?
            for k in span where kinds.contains(chars[k]) {
                guard let cut = cutAfter(chars, k, span: span, dash: kinds.contains("\u{2014}")) else { continue }
                guard WordCounter.count(chars, span.lowerBound..<cut) >= minWords,
                      WordCounter.count(chars, cut..<span.upperBound) >= minWords else { continue }
                if best.map({ abs(cut - mid) < abs($0 - mid) }) ?? true { best = cut }
            }
            if let best { return best }
        }
        var best: Int?
        for k in span where chars[k].isWhitespace && k > span.lowerBound {
            guard WordCounter.count(chars, span.lowerBound..<k) >= 1, WordCounter.count(chars, k..<span.upperBound) >= 1 else { continue }
            if best.map({ abs(k - mid) < abs($0 - mid) }) ?? true { best = k }
        }
        return best
    }

    static func cutAfter(_ chars: [Character], _ k: Int, span: Range<Int>, dash: Bool) -> Int? {
        var j = k + 1
        while j < span.upperBound, SentenceSplitter.closers.contains(chars[j]) { j += 1 }
        guard j < span.upperBound else { return nil }
        if dash { return j }
        return chars[j].isWhitespace ? j : nil
    }

    static func trimmedLength(_ chars: [Character], _ span: Range<Int>) -> Int {
        var lo = span.lowerBound
        var hi = span.upperBound
        while lo < hi, chars[lo].isWhitespace { lo += 1 }
        while hi > lo, chars[hi - 1].isWhitespace { hi -= 1 }
        return hi - lo
    }
}
