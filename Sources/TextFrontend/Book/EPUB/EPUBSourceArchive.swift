// An EPUB opened to be packaged again (the read-along export adds Media Overlays to the original book): its files
// in the order the archive stores them, the package document's path and EPUB version, and the manifest. Reads
// go through EPUBArchive, with its caps on what may be inflated.
import Foundation

public final class EPUBSourceArchive {
    public struct Item: Sendable, Equatable {
        public var id: String
        /// Path inside the archive.
        public var path: String
        public var mediaType: String
        public var properties: [String]
    }

    public let bookPath: String
    /// Path of the package document (OPF) inside the archive.
    public let packagePath: String
    /// The package's `version` attribute ("3.0", "2.0").
    public let version: String
    public let manifest: [Item]
    /// Paths of the spine's documents, in reading order.
    public let spine: [String]
    private let archive: EPUBArchive

    public init(path: String, limits: EPUBLimits = .init()) throws {
        bookPath = path
        archive = try EPUBArchive(url: URL(fileURLWithPath: path), bookPath: path, limits: limits)
        try EPUBContainer.check(archive)
        packagePath = try EPUBContainer.packagePath(archive)
        let package = try EPUBPackage.read(archive, path: packagePath)
        version = package.version
        manifest = package.manifest.map { Item(id: $0.id, path: $0.path, mediaType: $0.mediaType, properties: $0.properties) }
        spine = package.spine.map(\.item.path)
    }

    /// Every file of the archive (normalized paths), in stored order.
    public var filePaths: [String] { archive.storedOrder }

    /// The bytes of the file at `path`.
    public func read(_ path: String) throws -> Data { try archive.read(path) }

    /// True when the package says EPUB 3 (Media Overlays need it).
    public var isEPUB3: Bool { version.hasPrefix("3") }
}
