import Foundation
import Neural
import Qwen3TTS
import Tensors
import TestSupport
import XCTest

final class Qwen3TalkerPromptTests: XCTestCase {
    func testCodecPrefixRules() throws {
        let m = try Qwen3TinyTalker()
        let t = m.tokens
        XCTAssertEqual(try t.codecPrefix(language: "auto", presetSpeaker: nil), [t.codecNothink, t.codecThinkBos, t.codecThinkEos])
        XCTAssertEqual(try t.codecPrefix(language: "English", presetSpeaker: nil),
                       [t.codecThink, t.codecThinkBos, t.languages["english"]!, t.codecThinkEos])
        // A dialect speaker turns auto / chinese into its dialect; other languages are kept.
        XCTAssertEqual(try t.codecPrefix(language: "auto", presetSpeaker: "eric"),
                       [t.codecThink, t.codecThinkBos, t.languages["sichuan_dialect"]!, t.codecThinkEos])
        XCTAssertEqual(try t.codecPrefix(language: "chinese", presetSpeaker: "Dylan"),
                       [t.codecThink, t.codecThinkBos, t.languages["beijing_dialect"]!, t.codecThinkEos])
        XCTAssertEqual(try t.codecPrefix(language: "english", presetSpeaker: "eric"),
                       [t.codecThink, t.codecThinkBos, t.languages["english"]!, t.codecThinkEos])
        XCTAssertEqual(try t.codecPrefix(language: "auto", presetSpeaker: "ryan"), [t.codecNothink, t.codecThinkBos, t.codecThinkEos])
        XCTAssertThrowsError(try t.codecPrefix(language: "klingon", presetSpeaker: nil)) { e in
            XCTAssertTrue("\(e)".contains("klingon") && "\(e)".contains("english"), "\(e)")
        }
    }

    func testRequestErrors() throws {
        let m = try Qwen3TinyTalker()
        let ids = try m.ids("xvec.input_ids")
        XCTAssertThrowsError(try m.builder.build(Qwen3PromptRequest(textIds: ids, language: "auto", speaker: .preset("nobody"),
                                                                    layout: .nonStreaming))) { e in
            guard case Qwen3TTSError.unknownSpeaker("nobody", _) = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try m.builder.build(Qwen3PromptRequest(textIds: Array(ids.dropLast()), language: "auto",
                                                                    speaker: .none, layout: .streaming))) { e in
            guard case Qwen3TTSError.malformedIds = e else { return XCTFail("\(e)") }
        }
        XCTAssertThrowsError(try m.builder.build(Qwen3PromptRequest(textIds: ids, language: "auto",
                                                                    speaker: .embedding(Tensor(zeros: [5])), layout: .streaming))) { e in
            guard case Qwen3TTSError.shape = e else { return XCTFail("\(e)") }
        }
    }

    /// Prompt lengths follow the layout rules: role 3 + (L − 1) base rows + tail.
    func testLayoutLengths() throws {
        let m = try Qwen3TinyTalker()
        let ids = try m.ids("custom.input_ids")
        let content = ids.count - 8
        let streaming = try m.builder.build(Qwen3PromptRequest(textIds: ids, language: "english", speaker: .preset("ryan"),
                                                               layout: .streaming))
        // L = 4 tags + speaker + pad + bos = 7 → 3 + 6 + 1 first-text row; trailing = rest of text + EOS.
        XCTAssertEqual(streaming.embeds.shape, [10, m.talker.hidden])
        XCTAssertEqual(streaming.trailing.shape, [content, m.talker.hidden])
        let nonStreaming = try m.builder.build(Qwen3PromptRequest(textIds: ids, language: "auto", speaker: .none,
                                                                  layout: .nonStreaming))
        // L = 3 tags + pad + bos = 5 → 3 + 4 + content + EOS row + BOS row.
        XCTAssertEqual(nonStreaming.embeds.shape, [3 + 4 + content + 2, m.talker.hidden])
        XCTAssertEqual(nonStreaming.trailing.shape, [1, m.talker.hidden])
        XCTAssertEqual(nonStreaming.textTokenCount, content)
    }

    func testDecoderCacheOverflowIsTyped() throws {
        let m = try Qwen3TinyTalker()
        let prompt = try m.xvecPrompt()
        let state = m.talker.makeState(capacity: prompt.embeds.shape[0] - 1)
        XCTAssertThrowsError(try m.talker.forward(prompt.embeds, state: state)) { e in
            guard case Qwen3TTSError.cacheOverflow = e else { return XCTFail("\(e)") }
        }
    }

    /// Running the prefill in two chunks through the cache equals one pass (positions continue from the cache).
    func testChunkedPrefillMatchesOnePass() throws {
        let m = try Qwen3TinyTalker()
        let x = try m.xvecPrompt().embeds // (L, hidden)
        let l = x.shape[0]
        let whole = try m.talker.forward(x, state: m.talker.makeState(capacity: l))
        let state = m.talker.makeState(capacity: l)
        let a = try m.talker.forward(x.slice(axis: 0, start: 0, end: 4), state: state)
        let b = try m.talker.forward(x.slice(axis: 0, start: 4, end: l), state: state)
        let joined = Tensor.concat([a, b], axis: 0).array, one = whole.array
        XCTAssertEqual(state.length, l)
        for i in one.indices { XCTAssertEqual(joined[i], one[i], accuracy: 1e-5) }
    }
}
