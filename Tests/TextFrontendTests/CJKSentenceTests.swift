// CJK sentence ends: 。！？ and full-width ！？．, doubled ellipses …… after a CJK character, with the closing
// quotes and brackets after them; no whitespace is needed after them.
import XCTest
@testable import TextFrontend

final class CJKSentenceTests: XCTestCase {
    private func sentences(_ text: String, merge: Int = 0) throws -> [String] {
        let book = try BookLoader.load(text: text, format: .markdown, sourcePath: "t.md",
                                       options: SegmenterOptions(mergeWordsBelow: merge))
        XCTAssertTrue(book.chapters.allSatisfy(\.isLossless))
        return book.segments.map(\.text)
    }

    func testFullStopsExclamationsAndQuestionsEndSentences() throws {
        XCTAssertEqual(try sentences("今天下雨了。我们在家里看书！你喜欢吗？当然喜欢。"),
                       ["今天下雨了。", "我们在家里看书！", "你喜欢吗？", "当然喜欢。"])
        XCTAssertEqual(try sentences("本当ですか？！はい、そうです｡ありがとう．"),
                       ["本当ですか？！", "はい、そうです｡", "ありがとう．"])
    }

    func testClosingQuotesStayWithTheirSentence() throws {
        XCTAssertEqual(try sentences("他说：「我们走吧。」然后他离开了。她问：“为什么？”没有人回答。"),
                       ["他说：「我们走吧。」", "然后他离开了。", "她问：“为什么？”", "没有人回答。"])
        XCTAssertEqual(try sentences("（这是括号里的话。）后面的句子。"), ["（这是括号里的话。）", "后面的句子。"])
    }

    func testEllipsisAfterCJKEndsASentence() throws {
        XCTAssertEqual(try sentences("我不知道……他已经走了。"), ["我不知道……", "他已经走了。"])
        XCTAssertEqual(try sentences("我不知道⋯⋯」他说。"), ["我不知道⋯⋯」", "他说。"])
        // In Latin text an ellipsis followed by a lower-case word still does not end the sentence.
        XCTAssertEqual(try sentences("I wonder\u{2026} maybe not. Fine."), ["I wonder\u{2026} maybe not.", "Fine."])
    }

    func testFullWidthPeriodBetweenDigitsIsADecimalPoint() throws {
        XCTAssertEqual(try sentences("圆周率约为３．１４。下一句。"), ["圆周率约为３．１４。", "下一句。"])
    }

    func testMixedWithLatinText() throws {
        XCTAssertEqual(try sentences("He said hello. 然后他笑了。Then he left."), ["He said hello.", "然后他笑了。", "Then he left."])
    }

    func testEachCJKCharacterCountsAsAWordForMerging() throws {
        // "好。" (one word) joins its neighbour, without a space between CJK sentences; the longer sentences
        // stand alone with the default threshold.
        XCTAssertEqual(try sentences("好。我们明天早上出发。他们也会来。", merge: 3), ["好。我们明天早上出发。", "他们也会来。"])
        XCTAssertEqual(try sentences("好。Then we left the house.", merge: 3), ["好。 Then we left the house."])
    }
}
