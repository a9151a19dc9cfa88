// libFuzzer target: a Markdown book from arbitrary bytes. The first byte picks the segment limit (1–256) and
// the merge threshold (0–3); the rest is the book. Besides not crashing, every segment must be within the
// limit and the segments must give back each chapter's text.
import Foundation
import FuzzDriver
import TextFrontend

func fuzzMarkdown(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    guard size > 0 else { return 0 }
    let options = SegmenterOptions(maxCharacters: 1 + Int(data[0]), mergeWordsBelow: Int(data[0] >> 6))
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    guard let book = try? BookLoader.load(text: text, format: .markdown, sourcePath: "fuzz.md", options: options) else { return 0 }
    for chapter in book.chapters {
        precondition(chapter.isLossless, "chapter \(chapter.index) loses text")
        for s in chapter.segments {
            precondition(s.text.count <= options.maxCharacters, "segment \(s.key) has \(s.text.count) > \(options.maxCharacters) characters")
        }
    }
    return 0
}

exit(FuzzDriver.run(fuzzMarkdown))
