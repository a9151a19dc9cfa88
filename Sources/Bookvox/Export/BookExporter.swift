// Book-level exports: `export/<book>.m4b` (AAC-LC mono 44.1 kHz with chapter marks, tags and cover; AudioDSP's
// M4BWriter), the book's subtitles `<book>.srt|.vtt|.lrc` on the same timeline (BookTimeline), and the
// read-along `<book>.epub` (EPUB 3 with Media Overlays over the chapters' MP3s; Export/ReadAlongEPUB). They cover
// the chapters whose chapter exports are current (fully rendered and exported), in book order, so a book
// rendered with `--chapters 1-3` gets a three-chapter M4B that grows as more chapters are rendered.
// The M4B's audio is each chapter's master stitched again from its segments (the stitch is deterministic,
// so it is the audio of chapter-NN.flac before quantization), resampled to 44.1 kHz with soxr and encoded
// chapter by chapter, never the whole book in memory. Files are written atomically, recorded in the store
// (`bookExports`: name, sha256, export hash) and rewritten only when what they depend on changed (a
// chapter's audio or title, the text for the subtitles, the tags, the cover, the set of chapters) or a
// file is missing or does not verify.
import AudioDSP
import Foundation
import Logging
import TextFrontend

public struct BookExporter: Sendable {
    public let store: JobStore
    public let settings: ExportSettings
    public let writer: FileWriting
    private let log = Logger(label: "bookvox.export.book")

    /// Bumped when the book-level files for the same inputs change.
    public static let version = "1"

    public init(store: JobStore, settings: ExportSettings, writer: FileWriting = AtomicFileWriter()) {
        self.store = store
        self.settings = settings
        self.writer = writer
    }

    public enum Outcome: Equatable, Sendable {
        /// These files (names in export/) were written.
        case exported(files: [String])
        case upToDate(files: [String])
        /// No book-level format is requested, or no chapter is exported yet.
        case nothing
    }

    /// Writes the book-level files when they need it (all of them with `force`).
    @discardableResult
    public func export(force: Bool = false) throws -> Outcome {
        guard let book = try store.book() else { throw BookvoxError.failure("the project has no book record") }
        let layout = store.layout
        let recorded = try store.bookExports()
        // Formats written earlier are kept up to date too, never left stale.
        let formats = Set(settings.formats.filter(\.isBookFile)).union(recorded.compactMap { r in
            ExportFormat(rawValue: r.format).flatMap {
                FileManager.default.fileExists(atPath: layout.exportDir.appendingPathComponent(r.fileName).path) ? $0 : nil
            }
        }).sorted { $0.rawValue < $1.rawValue }
        guard !formats.isEmpty else { return .nothing }

        let chapterExporter = ChapterExporter(store: store, settings: settings, writer: writer)
        let all = try store.chapters()
        var included: [(chapter: ChapterRecord, current: ChapterExporter.CurrentChapter)] = []
        for ch in all {
            if let c = try chapterExporter.current(chapter: ch.number) { included.append((ch, c)) }
        }
        guard !included.isEmpty else { return .nothing }
        let timeline = BookTimeline(chapters: included.map {
            (number: $0.chapter.number, title: TagText.singleLine($0.chapter.title),
             masterSamples: Int64($0.current.timings.totalSamples), masterRate: $0.current.timings.sampleRate)
        })
        // The book file as it reads now: the M4B's cover, year and description, the EPUB's metadata and original text.
        let source = formats.contains(.m4b) || formats.contains(.epub3)
            ? try BookCover.loadBook(sourcePath: book.sourcePath, reading: book.storedReadingOptions) : nil
        let tags = Self.tags(book, metadata: source?.metadata)
        let cover = formats.contains(.m4b) ? try BookCover.m4bCover(source) : nil
        let base = Self.fileBase(title: book.title)

        // Each file's hash: what it depends on. The M4B: the chapters' titles and audio, the tags, the cover; the
        // subtitles: the chapters' audio (their timings follow from it) and source texts, the LRC header tags.
        var m4bParts = ["book-export", Self.version, "m4b", "bitrate", String(ExportSettings.m4bBitrateKbps),
                        "cover", cover.map { Hashing.sha256Hex($0.data) } ?? ""] + tags.dictionary.flatMap { [$0.0, $0.1] }
        var subtitleParts = ["book-export", Self.version, "cues", SubtitleCues.version, tags.title, tags.artist ?? "", tags.album ?? ""]
        for c in included {
            m4bParts += [String(c.chapter.number), TagText.singleLine(c.chapter.title), c.current.audioHash]
            subtitleParts += [String(c.chapter.number), c.current.audioHash, c.current.textHash]
        }
        let epubParts = formats.contains(.epub3) ? try Self.readAlongHashParts(book: book, source: source, included: included) : []
        func hash(_ f: ExportFormat) -> String {
            let parts = f == .m4b ? m4bParts : f == .epub3 ? epubParts : [f.rawValue] + subtitleParts
            return Hashing.sha256Hex(parts.joined(separator: "\u{1F}"))
        }

        let files = formats.map { (format: $0, name: base + "." + $0.fileExtension, hash: hash($0)) }
        let layoutDir = layout.exportDir
        let current = files.filter { f in
            !force && recorded.contains { r in
                r.format == f.format.rawValue && r.fileName == f.name && r.exportHash == f.hash
                    && Hashing.sha256Hex(fileAt: layoutDir.appendingPathComponent(f.name).path) == r.sha256
            }
        }
        if current.count == files.count { return .upToDate(files: files.map(\.name)) }
        let todo = files.filter { f in !current.contains { $0.format == f.format } }

        if included.count < all.count {
            log.warning("the book-level exports hold \(included.count) of the book's \(all.count) chapters (the others are not rendered yet)")
        }
        var records = recorded.filter { r in current.contains { $0.format.rawValue == r.format } }
        var written: [String] = []
        let subtitleFormats = todo.compactMap(\.format.subtitle)
        if !subtitleFormats.isEmpty {
            let cues = try bookCues(timeline: timeline, included: included)
            let header = LRCHeader(title: tags.title, artist: tags.artist, album: tags.album)
            for f in subtitleFormats {
                let name = base + "." + f.rawValue
                let sha = try writer.write(SubtitleWriter.render(cues, as: f, header: header),
                                           to: layout.exportDir.appendingPathComponent(name).path)
                records.append(BookExportRecord(format: f.rawValue, fileName: name, sha256: sha,
                                                exportHash: hash(ExportFormat(rawValue: f.rawValue)!)))
                written.append(name)
            }
        }
        if todo.contains(where: { $0.format == .m4b }) {
            let name = base + ".m4b"
            let sha = try writeM4B(to: layout.exportDir.appendingPathComponent(name).path, timeline: timeline, tags: tags,
                                   cover: cover, chapters: chapterExporter)
            records.append(BookExportRecord(format: ExportFormat.m4b.rawValue, fileName: name, sha256: sha, exportHash: hash(.m4b)))
            written.append(name)
        }
        if todo.contains(where: { $0.format == .epub3 }) {
            let name = base + ".epub"
            let sha = try writeReadAlongEPUB(to: layout.exportDir.appendingPathComponent(name).path, book: book, source: source,
                                             included: included, chapterCount: all.count)
            records.append(BookExportRecord(format: ExportFormat.epub3.rawValue, fileName: name, sha256: sha, exportHash: hash(.epub3)))
            written.append(name)
        }
        // Files of an earlier title (a renamed book) go.
        let names = Set(records.map(\.fileName))
        for r in recorded where !names.contains(r.fileName) {
            try? FileManager.default.removeItem(at: layout.exportDir.appendingPathComponent(r.fileName))
        }
        try store.setBookExports(records)
        log.info("exported \(written.sorted().joined(separator: ", ")) (\(included.count) chapters)")
        return .exported(files: written.sorted())
    }

    /// Every segment's cues on the book timeline, chapter after chapter.
    private func bookCues(timeline: BookTimeline,
                          included: [(chapter: ChapterRecord, current: ChapterExporter.CurrentChapter)]) throws -> [SubtitleCue] {
        var cues: [SubtitleCue] = []
        for (entry, c) in zip(timeline.entries, included) {
            let texts = Dictionary(try store.segments(chapter: c.chapter.number).map { ($0.key, $0.sourceText) },
                                   uniquingKeysWith: { a, _ in a })
            for t in c.current.timings.segments {
                cues += SubtitleCues.cues(text: texts[t.key] ?? "",
                                          startMs: timeline.milliseconds(entry: entry, masterSample: Int64(t.startSample)),
                                          endMs: timeline.milliseconds(entry: entry, masterSample: Int64(t.endSample)))
            }
        }
        return cues
    }

    private func writeM4B(to path: String, timeline: BookTimeline, tags: M4BTags, cover: M4BCover?,
                          chapters: ChapterExporter) throws -> String {
        try writer.writeFile(at: path) { temp in
            let m4b = try M4BWriter(path: temp, totalSamples: timeline.totalSamples,
                                    chapters: timeline.entries.map { M4BChapter(title: $0.title, startSample: $0.startSample) },
                                    tags: tags, cover: cover, bitrateKbps: ExportSettings.m4bBitrateKbps)
            for entry in timeline.entries {
                let master = try chapters.stitchedMaster(chapter: entry.chapter).audio
                guard Int64(master.samples.count) == entry.masterSamples, master.sampleRate == entry.masterRate else {
                    throw BookvoxError.failure("chapter \(entry.chapter)'s audio (\(master.samples.count) samples at \(master.sampleRate) Hz) "
                        + "no longer matches its timings file (\(entry.masterSamples) at \(entry.masterRate) Hz); run `bookvox export --force`.")
                }
                let audio = try Resampler.resample(master, to: BookTimeline.sampleRate)
                try m4b.append(audio.samples)
            }
            try m4b.finish()
        }
    }

    /// Audiobookshelf conventions: author as artist and album artist, narrator as composer, album = title; the year
    /// of the book's date (front matter `date`, the EPUB's dc:date) and its description (front matter
    /// `description`, dc:description) when it has them.
    static func tags(_ book: BookRecord, metadata: BookMetadata? = nil) -> M4BTags {
        let title = TagText.singleLine(book.title)
        let author = book.author.map(TagText.singleLine)
        let narrator = book.narrator.map(TagText.singleLine)
        let description = metadata?.description.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        return M4BTags(title: title, artist: author ?? narrator, albumArtist: author, album: title, composer: narrator,
                       date: year(metadata?.date), genre: "Audiobook", comment: narrator.map { "Read by \($0)" },
                       description: description.map(TagText.singleLine))
    }

    /// The year a date starts with ("1813", "2021-03-04" → "2021"); nil when it does not start with four digits.
    static func year(_ date: String?) -> String? {
        guard let d = date?.trimmingCharacters(in: .whitespaces), d.count >= 4 else { return nil }
        let y = String(d.prefix(4))
        guard y.allSatisfy(\.isASCII), y.allSatisfy(\.isNumber), d.count == 4 || !d.dropFirst(4).first!.isNumber else { return nil }
        return y
    }

    /// A safe file name (without extension) for the book's files: the title without path separators, characters
    /// Windows forbids, control characters or leading dots, at most 100 characters; "book" when nothing is left.
    /// A title that would look like a chapter export ("chapter-…") gets "book " in front.
    public static func fileBase(title: String) -> String {
        let forbidden: Set<Character> = ["/", "\\", ":", "*", "?", "\"", "<", ">", "|"]
        var out = String(TagText.singleLine(title).map { forbidden.contains($0) ? "_" : $0 })
        out = out.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        out = String(out.drop { $0 == "." || $0 == " " }.prefix(100))
        while let last = out.last, last == "." || last == " " { out.removeLast() }
        if out.isEmpty { return "book" }
        if out.lowercased().hasPrefix("chapter-") || out.lowercased().hasPrefix("acx-report") { out = "book " + out }
        return out
    }
}
