// The OCF layer of an EPUB: the `mimetype` file, META-INF/container.xml (→ the package document's path), and the
// DRM check (META-INF/encryption.xml encrypting content, META-INF/rights.xml, Apple's META-INF/sinf.xml).
import Foundation
import Logging

enum EPUBContainer {
    private static let logger = Logger(label: "bookvox.text.epub")
    static let containerPath = "META-INF/container.xml"
    static let epubMediaType = "application/epub+zip"
    /// Font obfuscation (IDPF and Adobe) is not DRM: the text stays readable.
    static let fontObfuscation: Set<String> = ["http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#rc"]

    /// True when `data` starts like an EPUB: a ZIP whose first entry is a stored `mimetype` file holding
    /// "application/epub+zip" (OCF's rule, so any EPUB can be recognized without its extension).
    static func looksLikeEPUB(_ head: Data) -> Bool {
        let bytes = [UInt8](head.prefix(58))
        guard bytes.count == 58, bytes[0..<4] == [0x50, 0x4B, 0x03, 0x04] else { return false }
        return String(decoding: bytes[30..<38], as: UTF8.self) == "mimetype"
            && String(decoding: bytes[38..<58], as: UTF8.self) == epubMediaType
    }

    /// Checks the `mimetype` file (when there is one) and refuses DRM-protected books.
    static func check(_ archive: EPUBArchive) throws {
        if archive.contains("mimetype") {
            let found = String(decoding: try archive.read("mimetype"), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard found == epubMediaType else {
                throw BookError.invalidEPUB(path: archive.bookPath, entry: "mimetype",
                                            reason: "expected '\(epubMediaType)' but found '\(found.prefix(60))'; this is not an EPUB")
            }
        }
        for marker in ["META-INF/rights.xml", "META-INF/sinf.xml"] where archive.contains(marker) {
            throw BookError.drmProtected(path: archive.bookPath, entry: marker)
        }
        let encryption = "META-INF/encryption.xml"
        if archive.contains(encryption) {
            let root = try parseXML(archive, encryption)
            for data in root.descendants("encrypteddata") {
                let algorithm = data.firstChild("encryptionmethod")?.attribute("algorithm")?.lowercased() ?? ""
                if !fontObfuscation.contains(algorithm) {
                    throw BookError.drmProtected(path: archive.bookPath, entry: encryption)
                }
            }
        }
    }

    /// The package document's path from container.xml (its first rootfile of the OPF media type).
    static func packagePath(_ archive: EPUBArchive) throws -> String {
        guard archive.contains(containerPath) else {
            throw BookError.invalidEPUB(path: archive.bookPath, entry: containerPath,
                                        reason: "the file is missing (every EPUB has one; it names the package document)")
        }
        let root = try parseXML(archive, containerPath)
        let rootfiles = root.descendants("rootfile")
        guard let rootfile = rootfiles.first(where: { $0.attribute("media-type") == "application/oebps-package+xml" })
                ?? rootfiles.first,
              let fullPath = rootfile.attribute("full-path"), !fullPath.isEmpty else {
            throw BookError.invalidEPUB(path: archive.bookPath, entry: containerPath,
                                        reason: "it names no package document (expected <rootfile full-path=\"….opf\">)")
        }
        let resolved = EPUBArchive.resolve(fullPath, relativeTo: "")
        guard let path = resolved.path else {
            throw BookError.invalidEPUB(path: archive.bookPath, entry: containerPath,
                                        reason: "the package document path \(resolved.problem ?? fullPath)")
        }
        guard archive.contains(path) else {
            throw BookError.invalidEPUB(path: archive.bookPath, entry: path,
                                        reason: "the package document that \(containerPath) names is missing from the archive")
        }
        return path
    }

    /// An XML file of the archive parsed, or an error naming it. A file libxml2 had to recover is read as recovered
    /// (with a warning); `problem` says what was wrong, for errors about what the recovered tree lacks.
    static func parseXML(_ archive: EPUBArchive, _ path: String) throws -> MarkupElement {
        try parseXMLReportingProblem(archive, path).root
    }

    static func parseXMLReportingProblem(_ archive: EPUBArchive, _ path: String) throws -> (root: MarkupElement, problem: String?) {
        let data = try archive.read(path)
        do {
            let parsed = try MarkupParser.parseXML(data, name: path)
            if let problem = parsed.problem {
                logger.warning("\(archive.bookPath): \(path): \(problem); reading what could be recovered")
            }
            return parsed
        } catch let e as MarkupParseError {
            throw BookError.invalidEPUB(path: archive.bookPath, entry: path, reason: e.reason)
        }
    }
}
