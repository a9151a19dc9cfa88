// The table of contents and landmarks of an EPUB: the EPUB 3 navigation document (`<nav epub:type="toc">`,
// `<nav epub:type="landmarks">`) or the EPUB 2 NCX (`<navMap>` of nested `<navPoint>`s). Entries are flattened
// in document order; nesting only gives their depth.
import Foundation

struct TOCEntry: Equatable {
    var title: String
    /// Archive path of the document the entry points at.
    var path: String
    /// The id inside that document, if the entry points into it.
    var fragment: String?
    /// 0 for top-level entries.
    var depth: Int
}

enum EPUBNavigation {
    /// The nav document's table of contents (nil when it has none) and landmarks.
    static func readNav(_ root: MarkupElement, path: String) -> (toc: [TOCEntry]?, landmarks: [EPUBLandmark]) {
        var toc: [TOCEntry]?
        var landmarks: [EPUBLandmark] = []
        for nav in root.descendants("nav") {
            let types = nav.tokens("epub:type") + nav.tokens("role")
            if toc == nil, types.contains("toc") || types.contains("doc-toc") {
                var entries: [TOCEntry] = []
                if let list = nav.firstChild("ol") ?? nav.descendants("ol").first { collect(list, depth: 0, base: path, into: &entries) }
                toc = entries
            } else if types.contains("landmarks") {
                for a in nav.descendants("a") {
                    guard let href = a.attribute("href"), let target = EPUBArchive.resolve(href, relativeTo: path).path else { continue }
                    for type in a.tokens("epub:type") { landmarks.append(EPUBLandmark(type: type, path: target)) }
                }
            }
        }
        return (toc, landmarks)
    }

    /// Entries of a nav `<ol>`: each `<li>` holds an `<a href>` (or a `<span>` heading with no target) and may
    /// hold a nested `<ol>`.
    private static func collect(_ list: MarkupElement, depth: Int, base: String, into entries: inout [TOCEntry]) {
        guard depth < 64 else { return }
        for li in list.elements where li.name == "li" {
            if let a = li.firstChild("a"), let href = a.attribute("href"),
               let target = EPUBArchive.resolve(href, relativeTo: base).path {
                let label = a.text
                entries.append(TOCEntry(title: label.isEmpty ? (a.attribute("title") ?? "") : label, path: target,
                                        fragment: EPUBArchive.resolve(href, relativeTo: base).fragment, depth: depth))
            }
            if let sub = li.firstChild("ol") { collect(sub, depth: depth + 1, base: base, into: &entries) }
        }
    }

    /// The NCX's navMap, flattened.
    static func readNCX(_ root: MarkupElement, path: String) -> [TOCEntry] {
        var entries: [TOCEntry] = []
        func walk(_ e: MarkupElement, depth: Int) {
            guard depth < 64 else { return }
            for point in e.elements where point.name == "navpoint" {
                if let src = point.firstChild("content")?.attribute("src") {
                    let r = EPUBArchive.resolve(src, relativeTo: path)
                    if let target = r.path {
                        let label = point.firstChild("navlabel")?.text ?? ""
                        entries.append(TOCEntry(title: label, path: target, fragment: r.fragment, depth: depth))
                    }
                }
                walk(point, depth: depth + 1)
            }
        }
        if let map = root.firstChild("navmap") { walk(map, depth: 0) }
        return entries
    }
}
