// The EPUB package document (OPF, EPUB 2 and 3): metadata, manifest, spine and the EPUB 2 guide.
// Paths are resolved to archive paths here; a reference that leaves the archive is an error naming the OPF.
import Foundation
import Logging

struct EPUBManifestItem: Equatable {
    var id: String
    /// Archive path.
    var path: String
    var mediaType: String
    /// EPUB 3 `properties` tokens ("nav", "cover-image", "scripted"…), lower-cased.
    var properties: [String]

    var isContentDocument: Bool {
        ["application/xhtml+xml", "text/html", "application/xml", "text/x-oeb1-document"].contains(mediaType.lowercased())
    }
}

struct EPUBSpineItem: Equatable {
    var item: EPUBManifestItem
    /// false for `linear="no"` (outside the reading order).
    var linear: Bool
}

/// An EPUB 2 `<guide>` reference or an EPUB 3 landmark: a semantic type pointing at a document.
struct EPUBLandmark: Equatable {
    /// "cover", "title-page", "copyright-page", "toc", "bodymatter"…, lower-cased.
    var type: String
    var path: String
}

struct EPUBPackage {
    private static let logger = Logger(label: "bookvox.text.epub")

    var path: String
    var version: String
    var title: String?
    var authors: [String]
    var language: String?
    var publisher: String?
    var date: String?
    var description: String?
    var manifest: [EPUBManifestItem]
    var spine: [EPUBSpineItem]
    var guide: [EPUBLandmark]
    var coverItem: EPUBManifestItem?
    /// The EPUB 3 navigation document (manifest `properties="nav"`).
    var navItem: EPUBManifestItem?
    /// The EPUB 2 NCX (spine `toc` attribute, else the manifest's NCX item).
    var ncxItem: EPUBManifestItem?

    static func read(_ archive: EPUBArchive, path opfPath: String) throws -> EPUBPackage {
        let (root, problem) = try EPUBContainer.parseXMLReportingProblem(archive, opfPath)
        func fail(_ reason: String) -> BookError {
            .invalidEPUB(path: archive.bookPath, entry: opfPath, reason: reason + (problem.map { " (\($0))" } ?? ""))
        }
        guard root.name == "package" else { throw fail("expected a <package> document but found <\(root.name)>") }
        let metadata = root.firstChild("metadata") ?? root.firstChild("opf:metadata")
        guard let manifestElement = root.firstChild("manifest") else { throw fail("it has no <manifest>") }
        guard let spineElement = root.firstChild("spine") else { throw fail("it has no <spine> (the reading order)") }

        var manifest: [EPUBManifestItem] = []
        for e in manifestElement.descendants("item") {
            guard let id = e.attribute("id"), let href = e.attribute("href") else { continue }
            let resolved = EPUBArchive.resolve(href, relativeTo: opfPath)
            guard let path = resolved.path else {
                throw fail("manifest item '\(id)': \(resolved.problem ?? href)")
            }
            manifest.append(EPUBManifestItem(id: id, path: path, mediaType: e.attribute("media-type") ?? "",
                                             properties: e.tokens("properties")))
        }
        let byID = Dictionary(manifest.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })

        var spine: [EPUBSpineItem] = []
        for ref in spineElement.descendants("itemref") {
            guard let idref = ref.attribute("idref") else { continue }
            guard let item = byID[idref] else {
                logger.warning("\(archive.bookPath): \(opfPath): spine item '\(idref)' is not in the manifest; skipped")
                continue
            }
            spine.append(EPUBSpineItem(item: item, linear: ref.attribute("linear")?.lowercased() != "no"))
        }
        guard !spine.isEmpty else { throw fail("its <spine> lists no documents of the manifest") }

        var guide: [EPUBLandmark] = []
        for ref in root.firstChild("guide")?.descendants("reference") ?? [] {
            guard let type = ref.attribute("type"), let href = ref.attribute("href"),
                  let path = EPUBArchive.resolve(href, relativeTo: opfPath).path else { continue }
            guide.append(EPUBLandmark(type: type.lowercased(), path: path))
        }

        var package = EPUBPackage(path: opfPath, version: root.attribute("version") ?? "", authors: [],
                                  manifest: manifest, spine: spine, guide: guide)
        if let metadata { package.readMetadata(metadata, manifest: byID) }
        package.navItem = manifest.first { $0.properties.contains("nav") }
        let ncxID = spineElement.attribute("toc")
        package.ncxItem = ncxID.flatMap { byID[$0] } ?? manifest.first { $0.mediaType == "application/x-dtbncx+xml" }
        return package
    }

    /// Dublin Core metadata, EPUB 3 refinements (`<meta refines="#id" property="role|title-type">`) and the cover.
    private mutating func readMetadata(_ metadata: MarkupElement, manifest byID: [String: EPUBManifestItem]) {
        var refinements: [String: [String: String]] = [:]
        var coverID: String?
        for meta in metadata.descendants("meta") {
            if let refines = meta.attribute("refines"), let property = meta.attribute("property") {
                let id = refines.hasPrefix("#") ? String(refines.dropFirst()) : refines
                refinements[id, default: [:]][property.lowercased()] = meta.text
            } else if meta.attribute("name")?.lowercased() == "cover" {
                coverID = meta.attribute("content")
            }
        }
        func refined(_ e: MarkupElement, _ property: String) -> String? {
            e.attribute("id").flatMap { refinements[$0]?[property] }?.lowercased()
        }
        func nonEmpty(_ s: String) -> String? { s.isEmpty ? nil : s }

        let titles = metadata.descendants("title").filter { !$0.text.isEmpty }
        title = (titles.first { refined($0, "title-type") == "main" } ?? titles.first).map(\.text)
        let creators = metadata.descendants("creator").filter { !$0.text.isEmpty }
        let authorCreators = creators.filter { c in
            let role = c.attribute("role")?.lowercased() ?? refined(c, "role")
            return role == nil || role == "aut"
        }
        authors = (authorCreators.isEmpty ? creators : authorCreators).map(\.text)
        language = metadata.descendants("language").first.map(\.text).flatMap(nonEmpty)
        publisher = metadata.descendants("publisher").first.map(\.text).flatMap(nonEmpty)
        let dates = metadata.descendants("date")
        date = (dates.first { $0.attribute("event")?.lowercased() == "publication" } ?? dates.first)
            .map(\.text).flatMap(nonEmpty)
        if let d = metadata.descendants("description").first?.text, !d.isEmpty {
            // Descriptions often hold escaped HTML ("&lt;p&gt;…"): read its text.
            description = d.contains("<")
                ? (MarkupParser.parseHTML(Data(d.utf8), name: "description")?.text).flatMap(nonEmpty) ?? d
                : d
        }
        coverItem = manifest.first { $0.properties.contains("cover-image") }
        if coverItem == nil, let coverID {
            coverItem = byID[coverID] ?? manifest.first { $0.path.hasSuffix("/" + coverID) || $0.path == coverID }
        }
    }
}
