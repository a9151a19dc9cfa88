// libxml2 → MarkupTree. Package files (container.xml, the OPF, the NCX) go through libxml2's XML parser; XHTML
// content documents and the EPUB 3 navigation document through its HTML parser, which recovers from what real
// books contain (HTML named entities such as &nbsp; and &mdash; without a DTD, stray tags). Neither parser loads
// anything from the network or expands external entities.
import CLibXML2
import Foundation

enum MarkupParser {
    /// Elements nested deeper than this are dropped (with their text) when the tree is built.
    static let maxDepth = 512

    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    static func ensureInitialized() { _ = initialized }

    /// Parses an XML file. Recovers from well-formedness errors where libxml2 can (then `problem` is the parser's
    /// first message, with its line); throws that message when there is no document element.
    static func parseXML(_ data: Data, name: String) throws -> (root: MarkupElement, problem: String?) {
        _ = initialized
        guard !data.isEmpty else { throw MarkupParseError(reason: "the file is empty") }
        guard data.count <= Int(Int32.max) else { throw MarkupParseError(reason: "the file is too large to parse") }
        guard let ctxt = xmlNewParserCtxt() else { throw MarkupParseError(reason: "libxml2 could not allocate a parser") }
        defer { xmlFreeParserCtxt(ctxt) }
        let options = Int32(bitPattern: XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
            | XML_PARSE_NOWARNING.rawValue | XML_PARSE_RECOVER.rawValue | XML_PARSE_NOCDATA.rawValue)
        let doc: xmlDocPtr? = data.withUnsafeBytes { raw in
            xmlCtxtReadMemory(ctxt, raw.bindMemory(to: CChar.self).baseAddress, Int32(data.count), name, nil, options)
        }
        defer { if let doc { xmlFreeDoc(doc) } }
        guard let doc, let root = xmlDocGetRootElement(doc) else {
            throw MarkupParseError(reason: lastError(ctxt) ?? "not an XML document")
        }
        return (convert(root, depth: 0), ctxt.pointee.wellFormed == 0 ? lastError(ctxt) ?? "not well-formed XML" : nil)
    }

    /// The first error libxml2 reported while parsing, as "line N: message", if it reported one.
    private static func lastError(_ ctxt: xmlParserCtxtPtr) -> String? {
        guard let err = xmlCtxtGetLastError(ctxt), let msg = err.pointee.message else { return nil }
        let text = String(cString: msg).trimmingCharacters(in: .whitespacesAndNewlines)
        return err.pointee.line > 0 ? "XML error on line \(err.pointee.line): \(text)" : "XML error: \(text)"
    }

    /// Parses an (X)HTML document leniently. The encoding an XML declaration names is honoured (libxml2's HTML
    /// parser reads only `<meta charset>`); without either, UTF-8 is assumed. Returns the root element, or nil
    /// when nothing could be parsed.
    static func parseHTML(_ data: Data, name: String) -> MarkupElement? {
        _ = initialized
        guard !data.isEmpty, data.count <= Int(Int32.max) else { return nil }
        let options = Int32(bitPattern: HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue
            | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue)
        func read(_ encoding: String?) -> MarkupElement? {
            let doc: htmlDocPtr? = data.withUnsafeBytes { raw in
                htmlReadMemory(raw.bindMemory(to: CChar.self).baseAddress, Int32(data.count), name, encoding, options)
            }
            guard let doc else { return nil }
            defer { xmlFreeDoc(doc) }
            return xmlDocGetRootElement(doc).map { convert($0, depth: 0) }
        }
        if let declared = declaredEncoding(data), let root = read(declared) { return root }
        return read(nil)
    }

    private static let xmlDeclaration = Pattern(#"^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']"#)

    /// The encoding an XML declaration at the very start names (none when a byte order mark says it).
    static func declaredEncoding(_ data: Data) -> String? {
        let head = data.prefix(256)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) || head.starts(with: [0xFE, 0xFF]) || head.starts(with: [0xFF, 0xFE]) {
            return nil
        }
        let ascii = String(decoding: head.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
        return xmlDeclaration.firstMatch(ascii)?[1]
    }

    private static func string(_ p: UnsafePointer<xmlChar>?) -> String {
        p.map { String(cString: $0) } ?? ""
    }

    /// The element `node` as a MarkupElement: with its subtree (`deep`), or only its name and attributes.
    static func element(_ node: xmlNodePtr, deep: Bool) -> MarkupElement {
        convert(node, depth: deep ? 0 : maxDepth)
    }

    private static func convert(_ node: xmlNodePtr, depth: Int) -> MarkupElement {
        var attributes: [String: String] = [:]
        var attr = node.pointee.properties
        while let a = attr {
            var key = string(a.pointee.name).lowercased()
            if let prefix = a.pointee.ns?.pointee.prefix { key = string(prefix).lowercased() + ":" + key }
            var value = ""
            if let v = xmlNodeListGetString(node.pointee.doc, a.pointee.children, 1) {
                value = String(cString: v)
                xmlFree(v)
            }
            attributes[key] = value
            attr = a.pointee.next
        }
        let qualified = string(node.pointee.name).lowercased()
        let local = qualified.split(separator: ":").last.map(String.init) ?? qualified
        let element = MarkupElement(name: local, attributes: attributes,
                                    line: xmlGetLineNo(node))
        guard depth < maxDepth else { return element }
        var child = node.pointee.children
        while let c = child {
            switch c.pointee.type {
            case XML_ELEMENT_NODE:
                element.children.append(.element(convert(c, depth: depth + 1)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = c.pointee.content { element.children.append(.text(String(cString: content))) }
            default:
                break
            }
            child = c.pointee.next
        }
        return element
    }
}

struct MarkupParseError: Error {
    var reason: String
}
