// The read-along EPUB as a book-level export: what it depends on (its export hash) and writing it from the
// chapters whose exports are current — their timings, segment texts and export MP3s — and the book file (its
// metadata, cover and, for an EPUB, its original text).
import Foundation
import Logging
import TextFrontend

extension BookExporter {
    typealias IncludedChapter = (chapter: ChapterRecord, current: ChapterExporter.CurrentChapter)

    /// The EPUB's dependencies: the book's metadata and cover, the book file itself when the EPUB is built from it,
    /// and per chapter its title, master audio, texts and the MP3 it carries.
    static func readAlongHashParts(book: BookRecord, source: Book?, included: [IncludedChapter]) throws -> [String] {
        let m = source?.metadata
        var parts = ["book-export", version, "epub3", ReadAlongEPUB.version, book.title, book.author ?? "", book.narrator ?? "",
                     book.language, m?.publisher ?? "", m?.date ?? "", m?.description ?? "",
                     "cover", m?.coverImage.map { Hashing.sha256Hex($0.data) } ?? ""]
        if source != nil, BookFormat(fileExtension: (book.sourcePath as NSString).pathExtension) == .epub {
            parts += ["source", Hashing.sha256Hex(fileAt: book.sourcePath) ?? ""]
        }
        for c in included {
            parts += [String(c.chapter.number), TagText.singleLine(c.chapter.title), c.current.audioHash, c.current.textHash,
                      c.chapter.exportFileHashes["mp3"] ?? ""]
        }
        return parts
    }

    /// Builds and writes the EPUB; returns its sha256.
    func writeReadAlongEPUB(to path: String, book: BookRecord, source: Book?, included: [IncludedChapter], chapterCount: Int) throws -> String {
        let layout = store.layout
        var chapters: [ReadAlongChapter] = []
        for c in included {
            let n = c.chapter.number
            let mp3 = layout.exportFile(chapter: n, of: chapterCount, ext: "mp3")
            guard let want = c.chapter.exportFileHashes["mp3"], Hashing.sha256Hex(fileAt: mp3.path) == want else {
                throw BookvoxError.failure("chapter \(n)'s MP3 (\(mp3.lastPathComponent)), which the read-along EPUB carries, is missing "
                    + "or changed since it was exported; run `bookvox export --force`.")
            }
            let segments = Dictionary(try store.segments(chapter: n).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let t = c.current.timings
            let sentences = t.segments.map { s in
                ReadAlongSentence(key: s.key, text: segments[s.key]?.sourceText ?? "", paragraph: segments[s.key]?.paragraph ?? 1,
                                  beginMs: BookTimeline.milliseconds(sample: Int64(s.startSample), rate: t.sampleRate),
                                  endMs: BookTimeline.milliseconds(sample: Int64(s.endSample), rate: t.sampleRate))
            }
            chapters.append(ReadAlongChapter(number: n, title: TagText.singleLine(c.chapter.title),
                                             baseName: ProjectLayout.exportBaseName(chapter: n, of: chapterCount), audio: mp3,
                                             sentences: sentences))
        }
        let m = source?.metadata
        let metadata = ReadAlongMetadata(title: TagText.singleLine(book.title), author: book.author.map(TagText.singleLine),
                                         narrator: book.narrator.map(TagText.singleLine), language: book.language,
                                         publisher: m?.publisher, date: m?.date, description: m?.description, cover: m?.coverImage)
        var archive: EPUBSourceArchive?
        if let source, BookFormat(fileExtension: (book.sourcePath as NSString).pathExtension) == .epub {
            archive = try EPUBSourceArchive(path: source.sourcePath)
        }
        let built = try ReadAlongEPUB.build(chapters: chapters, metadata: metadata, source: archive,
                                            sourceItems: source?.sourceItems ?? [])
        let log = Logger(label: "bookvox.export.epub")
        if let why = built.generatedBecause {
            log.warning("the read-along EPUB is a generated book, not the original: \(why)")
        }
        if !built.unlocated.isEmpty {
            let total = chapters.reduce(0) { $0 + $1.sentences.count }
            let shown = built.unlocated.prefix(5).joined(separator: ", ")
            let more = built.unlocated.count > 5 ? ", …" : ""
            let message = "the read-along EPUB: \(built.unlocated.count) of \(total) sentences could not be located in the book's "
                + "XHTML (segments \(shown)\(more)); they are not highlighted and the read-along skips their audio (the chapter "
                + "MP3s still have it)"
            log.warning("\(message)")
        }
        return try writer.writeFile(at: path) { temp in try EPUBZipWriter.write(built.files, to: temp) }
    }
}
