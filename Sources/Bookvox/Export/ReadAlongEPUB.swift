// The read-along EPUB (`export --format epub3` → `export/<book>.epub`): an EPUB 3 with Media Overlays, so a
// reading system highlights each sentence while it plays the chapter's audio. What goes in:
//   - the text: for an EPUB 3 book, the original book with a `<span id="s3-17">` around each sentence in its own
//     XHTML (ReadAlongOriginalEPUB); for Markdown or plain text — and for an EPUB 2 book, which cannot carry
//     overlays — a generated book (GeneratedReadAlongEPUB: title page with the cover, navigation, one XHTML per
//     chapter with a span per sentence);
//   - the audio: each chapter's export MP3 as written (`chapter-NN.mp3`, copied, not encoded again);
//   - one SMIL overlay per content document pointing each sentence id at its clip of the chapter audio, with the
//     times the chapter's timings file and subtitles use; the package's `media:duration` (per overlay and in
//     all), `media:narrator`, `media:active-class` "-epub-media-overlay-active" and a CSS rule that highlights it.
// Clip times need no encoder-delay shift: the MP3s carry a LAME/Xing header with the encoder delay and padding,
// which decoders (FFmpeg, the browsers' decoders that EPUB reading systems use) honour, so time t of the file is
// time t of the master.
import Foundation
import TextFrontend

struct ReadAlongSentence: Sendable, Equatable {
    var key: String
    var text: String
    /// 0: the chapter heading; body paragraphs from 1.
    var paragraph: Int
    var beginMs: Int64
    var endMs: Int64

    /// The span id: "s" and the segment key with "-" for ".": "s3-17".
    var id: String { ReadAlongEPUB.spanID(key: key) }
}

struct ReadAlongChapter: Sendable {
    var number: Int
    var title: String
    /// "chapter-03": the chapter's export base name (its XHTML, SMIL and MP3 in a generated book).
    var baseName: String
    /// The chapter's export MP3.
    var audio: URL
    var sentences: [ReadAlongSentence]
}

struct ReadAlongMetadata: Sendable {
    var title: String
    var author: String?
    var narrator: String?
    var language: String
    var publisher: String?
    var date: String?
    var description: String?
    var cover: CoverImage?
}

enum ReadAlongEPUB {
    /// Bumped when the EPUB made from the same inputs changes.
    static let version = "1"
    static let activeClass = "-epub-media-overlay-active"
    static let css = ".-epub-media-overlay-active { background-color: #ffe58a; color: #000000; }"

    static func spanID(key: String) -> String { "s" + key.replacingOccurrences(of: ".", with: "-") }

    struct Built {
        var files: [EPUBZipWriter.File]
        /// Keys of sentences that could not be located in the original XHTML (they have no overlay entry).
        var unlocated: [String]
        /// Why the book was generated although the input is an EPUB (nil otherwise).
        var generatedBecause: String?
    }

    /// The EPUB's files. `source`: the book file when it is an EPUB (its original text is used); its package says
    /// whether it can carry overlays.
    static func build(chapters: [ReadAlongChapter], metadata: ReadAlongMetadata, source: EPUBSourceArchive?,
                      sourceItems: [SourceItem]) throws -> Built {
        if let source {
            if source.isEPUB3 {
                return try ReadAlongOriginalEPUB.build(source: source, sourceItems: sourceItems, chapters: chapters, metadata: metadata)
            }
            let why = "the book is an EPUB \(source.version.isEmpty ? "2" : source.version) and Media Overlays need EPUB 3"
            return Built(files: GeneratedReadAlongEPUB.files(chapters: chapters, metadata: metadata), unlocated: [],
                         generatedBecause: why)
        }
        return Built(files: GeneratedReadAlongEPUB.files(chapters: chapters, metadata: metadata), unlocated: [], generatedBecause: nil)
    }

    /// `path` relative to the directory `dir` (both archive paths, "/"-separated; "" is the root).
    static func relative(_ path: String, from dir: String) -> String {
        let from = dir.split(separator: "/").map(String.init)
        let to = path.split(separator: "/").map(String.init)
        var common = 0
        while common < from.count, common < to.count - 1, from[common] == to[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + to[common...]).joined(separator: "/")
            .addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "#?"))) ?? path
    }

    static func directory(of path: String) -> String {
        path.split(separator: "/").dropLast().joined(separator: "/")
    }

    /// A W3C date (what `dc:date` must be), or nil.
    static func w3cDate(_ s: String?) -> String? {
        guard let s = s?.trimmingCharacters(in: .whitespaces),
              s.range(of: #"^[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9:.]+(Z|[+-][0-9]{2}:[0-9]{2})?)?)?)?$"#, options: .regularExpression) != nil
        else { return nil }
        return s
    }

    static let imageExtensions = ["image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/svg+xml": "svg",
                                  "image/webp": "webp"]
}
