// IndexTTS2 pre-processing (tokenize_by_CJK_char) and sentence segmentation (split_segments) against the
// outputs of the original Python functions.
import Foundation
import XCTest
import TestSupport
@testable import TextFrontend

final class TokenizerIndexTTS2SegmentTests: XCTestCase {
    struct TextCase: Decodable {
        let text: String
        let max: Int
        let quick: Int
        let tokens: [String]
        let segments: [[String]]
    }

    struct ListCase: Decodable {
        let tokens: [String]
        let max: Int
        let quick: Int
        let segments: [[String]]
    }

    func testSplitSegmentsOfTokenizedTextsMatchesTheOriginal() throws {
        let tok = try TokenizerSentencePieceTests.tokenizer()
        let cases = try JSONDecoder().decode([TextCase].self, from: Data(SegmentReference.texts.utf8))
        XCTAssertEqual(cases.count, 14)
        for c in cases {
            let tokens = tok.tokenize(c.text)
            XCTAssertEqual(tokens, c.tokens, "tokens of \(c.text.debugDescription)")
            let got = tok.splitSegments(tokens, maxTokens: c.max, quickStreamingTokens: c.quick)
            XCTAssertEqual(got, c.segments, "segments of \(c.text.debugDescription), max \(c.max), quick \(c.quick)")
        }
    }

    /// Hand-made token lists for the quirks: the duplicated quote after a terminator, comma and dash
    /// recursion, cutting by length, and merging with quick_streaming_tokens.
    func testSplitSegmentsQuirksMatchTheOriginal() throws {
        let cases = try JSONDecoder().decode([ListCase].self, from: Data(SegmentReference.tokenLists.utf8))
        XCTAssertEqual(cases.count, 8)
        for c in cases {
            let got = IndexTTS2SegmentSplitter.splitSegments(c.tokens, maxTokens: c.max, quickStreamingTokens: c.quick)
            XCTAssertEqual(got, c.segments, "segments of \(c.tokens), max \(c.max), quick \(c.quick)")
        }
        // The quote following a terminator is appended to the sentence and also starts the next one.
        let quirk = IndexTTS2SegmentSplitter.splitSegments(["▁A", "▁B", ".", "'", "▁C"], maxTokens: 3)
        XCTAssertEqual(quirk, [["▁A", "▁B", ".", "'"], ["'", "▁C"]])
    }

    func testSegmentIDsFollowInferV2() throws {
        let tok = try TokenizerSentencePieceTests.tokenizer()
        let text = "Hello, world! How are you today?"
        let tokens = tok.tokenize(text)
        let segments = tok.segmentIDs(text, maxTokens: 4)
        XCTAssertEqual(segments, tok.splitSegments(tokens, maxTokens: 4).map(tok.convertTokensToIDs))
        XCTAssertEqual(segments.flatMap { $0 }, tok.encode(text))
        XCTAssertEqual(tok.segmentIDs(""), [])
    }

    func testTokenizeByCJKChar() {
        // The docstring example of tokenize_by_CJK_char.
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("你好世界是 hello world 的中文"),
                       "你 好 世 界 是 HELLO WORLD 的 中 文")
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("  straße\u{3000}ﬁne  "), "STRASSE FINE")
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("a\tb  c"), "A\tB  C")
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("\u{1C}x\u{85}"), "X")
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("한국어"), "한 국 어")
        XCTAssertEqual(IndexTTS2TextTokenizer.tokenizeByCJKChar("𠀀x"), "𠀀 X")
    }

    func testSingleCharacterTextSkipsThePreprocessing() throws {
        let tok = try TokenizerSentencePieceTests.tokenizer()
        XCTAssertEqual(tok.preprocess(" a "), " a ")       // stripped length 1: passed through unchanged
        XCTAssertEqual(tok.preprocess("ab"), "AB")
        XCTAssertNil(tok.preprocess(""))
        XCTAssertEqual(tok.encode("a"), [10201, 2])         // lower-case 'a' is not in the vocabulary
        XCTAssertEqual(tok.encode("A"), [10210])
        // The normalizer runs only on texts longer than one character, as in TextTokenizer.encode.
        let spelled: (String) -> String = { $0.replacingOccurrences(of: "5", with: "five") }
        XCTAssertEqual(tok.tokenize("5", normalizer: spelled), ["▁", "5"])
        XCTAssertEqual(tok.tokenize("5 cats", normalizer: spelled), tok.tokenize("five cats"))
    }
}
