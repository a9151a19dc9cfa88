// A parsed XML or XHTML document as a small Swift tree (elements, attributes, text), so the EPUB readers work
// on Swift values instead of libxml2 pointers. Built by `MarkupParser`.
import Foundation

final class MarkupElement {
    /// Local name, lower-cased ("p", "package", "navpoint").
    let name: String
    /// Attribute names as written, lower-cased, with their prefix when they have one ("epub:type", "opf:role").
    let attributes: [String: String]
    /// 1-based line of the start tag in its file.
    let line: Int
    var children: [MarkupNode] = []

    init(name: String, attributes: [String: String], line: Int) {
        self.name = name
        self.attributes = attributes
        self.line = line
    }

    /// The attribute `name` ("href", "epub:type"); a name without a prefix also matches a prefixed attribute
    /// with that local name ("role" finds "opf:role").
    func attribute(_ name: String) -> String? {
        if let v = attributes[name] { return v }
        guard !name.contains(":") else { return nil }
        return attributes.first { $0.key.hasSuffix(":" + name) }?.value
    }

    /// The whitespace-separated tokens of an attribute ("epub:type", "class", "role", "properties"), lower-cased.
    func tokens(_ name: String) -> [String] {
        (attribute(name) ?? "").lowercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
    }

    var elements: [MarkupElement] {
        children.compactMap { if case .element(let e) = $0 { return e } else { return nil } }
    }

    func firstChild(_ name: String) -> MarkupElement? { elements.first { $0.name == name } }

    /// Every element below this one named `name`, in document order (this one excluded).
    func descendants(_ name: String) -> [MarkupElement] {
        var out: [MarkupElement] = []
        var stack = Array(elements.reversed())
        while let e = stack.popLast() {
            if e.name == name { out.append(e) }
            stack.append(contentsOf: e.elements.reversed())
        }
        return out
    }

    /// All text below this element, concatenated, whitespace runs collapsed to single spaces, ends trimmed.
    var text: String {
        var parts: [String] = []
        var stack: [MarkupNode] = children.reversed()
        while let n = stack.popLast() {
            switch n {
            case .text(let t): parts.append(t)
            case .element(let e): stack.append(contentsOf: e.children.reversed())
            }
        }
        return parts.joined().collapsingWhitespace
    }
}

enum MarkupNode {
    case element(MarkupElement)
    case text(String)
}
