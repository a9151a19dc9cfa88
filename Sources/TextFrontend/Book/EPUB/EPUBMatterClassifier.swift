// Which spine documents are front or back matter that is not read by default: cover page, title page, copyright
// page, table of contents (and lists of illustrations/tables), colophon, index, notes, imprint, credits,
// bibliography. Evidence, strongest first: the EPUB 3 landmarks, the EPUB 2 guide, the document's own `epub:type`
// / `role` (on its body or its first element), the manifest's navigation document, and the file name or manifest
// id (tokens such as "cover", "titlepage", "copyright", "toc", "contents", "colophon").
// Dedications, epigraphs, forewords, prefaces, introductions, afterwords, acknowledgments and appendices are read.
import Foundation

enum EPUBMatterClassifier {
    /// Semantic types (landmarks, guide, epub:type, role) that are skipped, with the words `plan` shows.
    static let skippedTypes: [String: String] = [
        "cover": "cover page", "doc-cover": "cover page",
        "titlepage": "title page", "title-page": "title page", "halftitlepage": "title page", "halftitle": "title page",
        "fulltitle": "title page",
        "copyright-page": "copyright page", "copyright": "copyright page",
        "toc": "table of contents", "doc-toc": "table of contents", "contents": "table of contents",
        "loi": "list of illustrations", "lot": "list of tables", "lov": "list of tables",
        "colophon": "colophon", "doc-colophon": "colophon",
        "index": "index", "doc-index": "index",
        "footnotes": "notes", "endnotes": "notes", "rearnotes": "notes", "notes": "notes", "doc-endnotes": "notes",
        "imprint": "imprint", "imprimatur": "imprint",
        "other-credits": "credits", "doc-credits": "credits",
        "bibliography": "bibliography", "doc-bibliography": "bibliography",
    ]
    /// File-name / id tokens that mark front or back matter (never "index": index.html often holds a whole book).
    static let skippedNameTokens: [String: String] = [
        "cover": "cover page", "titlepage": "title page", "halftitle": "title page", "halftitlepage": "title page",
        "copyright": "copyright page", "toc": "table of contents", "contents": "table of contents",
        "tableofcontents": "table of contents", "colophon": "colophon", "imprint": "imprint",
        "footnotes": "notes", "endnotes": "notes", "notes": "notes",
    ]

    struct Evidence {
        var path: String
        var manifestID: String
        var manifestProperties: [String]
        var landmarks: [String]
        var guide: [String]
        var documentTypes: [String]
    }

    /// Why the document is front or back matter, or nil when it is read.
    static func skipReason(_ e: Evidence) -> String? {
        for (types, source) in [(e.landmarks, "landmarks"), (e.guide, "guide"), (e.documentTypes, "epub:type")] {
            if let label = types.lazy.compactMap({ skippedTypes[$0] }).first { return "\(label) (\(source))" }
        }
        if e.manifestProperties.contains("nav") { return "table of contents (navigation document)" }
        let file = e.path.split(separator: "/").last.map(String.init) ?? e.path
        let stem = file.split(separator: ".").first.map(String.init) ?? file
        for name in [stem, e.manifestID] {
            let lower = name.lowercased()
            if lower == "title" || lower == "titlepage" { return "title page (file name)" }
            let tokens = lower.split(whereSeparator: { !$0.isLetter }).map(String.init)
            if tokens == ["title", "page"] || tokens == ["half", "title"] { return "title page (file name)" }
            if let label = tokens.lazy.compactMap({ skippedNameTokens[$0] }).first { return "\(label) (file name)" }
        }
        return nil
    }
}
