// libxml2 documents opened for editing (the read-along export's changes to an EPUB's XHTML and package document):
// parsed as XML with nothing substituted or dropped, edited with the node-linking helpers here — which, unlike
// xmlAddNextSibling and its kin, never merge adjacent text nodes (a merge would undo a split and free the node
// being edited) — and written back as UTF-8.
import CLibXML2
import Foundation

final class LibXMLDocument {
    let doc: xmlDocPtr

    /// Parses well-formed XML (no recovery: a document is edited only when libxml2 reads all of it).
    init(data: Data, name: String) throws {
        MarkupParser.ensureInitialized()
        guard !data.isEmpty else { throw MarkupParseError(reason: "the file is empty") }
        guard data.count <= Int(Int32.max) else { throw MarkupParseError(reason: "the file is too large to parse") }
        guard let ctxt = xmlNewParserCtxt() else { throw MarkupParseError(reason: "libxml2 could not allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue)
        let parsed: xmlDocPtr? = data.withUnsafeBytes { raw in
            xmlCtxtReadMemory(ctxt, raw.bindMemory(to: CChar.self).baseAddress, Int32(data.count), name, nil, options)
        }
        guard let parsed else { throw MarkupParseError(reason: "it is not well-formed XML") }
        guard ctxt.pointee.wellFormed != 0, xmlDocGetRootElement(parsed) != nil else {
            xmlFreeDoc(parsed)
            throw MarkupParseError(reason: "it is not well-formed XML")
        }
        doc = parsed
    }

    deinit { xmlFreeDoc(doc) }

    var root: xmlNodePtr? { xmlDocGetRootElement(doc) }

    /// The document as UTF-8 XML (with an XML declaration).
    func serialized() -> Data {
        var buffer: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(doc, &buffer, &size, "UTF-8")
        guard let buffer else { return Data() }
        defer { xmlFree(buffer) }
        return Data(bytes: buffer, count: Int(size))
    }

    /// A new element in the namespace of `context` (the XHTML or OPF default namespace), not yet linked.
    func newElement(_ name: String, like context: xmlNodePtr) -> xmlNodePtr {
        let node = xmlNewDocNode(doc, context.pointee.ns, name, nil)!
        return node
    }

    /// A new text node holding `bytes` (UTF-8, unescaped), not yet linked.
    func newText(_ bytes: ArraySlice<UInt8>) -> xmlNodePtr {
        bytes.withUnsafeBufferPointer { xmlNewDocTextLen(doc, $0.baseAddress, Int32($0.count))! }
    }
}

enum LibXMLTree {
    static func isElement(_ n: xmlNodePtr) -> Bool { n.pointee.type == XML_ELEMENT_NODE }
    static func isText(_ n: xmlNodePtr) -> Bool { n.pointee.type == XML_TEXT_NODE || n.pointee.type == XML_CDATA_SECTION_NODE }

    /// Local name, lower-cased.
    static func name(_ n: xmlNodePtr) -> String {
        guard let p = n.pointee.name else { return "" }
        return String(cString: p).lowercased()
    }

    static func children(_ n: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var c = n.pointee.children
        while let x = c { out.append(x); c = x.pointee.next }
        return out
    }

    /// Every element below `n` named `name` (local name), in document order.
    static func descendants(_ n: xmlNodePtr, named name: String) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        for c in children(n) where isElement(c) {
            if Self.name(c) == name { out.append(c) }
            out += descendants(c, named: name)
        }
        return out
    }

    /// The attribute without a namespace (`id`, `href`).
    static func attribute(_ n: xmlNodePtr, _ name: String) -> String? {
        guard let v = xmlGetNoNsProp(n, name) else { return nil }
        defer { xmlFree(v) }
        return String(cString: v)
    }

    static func setAttribute(_ n: xmlNodePtr, _ name: String, _ value: String) {
        xmlSetProp(n, name, value)
    }

    /// A text node's content as UTF-8 bytes.
    static func bytes(_ n: xmlNodePtr) -> [UInt8] {
        guard let c = n.pointee.content else { return [] }
        return Array(UnsafeBufferPointer(start: c, count: Int(xmlStrlen(c))))
    }

    /// Replaces a text node's content (stored as given; the serializer escapes it).
    static func setBytes(_ n: xmlNodePtr, _ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBufferPointer { xmlNodeSetContentLen(n, $0.baseAddress, Int32($0.count)) }
    }

    /// All text below `n` (or `n`'s own when it is a text node), as UTF-8 bytes.
    static func allText(_ n: xmlNodePtr) -> [UInt8] {
        if isText(n) { return bytes(n) }
        return children(n).flatMap(allText)
    }

    static func isBlank(_ bytes: [UInt8]) -> Bool { bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D } }

    /// Links the unlinked node `new` right after `node`.
    static func link(_ new: xmlNodePtr, after node: xmlNodePtr) {
        new.pointee.parent = node.pointee.parent
        new.pointee.doc = node.pointee.doc
        new.pointee.prev = node
        new.pointee.next = node.pointee.next
        if let next = node.pointee.next { next.pointee.prev = new } else { node.pointee.parent?.pointee.last = new }
        node.pointee.next = new
    }

    /// Links the unlinked node `new` right before `node`.
    static func link(_ new: xmlNodePtr, before node: xmlNodePtr) {
        new.pointee.parent = node.pointee.parent
        new.pointee.doc = node.pointee.doc
        new.pointee.next = node
        new.pointee.prev = node.pointee.prev
        if let prev = node.pointee.prev { prev.pointee.next = new } else { node.pointee.parent?.pointee.children = new }
        node.pointee.prev = new
    }

    /// Appends the unlinked node `new` as the last child of `parent`.
    static func append(_ new: xmlNodePtr, to parent: xmlNodePtr) {
        new.pointee.parent = parent
        new.pointee.doc = parent.pointee.doc
        new.pointee.next = nil
        new.pointee.prev = parent.pointee.last
        if let last = parent.pointee.last { last.pointee.next = new } else { parent.pointee.children = new }
        parent.pointee.last = new
    }
}
