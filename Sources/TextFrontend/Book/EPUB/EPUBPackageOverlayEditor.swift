// Adds Media Overlays to an EPUB 3 package document (OPF) by libxml2 tree edits: manifest items for the added
// files (SMIL overlays, audio), `media-overlay` on the content documents that have an overlay, and the metadata
// the EPUB 3 Media Overlays specification asks for — `media:duration` per overlay (refining its item) and for
// the whole publication, `media:active-class`, `media:narrator`. Overlays the book had already are replaced: its
// `media:` metadata and `media-overlay` attributes go (their SMIL files stay, unused). Everything else of the
// package stays as it was.
import CLibXML2
import Foundation

public struct EPUBManifestAddition: Sendable, Equatable {
    public var id: String
    /// Relative to the package document.
    public var href: String
    public var mediaType: String

    public init(id: String, href: String, mediaType: String) {
        self.id = id
        self.href = href
        self.mediaType = mediaType
    }
}

public struct EPUBOverlayAssignment: Sendable, Equatable {
    /// The manifest id of the content document.
    public var documentID: String
    /// The manifest id of its SMIL overlay.
    public var overlayID: String
    /// The overlay's duration as a SMIL clock value.
    public var duration: String

    public init(documentID: String, overlayID: String, duration: String) {
        self.documentID = documentID
        self.overlayID = overlayID
        self.duration = duration
    }
}

public enum EPUBPackageOverlayEditor {
    public enum EditError: Error, CustomStringConvertible {
        case unreadable(String)
        case missing(String)

        public var description: String {
            switch self {
            case .unreadable(let why): return "the package document could not be edited: \(why)"
            case .missing(let what): return "the package document has no \(what)"
            }
        }
    }

    /// The package document `data` with the overlays added.
    public static func edit(_ data: Data, name: String, additions: [EPUBManifestAddition], overlays: [EPUBOverlayAssignment],
                            totalDuration: String, narrator: String?, activeClass: String) throws -> Data {
        let doc: LibXMLDocument
        do {
            doc = try LibXMLDocument(data: data, name: name)
        } catch let e as MarkupParseError {
            throw EditError.unreadable(e.reason)
        }
        guard let package = doc.root else { throw EditError.missing("<package> element") }
        let top = LibXMLTree.children(package).filter(LibXMLTree.isElement)
        guard let metadata = top.first(where: { LibXMLTree.name($0) == "metadata" }) else { throw EditError.missing("<metadata>") }
        guard let manifest = top.first(where: { LibXMLTree.name($0) == "manifest" }) else { throw EditError.missing("<manifest>") }

        let items = LibXMLTree.children(manifest).filter { LibXMLTree.isElement($0) && LibXMLTree.name($0) == "item" }
        for item in items { xmlUnsetProp(item, "media-overlay") }
        for m in LibXMLTree.children(metadata) where LibXMLTree.isElement(m) && LibXMLTree.name(m) == "meta"
            && (LibXMLTree.attribute(m, "property") ?? "").hasPrefix("media:") {
            xmlUnlinkNode(m)
            xmlFreeNode(m)
        }
        for o in overlays {
            guard let item = items.first(where: { LibXMLTree.attribute($0, "id") == o.documentID }) else {
                throw EditError.missing("manifest item '\(o.documentID)'")
            }
            LibXMLTree.setAttribute(item, "media-overlay", o.overlayID)
        }
        for a in additions {
            let item = doc.newElement("item", like: manifest)
            LibXMLTree.setAttribute(item, "id", a.id)
            LibXMLTree.setAttribute(item, "href", a.href)
            LibXMLTree.setAttribute(item, "media-type", a.mediaType)
            appendLine(doc, item, to: manifest)
        }
        func meta(_ property: String, _ value: String, refines: String? = nil) {
            let m = doc.newElement("meta", like: manifest)
            LibXMLTree.setAttribute(m, "property", property)
            if let refines { LibXMLTree.setAttribute(m, "refines", "#" + refines) }
            LibXMLTree.append(doc.newText(ArraySlice(Array(value.utf8))), to: m)
            appendLine(doc, m, to: metadata)
        }
        for o in overlays { meta("media:duration", o.duration, refines: o.overlayID) }
        meta("media:duration", totalDuration)
        if let narrator, !narrator.isEmpty { meta("media:narrator", narrator) }
        meta("media:active-class", activeClass)
        return doc.serialized()
    }

    /// Appends `node` on a line of its own, before the whitespace that closes the container.
    private static func appendLine(_ doc: LibXMLDocument, _ node: xmlNodePtr, to parent: xmlNodePtr) {
        if let last = parent.pointee.last, LibXMLTree.isText(last), LibXMLTree.isBlank(LibXMLTree.bytes(last)) {
            LibXMLTree.link(doc.newText(ArraySlice(Array("\n    ".utf8))), before: last)
            LibXMLTree.link(node, before: last)
            return
        }
        LibXMLTree.append(node, to: parent)
    }
}
