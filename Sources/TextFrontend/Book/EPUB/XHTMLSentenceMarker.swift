// Marks sentences in an EPUB's own XHTML for Media Overlays: each sentence (a segment's source text) is found in
// the documents' text and wrapped in `<span id="…">`, by libxml2 tree edits — text nodes are split where the
// sentence starts and ends and the nodes between are moved into the new span; nothing else of the document
// changes (its markup, ids, classes and links stay).
//
// Finding: the documents' text is read as the book reader reads it (XHTMLTextExtractor.isSkipped: notes, page
// numbers, ruby annotations, tables… are passed over) and compared letters and digits only, case-folded, so
// whitespace, punctuation, soft hyphens and markup between words do not matter. Sentences are searched in reading
// order, each from where the previous one was found (across documents in spine order; a match never spans two
// documents); one not found leaves the position where it was. The span then takes in the punctuation the sentence
// starts and ends with (an opening quote, the full stop and closing quote) where the text has the same characters
// right before and after the match.
// Wrapping: a sentence inside one text node is wrapped there. One that spans several nodes is wrapped at the
// level of their lowest common ancestor: the nodes on the way up must hold nothing but whitespace before the
// sentence (at its start) and after it (at its end), and what is wrapped must be phrasing content (no block
// element: a span may not hold a paragraph). A sentence whose text runs over several blocks (two short dialogue
// paragraphs the reader joined into one segment) gets one span per block: the first has the sentence's id, the
// others "-p2", "-p3"…; the caller shares the sentence's clip out among them by their characters. A sentence
// (or a part of one) that cannot be wrapped counts as not located.
import CLibXML2
import Foundation

public struct SentenceText: Sendable, Equatable {
    /// The caller's key for the sentence (a segment key).
    public var key: String
    /// The id its span gets (when the document already has that id, "-2", "-3"… is appended).
    public var id: String
    public var text: String

    public init(key: String, id: String, text: String) {
        self.key = key
        self.id = id
        self.text = text
    }
}

public struct MarkedSentence: Sendable, Equatable {
    public var key: String
    /// The ids of its spans in document order: one, or one per block the sentence runs over.
    public var ids: [String]
    /// Characters of each span's text (for sharing out the sentence's clip).
    public var weights: [Int]
}

public struct MarkedXHTML: Sendable {
    public var path: String
    /// The edited document; nil when nothing was marked in it (it stays as it was).
    public var data: Data?
    /// The sentences marked in this document, in document order.
    public var marked: [MarkedSentence]
    /// Set when the document is not well-formed XML (it is not edited).
    public var problem: String?
}

public enum XHTMLSentenceMarker {
    static let blockElements = XHTMLTextExtractor.blockElements.union(["table", "pre", "hr", "tr", "td", "th", "tbody",
                                                                      "thead", "tfoot", "caption", "dl", "li"])

    /// Marks `sentences` (in reading order) in `documents` (in spine order). `css`: a rule set added to each edited
    /// document's head in a `<style>` element (the overlay's active class). Returns every document, and the keys of
    /// the sentences that were not located.
    public static func mark(documents: [(path: String, data: Data)], sentences: [SentenceText],
                            css: String?) -> (documents: [MarkedXHTML], unlocated: [String]) {
        var parsed: [LibXMLDocument?] = []
        var results: [MarkedXHTML] = []
        var stream = TextStream()
        for (d, document) in documents.enumerated() {
            do {
                let doc = try LibXMLDocument(data: document.data, name: document.path)
                parsed.append(doc)
                results.append(MarkedXHTML(path: document.path, data: nil, marked: [], problem: nil))
                if let root = doc.root, let body = LibXMLTree.name(root) == "body" ? Optional(root)
                    : LibXMLTree.children(root).first(where: { LibXMLTree.isElement($0) && LibXMLTree.name($0) == "body" }) {
                    stream.collect(body, document: d, insideSup: false)
                }
            } catch let e as MarkupParseError {
                parsed.append(nil)
                results.append(MarkedXHTML(path: document.path, data: nil, marked: [], problem: e.reason))
            } catch {
                parsed.append(nil)
                results.append(MarkedXHTML(path: document.path, data: nil, marked: [], problem: "\(error)"))
            }
            stream.separate()
        }

        // Find each sentence from where the previous one ended.
        var found: [[(sentence: Int, start: Int, end: Int)]] = Array(repeating: [], count: documents.count)
        var unlocated: [String] = []
        var cursor = 0
        for (i, s) in sentences.enumerated() {
            let pattern = folded(s.text)
            guard !pattern.isEmpty, let at = stream.find(pattern, from: cursor) else {
                unlocated.append(s.key)
                continue
            }
            let end = at + pattern.count - 1
            let (lead, trail) = edgePunctuation(s.text)
            var first = stream.fullIndex[at], last = stream.fullIndex[end]
            for c in lead.reversed() {
                guard first > 0, stream.chars[first - 1] == c else { break }
                first -= 1
            }
            for c in trail {
                guard last + 1 < stream.chars.count, stream.chars[last + 1] == c else { break }
                last += 1
            }
            found[stream.locations[at].document].append((i, first, last))
            cursor = end + 1
        }

        for (d, matches) in found.enumerated() where !matches.isEmpty {
            guard let doc = parsed[d] else { continue }
            var ids = existingIDs(doc)
            var marked: [MarkedSentence] = []
            // Last first: a split keeps the part before it in the node, so earlier matches' positions stay valid.
            for m in matches.reversed() {
                let parts = stream.blockParts(m.start, m.end)
                func fresh(_ base: String) -> String {
                    var id = base
                    var n = 2
                    while ids.contains(id) { id = base + "-\(n)"; n += 1 }
                    return id
                }
                let base = fresh(sentences[m.sentence].id)
                let partIDs = parts.indices.map { $0 == 0 ? base : fresh(base + "-p\($0 + 1)") }
                var ok = true
                for (part, id) in zip(parts, partIDs).reversed() where ok {
                    let a = stream.charLocations[part.lowerBound], b = stream.charLocations[part.upperBound]
                    ok = wrap(doc, start: (stream.nodes[a.node], a.startByte), end: (stream.nodes[b.node], b.endByte), id: id)
                }
                if ok, !parts.isEmpty {
                    ids.formUnion(partIDs)
                    marked.append(MarkedSentence(key: sentences[m.sentence].key, ids: partIDs, weights: parts.map(\.count)))
                } else {
                    unlocated.append(sentences[m.sentence].key)
                }
            }
            guard !marked.isEmpty else { continue }
            if let css { addStyle(doc, css: css) }
            results[d].marked = Array(marked.reversed())
            results[d].data = doc.serialized()
        }
        let order = Dictionary(sentences.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        return (results, unlocated.sorted { (order[$0] ?? 0) < (order[$1] ?? 0) })
    }

    /// The characters before the first letter or digit and after the last one, without surrounding whitespace.
    static func edgePunctuation(_ text: String) -> (lead: [UInt32], trail: [UInt32]) {
        let scalars = Array(text.unicodeScalars)
        func isWord(_ s: Unicode.Scalar) -> Bool { s.properties.isAlphabetic || s.properties.numericType != nil }
        guard let f = scalars.firstIndex(where: isWord), let l = scalars.lastIndex(where: isWord) else { return ([], []) }
        let lead = scalars[..<f].drop { $0.properties.isWhitespace }.map(\.value)
        var trail = Array(scalars[(l + 1)...].map(\.value))
        while let t = trail.last, Unicode.Scalar(t)?.properties.isWhitespace == true { trail.removeLast() }
        return (lead, trail)
    }

    /// Letters and digits of `text`, lower-cased (what sentences and documents are compared on).
    static func folded(_ text: String) -> [UInt32] {
        var out: [UInt32] = []
        for s in text.unicodeScalars { appendFolded(s, to: &out) }
        return out
    }

    static func appendFolded(_ s: Unicode.Scalar, to out: inout [UInt32]) {
        if s.isASCII {
            let v = s.value
            if v >= 0x41 && v <= 0x5A { out.append(v + 0x20) } else if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) { out.append(v) }
            return
        }
        let p = s.properties
        guard p.isAlphabetic || p.numericType != nil else { return }
        for l in p.lowercaseMapping.unicodeScalars { out.append(l.value) }
    }

    /// The documents' readable text as folded scalars, each mapped back to its text node and byte range.
    struct TextStream {
        struct Location {
            var document: Int
            var node: Int
            var startByte: Int
            var endByte: Int
        }
        /// Folded letters and digits, each with where it is and which character of `chars` it came from.
        var scalars: [UInt32] = []
        var locations: [Location] = []
        var fullIndex: [Int] = []
        /// Every character of the text, as it is, with where it is.
        var chars: [UInt32] = []
        var charLocations: [Location] = []
        var nodes: [xmlNodePtr] = []

        /// A value no text has: matches never span two documents.
        mutating func separate() {
            let none = Location(document: -1, node: -1, startByte: 0, endByte: 0)
            scalars.append(0)
            locations.append(none)
            fullIndex.append(chars.count)
            chars.append(0)
            charLocations.append(none)
        }

        mutating func collect(_ element: xmlNodePtr, document: Int, insideSup: Bool) {
            let sup = insideSup || LibXMLTree.name(element) == "sup"
            for c in LibXMLTree.children(element) {
                if LibXMLTree.isText(c) {
                    let bytes = LibXMLTree.bytes(c)
                    let node = nodes.count
                    nodes.append(c)
                    let text = String(decoding: bytes, as: UTF8.self)
                    var offset = 0
                    var folded: [UInt32] = []
                    for s in text.unicodeScalars {
                        let width = UTF8.width(s)
                        folded.removeAll(keepingCapacity: true)
                        XHTMLSentenceMarker.appendFolded(s, to: &folded)
                        let location = Location(document: document, node: node, startByte: offset, endByte: offset + width)
                        for f in folded {
                            scalars.append(f)
                            locations.append(location)
                            fullIndex.append(chars.count)
                        }
                        chars.append(s.value)
                        charLocations.append(location)
                        offset += width
                    }
                } else if LibXMLTree.isElement(c) {
                    let name = LibXMLTree.name(c)
                    let element = MarkupParser.element(c, deep: name == "a")
                    if XHTMLTextExtractor.isSkipped(element, insideSup: sup) || name == "br" || name == "img" || name == "image" { continue }
                    collect(c, document: document, insideSup: sup)
                }
            }
        }

        /// The characters first...last split where their block (nearest block-level ancestor) changes, each part
        /// without the whitespace at its ends.
        mutating func blockParts(_ first: Int, _ last: Int) -> [ClosedRange<Int>] {
            var parts: [ClosedRange<Int>] = []
            var start = first
            func block(_ i: Int) -> UnsafeMutableRawPointer? {
                var p = nodes[charLocations[i].node].pointee.parent
                while let x = p, x.pointee.type == XML_ELEMENT_NODE {
                    if XHTMLSentenceMarker.blockElements.contains(LibXMLTree.name(x)) { return UnsafeMutableRawPointer(x) }
                    p = x.pointee.parent
                }
                return nil
            }
            func add(_ a: Int, _ b: Int) {
                var a = a, b = b
                while a <= b, Unicode.Scalar(chars[a])?.properties.isWhitespace == true { a += 1 }
                while b >= a, Unicode.Scalar(chars[b])?.properties.isWhitespace == true { b -= 1 }
                if a <= b { parts.append(a...b) }
            }
            var current = block(first)
            var i = first + 1
            while i <= last {
                let b = block(i)
                if b != current {
                    add(start, i - 1)
                    start = i
                    current = b
                }
                i += 1
            }
            add(start, last)
            return parts
        }

        /// The first index at or after `from` where `pattern` occurs.
        func find(_ pattern: [UInt32], from: Int) -> Int? {
            guard let first = pattern.first, pattern.count <= scalars.count else { return nil }
            var i = from
            let last = scalars.count - pattern.count
            while i <= last {
                if scalars[i] == first {
                    var k = 1
                    while k < pattern.count && scalars[i + k] == pattern[k] { k += 1 }
                    if k == pattern.count { return i }
                }
                i += 1
            }
            return nil
        }
    }

    private static func existingIDs(_ doc: LibXMLDocument) -> Set<String> {
        var ids = Set<String>()
        func walk(_ n: xmlNodePtr) {
            if let id = LibXMLTree.attribute(n, "id") { ids.insert(id) }
            for c in LibXMLTree.children(n) where LibXMLTree.isElement(c) { walk(c) }
        }
        if let root = doc.root { walk(root) }
        return ids
    }

    /// Ancestors of `n`, nearest first, `n` included.
    private static func chain(_ n: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = [n]
        var p = n.pointee.parent
        while let x = p, x.pointee.type == XML_ELEMENT_NODE { out.append(x); p = x.pointee.parent }
        return out
    }

    private static func siblingsBlank(_ n: xmlNodePtr, forward: Bool) -> Bool {
        var s = forward ? n.pointee.next : n.pointee.prev
        while let x = s {
            if !LibXMLTree.isBlank(LibXMLTree.allText(x)) { return false }
            if LibXMLTree.isElement(x), ["img", "image", "svg"].contains(LibXMLTree.name(x)) { return false }
            s = forward ? x.pointee.next : x.pointee.prev
        }
        return true
    }

    private static func containsBlock(_ n: xmlNodePtr) -> Bool {
        guard LibXMLTree.isElement(n) else { return false }
        if blockElements.contains(LibXMLTree.name(n)) { return true }
        return LibXMLTree.children(n).contains(where: containsBlock)
    }

    /// Wraps the text from byte `start.1` of node `start.0` to byte `end.1` (exclusive) of node `end.0` in a span.
    /// False (and nothing changed) when it cannot be wrapped (see the header).
    static func wrap(_ doc: LibXMLDocument, start: (xmlNodePtr, Int), end: (xmlNodePtr, Int), id: String) -> Bool {
        let (a, aOffset) = start
        let (b, bEnd) = end
        let aBytes = LibXMLTree.bytes(a)
        var sa = a, eb = b
        if a != b {
            let up = chain(a), down = chain(b)
            let downSet = Set(down.map { UnsafeMutableRawPointer($0) })
            guard let lcaIndex = up.dropFirst().firstIndex(where: { downSet.contains(UnsafeMutableRawPointer($0)) }) else { return false }
            let lca = up[lcaIndex]
            sa = up[lcaIndex - 1]
            guard let ebIndex = down.firstIndex(where: { $0.pointee.parent == lca }) else { return false }
            eb = down[ebIndex]
            // Lifted nodes: nothing readable before the sentence's start or after its end inside them.
            if sa != a {
                guard LibXMLTree.isBlank(Array(aBytes[..<aOffset])) else { return false }
                for x in up[0..<(lcaIndex - 1)] where !siblingsBlank(x, forward: false) { return false }
            }
            if eb != b {
                guard LibXMLTree.isBlank(Array(LibXMLTree.bytes(b)[bEnd...])) else { return false }
                for x in down[0..<ebIndex] where !siblingsBlank(x, forward: true) { return false }
            }
            var x: xmlNodePtr? = sa
            while let n = x {
                if containsBlock(n) { return false }
                if n == eb { break }
                x = n.pointee.next
            }
            guard x != nil else { return false }
        }

        // Split the end node after the sentence, then the start node before it.
        if eb == b {
            let bBytes = LibXMLTree.bytes(b)
            if bEnd < bBytes.count {
                let suffix = doc.newText(bBytes[bEnd...])
                LibXMLTree.setBytes(b, bBytes[..<bEnd])
                LibXMLTree.link(suffix, after: b)
            }
        }
        var first = sa
        var last = eb
        if sa == a, aOffset > 0 {
            let now = LibXMLTree.bytes(a)
            let rest = doc.newText(now[aOffset...])
            LibXMLTree.setBytes(a, now[..<aOffset])
            LibXMLTree.link(rest, after: a)
            first = rest
            if eb == a { last = rest }
        }
        guard let context = first.pointee.parent else { return false }
        let span = doc.newElement("span", like: context)
        LibXMLTree.setAttribute(span, "id", id)
        LibXMLTree.link(span, before: first)
        var node: xmlNodePtr? = first
        while let n = node {
            let next = n.pointee.next
            xmlUnlinkNode(n)
            LibXMLTree.append(n, to: span)
            if n == last { break }
            node = next
        }
        return true
    }

    /// Adds `<style>css</style>` at the end of the document's head (made when it has none).
    private static func addStyle(_ doc: LibXMLDocument, css: String) {
        guard let root = doc.root else { return }
        var head = LibXMLTree.children(root).first { LibXMLTree.isElement($0) && LibXMLTree.name($0) == "head" }
        if head == nil {
            let h = doc.newElement("head", like: root)
            if let first = root.pointee.children { LibXMLTree.link(h, before: first) } else { LibXMLTree.append(h, to: root) }
            head = h
        }
        guard let head else { return }
        let style = doc.newElement("style", like: root)
        LibXMLTree.append(doc.newText(ArraySlice(Array(css.utf8))), to: style)
        LibXMLTree.append(style, to: head)
    }
}
