// XHTML content document → blocks of text, mapped as the Markdown reader maps its blocks: paragraphs, headings,
// list items and block quotes are blocks of their own; `<hr>`, decorative paragraphs with no letters or digits
// ("* * *", "⁂") and scene-break classes are scene breaks; `<br>` is a space.
// Not read:
// - footnote and endnote markers and bodies: `epub:type` noteref / footnote / endnote / rearnote / note / aside
//   (and their plural list forms), `role` doc-noteref / doc-footnote / doc-endnote / doc-endnotes, the class names
//   in `noteClasses`, and links whose whole text is a note mark ("1", "[12]", "*", "†") inside or around `<sup>`;
// - page-break markers (`epub:type="pagebreak"`, `role="doc-pagebreak"`), `hidden` elements;
// - `<script>`, `<style>`, `<head>`, `<svg>`, `<math>`, ruby annotations (`<rt>`, `<rp>`), tables and `<pre>`
//   (as Markdown skips tables and code), form controls and embedded media;
// - images, unless alt text is read (then their `alt`).
// Every element's `id` (and an `<a name>`) is recorded with the index of the first block at or after it, so a
// table-of-contents entry pointing at that id can split the document there.
import Foundation

struct XHTMLBlock: Equatable {
    enum Kind: Equatable { case paragraph, heading, sceneBreak }
    var kind: Kind
    var text: String
    /// 1-based line of the block's element in its file.
    var line: Int
}

struct XHTMLContent {
    var blocks: [XHTMLBlock]
    /// id → index of the first block at or after the element with that id.
    var anchors: [String: Int]
    /// `epub:type` and `role` tokens of the body and of its first element (through untyped `<div>` wrappers): what
    /// the document is. Later elements do not count: a chapter may end with a `<section epub:type="footnotes">`.
    var documentTypes: [String]

    var firstHeading: String? { blocks.first { $0.kind == .heading }?.text }
    var hasSpeakableText: Bool { blocks.contains { $0.kind != .sceneBreak && $0.text.hasSpeakableText } }
}

enum XHTMLTextExtractor {
    static let skippedElements: Set<String> = [
        "script", "style", "head", "title", "template", "noscript", "svg", "math", "rt", "rp", "table", "pre",
        "iframe", "object", "embed", "audio", "video", "canvas", "select", "textarea", "input", "button",
    ]
    static let blockElements: Set<String> = [
        "p", "div", "section", "article", "aside", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "header", "footer",
        "main", "nav", "figure", "figcaption", "address", "center", "details", "summary", "hgroup", "body", "html",
        "h1", "h2", "h3", "h4", "h5", "h6", "caption", "fieldset", "legend", "dialog", "menu",
    ]
    static let headingElements: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6"]
    static let noteTypes: Set<String> = [
        "noteref", "footnote", "footnotes", "endnote", "endnotes", "rearnote", "rearnotes", "note", "aside",
        "annoref", "annotation", "pagebreak",
        "doc-noteref", "doc-footnote", "doc-endnote", "doc-endnotes", "doc-pagebreak", "doc-backlink",
    ]
    static let noteClasses: Set<String> = [
        "footnote", "footnotes", "endnote", "endnotes", "noteref", "note-ref", "footnote-ref", "footnoteref",
        "footnote-reference", "endnote-ref", "fnref", "fnanchor", "rearnote", "rearnotes", "pagenum", "page-number",
    ]
    static let sceneBreakClasses: Set<String> = [
        "scenebreak", "scene-break", "section-break", "sectionbreak", "space-break", "spacebreak", "transition", "dinkus",
    ]
    private static let noteMark = Pattern(#"^[\[(]?(?:[0-9]{1,4}|[a-z]|[*\x{2020}\x{2021}\x{00A7}\x{00B6}]{1,3})[\])]?$"#)

    static func extract(_ root: MarkupElement, readsAltText: Bool) -> XHTMLContent {
        var walker = Walker(readsAltText: readsAltText)
        let body = root.name == "body" ? root : (root.firstChild("body") ?? root)
        var types = body.tokens("epub:type") + body.tokens("role")
        var first = body.elements.first
        for _ in 0..<4 {
            guard let e = first else { break }
            let own = e.tokens("epub:type") + e.tokens("role")
            types += own
            guard own.isEmpty, e.name == "div" else { break }
            first = e.elements.first
        }
        walker.walk(body, depth: 0, insideSup: false)
        walker.flush()
        return XHTMLContent(blocks: walker.blocks, anchors: walker.anchors, documentTypes: types)
    }

    /// True for an element whose text is not read (see the header).
    static func isSkipped(_ e: MarkupElement, insideSup: Bool) -> Bool {
        if skippedElements.contains(e.name) || e.attributes["hidden"] != nil { return true }
        if !noteTypes.isDisjoint(with: e.tokens("epub:type")) || !noteTypes.isDisjoint(with: e.tokens("role")) { return true }
        if !noteClasses.isDisjoint(with: e.tokens("class")) { return true }
        if e.name == "a", e.attribute("href") != nil {
            let text = e.text
            if noteMark.matches(text), insideSup || !e.descendants("sup").isEmpty || text.hasPrefix("[") { return true }
        }
        return false
    }

    private struct Walker {
        let readsAltText: Bool
        var blocks: [XHTMLBlock] = []
        var anchors: [String: Int] = [:]
        var pending: [String] = []
        var pendingLine = 0
        var pendingKind = XHTMLBlock.Kind.paragraph

        init(readsAltText: Bool) { self.readsAltText = readsAltText }

        mutating func append(_ text: String, line: Int) {
            if pending.isEmpty { pendingLine = line }
            pending.append(text)
        }

        /// Ends the block being collected: text with letters or digits is a block; other visible text is a scene break.
        mutating func flush() {
            defer { pending = []; pendingKind = .paragraph }
            let text = Self.clean(pending.joined())
            guard !text.isEmpty else { return }
            if text.hasSpeakableText {
                blocks.append(XHTMLBlock(kind: pendingKind, text: text, line: pendingLine))
            } else {
                sceneBreak(line: pendingLine)
            }
        }

        mutating func sceneBreak(line: Int) {
            if blocks.last?.kind != .sceneBreak { blocks.append(XHTMLBlock(kind: .sceneBreak, text: "", line: line)) }
        }

        /// Whitespace collapsed; soft hyphens and zero-width spaces removed.
        static func clean(_ s: String) -> String {
            String(String.UnicodeScalarView(s.unicodeScalars.filter { $0 != "\u{00AD}" && $0 != "\u{200B}" })).collapsingWhitespace
        }

        mutating func mark(_ e: MarkupElement) {
            for key in ["id", "name"] {
                guard let id = e.attributes[key], !id.isEmpty, key == "id" || e.name == "a" else { continue }
                if anchors[id] == nil { anchors[id] = blocks.count }
            }
        }

        mutating func walk(_ e: MarkupElement, depth: Int, insideSup: Bool) {
            let block = XHTMLTextExtractor.blockElements.contains(e.name)
            if block { flush() }
            mark(e)
            if XHTMLTextExtractor.isSkipped(e, insideSup: insideSup) { return }
            switch e.name {
            case "br": append(" ", line: e.line); return
            case "hr": flush(); sceneBreak(line: e.line); return
            case "img", "image":
                if readsAltText, let alt = e.attribute("alt"), !alt.isEmpty { append(" \(alt) ", line: e.line) }
                return
            default: break
            }
            let sceneClass = !XHTMLTextExtractor.sceneBreakClasses.isDisjoint(with: e.tokens("class"))
            if XHTMLTextExtractor.headingElements.contains(e.name) { pendingKind = .heading; pendingLine = e.line }
            let sup = insideSup || e.name == "sup"
            for child in e.children {
                switch child {
                case .text(let t): append(t, line: e.line)
                case .element(let c): walk(c, depth: depth + 1, insideSup: sup)
                }
                if XHTMLTextExtractor.headingElements.contains(e.name) { pendingKind = .heading }
            }
            if block { flush() }
            if sceneClass, !e.text.hasSpeakableText { flush(); sceneBreak(line: e.line) }
        }
    }
}
