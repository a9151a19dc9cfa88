// EPUB 2 / 3 (DRM-free) → chapters of paragraphs.
//
// container.xml → package document (OPF) → spine (reading order). Chapters come from the table of contents: the
// EPUB 3 navigation document, else the EPUB 2 NCX, else (neither has entries) one chapter per spine document
// titled with its first heading. Entries at every depth are chapter starts, in TOC order:
// - an entry pointing into a document (`ch1.xhtml#part2`) splits it before the block holding that id;
// - the documents between two entries are joined into the first entry's chapter;
// - entries pointing at the same place make one chapter with the last (innermost) entry's title; an entry that
//   points back before the previous one, at a skipped document or outside the spine is dropped (with a warning);
// - text before the first entry (documents the TOC does not cover that are not front matter: a dedication, an
//   epigraph) is one chapter before the first entry's, titled like Markdown text before the first heading: its
//   leading heading, else the book title. Documents no entry covers after that belong to the preceding chapter.
// A chapter's title is its TOC label; what is read is the text: a heading that opens the chapter is its N.0
// segment, later headings are read as paragraphs.
// Front and back matter (EPUBMatterClassifier) and `linear="no"` documents are skipped unless
// `BookReadingOptions.includeSkippedMatter`; documents with no text (an image-only cover) are always skipped.
// An included document that no TOC entry points into is a chapter of its own (titled with its first heading, else
// what it is: "Copyright page"), so `--chapters` can pick it; the document after it starts a chapter too.
// `Book.sourceItems` lists every spine document with its chapters or why it was skipped.
// Metadata: dc:title (the "main" one), dc:creator (authors; other roles are not authors), dc:language, dc:publisher,
// dc:date, dc:description, and the cover image (EPUB 3 `properties="cover-image"`, EPUB 2 `<meta name="cover">`).
import Foundation
import Logging

enum EPUBReader {
    private static let logger = Logger(label: "bookvox.text.epub")

    /// A spine document as read.
    private struct Document {
        var path: String
        var content: XHTMLContent?
        var skipReason: String?
        var includable: Bool
        /// Set when front or back matter is read (`includeSkippedMatter`): the chapter title it gets when no TOC
        /// entry names it.
        var includedAs: String?
        var isRead: Bool { skipReason == nil && content != nil }
    }

    /// A chapter start: a block of a document, and the TOC title (nil: no TOC, title from the text).
    private struct Start {
        var document: Int
        var block: Int
        var title: String?
    }

    static func read(url: URL, bookPath: String, defaultTitle: String, reading: BookReadingOptions,
                     limits: EPUBLimits) throws -> SourceDocument {
        let archive = try EPUBArchive(url: url, bookPath: bookPath, limits: limits)
        try EPUBContainer.check(archive)
        let package = try EPUBPackage.read(archive, path: try EPUBContainer.packagePath(archive))
        let metadata = try readMetadata(package, archive: archive, defaultTitle: defaultTitle, reading: reading)

        var toc: [TOCEntry] = []
        var landmarks: [EPUBLandmark] = []
        if let nav = package.navItem, archive.contains(nav.path) {
            if let root = MarkupParser.parseHTML(try archive.read(nav.path), name: nav.path) {
                let parsed = EPUBNavigation.readNav(root, path: nav.path)
                toc = parsed.toc ?? []
                landmarks = parsed.landmarks
            } else {
                logger.warning("\(bookPath): \(nav.path): the navigation document could not be parsed; trying the NCX")
            }
        }
        if toc.isEmpty, let ncx = package.ncxItem, archive.contains(ncx.path) {
            do {
                toc = EPUBNavigation.readNCX(try EPUBContainer.parseXML(archive, ncx.path), path: ncx.path)
            } catch let e as BookError {
                logger.warning("\(e.description) The NCX is ignored.")
            }
        }
        if toc.isEmpty {
            logger.info("\(bookPath): no table of contents; one chapter per document")
        }

        var documents = try readDocuments(package, archive: archive, landmarks: landmarks, reading: reading,
                                          readsAltText: metadata.readsImageAltText)
        if !documents.contains(where: \.isRead), documents.contains(where: { $0.includable && $0.content != nil }) {
            logger.warning("\(bookPath): every document with text is front or back matter; reading them all")
            for i in documents.indices where documents[i].includable { documents[i].skipReason = nil }
        }
        var starts = toc.isEmpty ? [] : tocStarts(toc, documents, bookPath: bookPath)
        let byDocument = starts.isEmpty
        if byDocument {
            if !toc.isEmpty { logger.warning("\(bookPath): no table of contents entry points at a document that is read; one chapter per document") }
            starts = documentStarts(documents)
        }
        starts = withIncludedMatter(starts, documents)
        var (chapters, chaptersOfDocument) = assemble(documents, starts: starts)
        if byDocument {
            for i in chapters.indices where chapters[i].title == nil && chapters[i].heading == nil {
                chapters[i].title = "Chapter \(i + 1)"
            }
        }
        let items = documents.enumerated().map { i, d in
            SourceItem(path: d.path, chapters: chaptersOfDocument[i, default: []].sorted(), skipReason: d.skipReason,
                       includable: d.includable)
        }
        return SourceDocument(metadata: metadata, chapters: chapters, sourceItems: items)
    }

    // MARK: - Metadata

    private static func readMetadata(_ package: EPUBPackage, archive: EPUBArchive, defaultTitle: String,
                                     reading: BookReadingOptions) throws -> BookMetadata {
        var meta = BookMetadata(title: package.title ?? defaultTitle)
        meta.author = package.authors.isEmpty ? nil : package.authors.joined(separator: ", ")
        if let lang = package.language {
            let tag = lang.replacingOccurrences(of: "_", with: "-")
            if isLanguageTag(tag) {
                meta.language = tag
            } else {
                logger.warning("\(archive.bookPath): \(package.path): dc:language '\(lang)' is not a language code; reading as 'en'")
            }
        }
        meta.publisher = package.publisher
        meta.date = package.date
        meta.description = package.description
        meta.readsImageAltText = reading.readsImageAltText
        if let item = package.coverItem {
            meta.cover = item.path
            if archive.contains(item.path) {
                let data = try archive.read(item.path)
                meta.coverImage = CoverImage(data: data, mediaType: CoverImageType.sniff(data) ?? item.mediaType,
                                             source: item.path)
            } else {
                logger.warning("\(archive.bookPath): \(item.path): the cover image the package names is missing; no cover")
            }
        }
        return meta
    }

    /// A BCP-47-shaped tag ("en", "en-GB", "zh-Hant").
    static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return parts.dropFirst().allSatisfy { p in (1...8).contains(p.count) && p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }

    // MARK: - Documents

    private static func readDocuments(_ package: EPUBPackage, archive: EPUBArchive, landmarks: [EPUBLandmark],
                                      reading: BookReadingOptions, readsAltText: Bool) throws -> [Document] {
        var documents: [Document] = []
        for spineItem in package.spine {
            let item = spineItem.item
            guard item.isContentDocument else {
                documents.append(Document(path: item.path, content: nil,
                                          skipReason: "not an XHTML document (\(item.mediaType))", includable: false))
                continue
            }
            let data = try archive.read(item.path)
            guard let root = MarkupParser.parseHTML(data, name: item.path) else {
                throw BookError.invalidEPUB(path: archive.bookPath, entry: item.path,
                                            reason: "the document could not be parsed as XHTML or HTML")
            }
            let content = XHTMLTextExtractor.extract(root, readsAltText: readsAltText)
            var doc = Document(path: item.path, content: content, skipReason: nil, includable: false)
            let matter = EPUBMatterClassifier.skipReason(.init(
                path: item.path, manifestID: item.id, manifestProperties: item.properties,
                landmarks: landmarks.filter { $0.path.lowercased() == item.path.lowercased() }.map(\.type),
                guide: package.guide.filter { $0.path.lowercased() == item.path.lowercased() }.map(\.type),
                documentTypes: content.documentTypes))
            if let matter {
                doc.skipReason = matter
            } else if !spineItem.linear {
                doc.skipReason = "outside the reading order (linear=\"no\")"
            }
            if !content.hasSpeakableText {
                doc.skipReason = (doc.skipReason.map { $0 + ", " } ?? "") + "no text to read"
            } else {
                doc.includable = doc.skipReason != nil
            }
            if doc.includable, reading.includeSkippedMatter {
                let what = String((matter ?? "").prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
                doc.includedAs = content.firstHeading ?? (what.isEmpty ? nil : what.prefix(1).uppercased() + what.dropFirst())
                doc.skipReason = nil
            }
            documents.append(doc)
        }
        return documents
    }

    // MARK: - Chapters

    /// One start per read document (no table of contents).
    private static func documentStarts(_ documents: [Document]) -> [Start] {
        documents.indices.filter { documents[$0].isRead }.map { Start(document: $0, block: 0, title: documents[$0].content?.firstHeading) }
    }

    /// The TOC entries as chapter starts, in reading order (see the header for the rules).
    private static func tocStarts(_ toc: [TOCEntry], _ documents: [Document], bookPath: String) -> [Start] {
        var firstRead: [String: Int] = [:]
        var firstAny: [String: Int] = [:]
        for (i, d) in documents.enumerated() {
            let key = d.path.lowercased()  // references may differ from the manifest in letter case
            if firstAny[key] == nil { firstAny[key] = i }
            if d.isRead, firstRead[key] == nil { firstRead[key] = i }
        }
        var starts: [Start] = []
        for entry in toc {
            guard let d = firstRead[entry.path.lowercased()] else {
                if firstAny[entry.path.lowercased()] == nil {
                    logger.warning("\(bookPath): table of contents entry '\(entry.title)' points at \(entry.path), which is not in the spine; ignored")
                }
                continue
            }
            var block = 0
            if let fragment = entry.fragment, !fragment.isEmpty {
                if let b = documents[d].content?.anchors[fragment] {
                    block = b
                } else {
                    logger.warning("\(bookPath): \(entry.path): no element with id '\(fragment)' (table of contents entry '\(entry.title)'); the entry starts at the document's beginning")
                }
            }
            let title = entry.title.isEmpty ? nil : entry.title
            if let last = starts.last {
                if (d, block) == (last.document, last.block) {
                    starts[starts.count - 1].title = title ?? last.title
                    continue
                }
                if d < last.document || (d == last.document && block < last.block) {
                    logger.warning("\(bookPath): table of contents entry '\(entry.title)' points back before the previous entry; ignored")
                    continue
                }
            }
            starts.append(Start(document: d, block: block, title: title))
        }
        return starts
    }

    /// `starts` plus a start at each included front/back matter document no start points into, and one at the read
    /// document after it (unless one is there), so included matter is never joined with the text around it.
    private static func withIncludedMatter(_ starts: [Start], _ documents: [Document]) -> [Start] {
        var extra: [Start] = []
        let startDocuments = Set(starts.map(\.document))
        let read = documents.indices.filter { documents[$0].isRead }
        for (k, d) in read.enumerated() where documents[d].includedAs != nil {
            if !startDocuments.contains(d) { extra.append(Start(document: d, block: 0, title: documents[d].includedAs)) }
            if k + 1 < read.count, !startDocuments.contains(read[k + 1]), documents[read[k + 1]].includedAs == nil {
                extra.append(Start(document: read[k + 1], block: 0, title: nil))
            }
        }
        guard !extra.isEmpty else { return starts }
        return (starts + extra).enumerated().sorted {
            ($0.element.document, $0.element.block, $0.offset) < ($1.element.document, $1.element.block, $1.offset)
        }.map(\.element)
    }

    /// Cuts the read documents' blocks into chapters at `starts`. Returns the chapters with text and, per document
    /// index, the numbers of the chapters that hold its text.
    private static func assemble(_ documents: [Document], starts: [Start]) -> ([SourceChapter], [Int: Set<Int>]) {
        var chapters: [SourceChapter] = []
        var chaptersOfDocument: [Int: Set<Int>] = [:]
        var current = SourceChapter(heading: nil)
        var currentDocuments: Set<Int> = []
        func finish() {
            let speakable = current.hasSpeakableBody || (current.heading?.text.hasSpeakableText ?? false)
            if speakable {
                chapters.append(current)
                for d in currentDocuments { chaptersOfDocument[d, default: []].insert(chapters.count) }
            }
            currentDocuments = []
        }
        var next = 0
        for (d, doc) in documents.enumerated() where doc.isRead {
            let blocks = doc.content?.blocks ?? []
            for b in 0...blocks.count {
                while next < starts.count, starts[next].document == d, starts[next].block == b {
                    finish()
                    current = SourceChapter(heading: nil)
                    current.title = starts[next].title
                    next += 1
                }
                guard b < blocks.count else { break }
                let block = blocks[b]
                currentDocuments.insert(d)
                switch block.kind {
                case .sceneBreak:
                    current.markSceneBreak()
                case .heading where current.heading == nil && current.paragraphs.isEmpty:
                    current.heading = SourceParagraph(text: block.text, line: block.line)
                case .heading, .paragraph:
                    current.paragraphs.append(SourceParagraph(text: block.text, line: block.line))
                }
            }
        }
        finish()
        return (chapters, chaptersOfDocument)
    }
}
