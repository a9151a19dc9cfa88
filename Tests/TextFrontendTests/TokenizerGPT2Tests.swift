// The GPT-2 pre-tokenizer of Whisper's tokenizers against splits made by the original regex (Python `regex` with
// tiktoken's gpt2 pat_str), and the tokenizer files of the Whisper test model (encode/decode round trip, added tokens).
import Foundation
import TestSupport
import TextFrontend
import XCTest

final class TokenizerGPT2Tests: XCTestCase {
    func tokenizer() throws -> GPT2Tokenizer {
        try GPT2Tokenizer(directory: Fixtures.caseDir("whisper/transcribe_tiny_en/hf").path)
    }

    func testPreTokenizerMatchesTheOriginalRegex() throws {
        let t = try tokenizer()
        // regex.findall(r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+", text)
        let cases: [(String, [String])] = [
            ("I'm  here,\tthey'RE  ", ["I", "'m", " ", " here", ",", "\t", "they", "'", "RE", "  "]),
            ("a\n\n b", ["a", "\n\n", " b"]),
            (" x1 2nd  ", [" x", "1", " 2", "nd", "  "]),
            ("¿Qué?  ¡Sí!", ["¿", "Qué", "?", " ", " ¡", "Sí", "!"]),
            ("'s's 'd", ["'s", "'s", " '", "d"]),
            ("   ", ["   "]),
            ("tab\t\tend\t", ["tab", "\t", "\t", "end", "\t"]),
        ]
        for (text, want) in cases { XCTAssertEqual(t.preTokenize(text), want, text) }
    }

    func testEncodeDecodeRoundTripAndAddedTokens() throws {
        let t = try tokenizer()
        for text in ["Hello world!", " naïve café 東京 😀", "It's 3:45 p.m."] {
            XCTAssertEqual(try t.decode(t.encode(text)), text)
        }
        XCTAssertEqual(t.encode(" "), [220])
        XCTAssertEqual(t.tokenID("<|endoftext|>"), 50256)
        XCTAssertEqual(t.tokenID("<|startoftranscript|>"), 50257)
        XCTAssertEqual(t.tokenID("<|notimestamps|>"), 50362)
        // Added-token text in ordinary input is not matched (tiktoken with disallowed_special=()).
        XCTAssertNotEqual(t.encode("<|endoftext|>"), [50256])
        XCTAssertEqual(try t.decode([50256]), "<|endoftext|>")
        // A token split inside a multi-byte character decodes to U+FFFD, like errors="replace".
        let snowman = t.encode("☃")
        if snowman.count > 1 { XCTAssertTrue(try t.decode([snowman[0]]).contains("\u{FFFD}")) }
        XCTAssertThrowsError(try t.decodeBytes([9_999_999]))
    }

    func testMissingAddedTokensIsAnError() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gpt2-noadded-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let src = Fixtures.caseDir("whisper/transcribe_tiny_en/hf")
        for f in ["vocab.json", "merges.txt"] {
            try FileManager.default.copyItem(at: src.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        XCTAssertThrowsError(try GPT2Tokenizer(directory: dir.path)) { error in
            XCTAssertTrue("\(error)".contains("added_tokens"), "\(error)")
        }
    }
}
