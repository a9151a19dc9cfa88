// On-disk layout of a book project (docs/architecture.md "Project layout"):
//   <project>/bookvox.sqlite                      job store
//   <project>/lock                                advisory lock file holding the renderer's pid
//   <project>/segments/<id/1000>/<id>.take<N>.wav  segment audio (id: the segment's row id)
//   <project>/voices/<sha256>.safetensors         cached voice profiles
//   <project>/export/chapter-NN.{mp3,flac,wav,srt,vtt,lrc,timings.json}  (NN zero-padded to the chapter count's width)
//   <project>/export/<book title>.{m4b,srt,vtt,lrc}  the whole book (Export/BookExporter)
import Foundation

public struct ProjectLayout: Sendable {
    public let root: URL

    public init(root: URL) { self.root = root.standardizedFileURL }

    public var database: URL { root.appendingPathComponent("bookvox.sqlite") }
    public var lockFile: URL { root.appendingPathComponent("lock") }
    public var segmentsDir: URL { root.appendingPathComponent("segments") }
    public var voicesDir: URL { root.appendingPathComponent("voices") }
    public var exportDir: URL { root.appendingPathComponent("export") }

    /// Path of one segment take, relative to the project root (what the store records). Named by the
    /// segment's row id, which never changes or gets reused, so an edit that moves keys and chapters never
    /// makes two segments share a file. (Projects from before content identity keep their recorded
    /// `segments/<chapter>/<key>.take<N>.wav` paths.)
    public func segmentRelativePath(id: Int64, take: Int) -> String {
        "segments/\(id / 1000)/\(id).take\(take).wav"
    }

    public func absolute(_ relative: String) -> URL { root.appendingPathComponent(relative) }

    /// Cached profile of a voice (clip hash) as prepared by one engine with one model: a profile holds model
    /// outputs (speaker embeddings, reference codes), so another model's profile is never picked up.
    public func voiceProfile(sha256: String, engine: String, modelHash: String) -> URL {
        voicesDir.appendingPathComponent("\(engine)-\(modelHash.prefix(16))-\(sha256).safetensors")
    }

    /// Base name of a chapter's export files, zero-padded to the width of the chapter count (at least two
    /// digits) so they sort in reading order: "chapter-03" of 12, "chapter-003" of 120.
    public static func exportBaseName(chapter: Int, of count: Int) -> String {
        let width = max(2, String(max(count, chapter)).count)
        let digits = String(chapter)
        return "chapter-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    public func exportFile(chapter: Int, of count: Int, ext: String) -> URL {
        exportDir.appendingPathComponent("\(Self.exportBaseName(chapter: chapter, of: count)).\(ext)")
    }

    /// `<book dir>/<book stem>.bookvox/`.
    public static func defaultRoot(forBook book: URL) -> URL {
        let stem = book.deletingPathExtension().lastPathComponent
        return book.deletingLastPathComponent().appendingPathComponent("\(stem).bookvox")
    }

    public var exists: Bool { FileManager.default.fileExists(atPath: database.path) }

    /// Creates the directories; a clear bad-input error when the location is not writable.
    public func create() throws {
        let fm = FileManager.default
        do {
            for d in [root, segmentsDir, voicesDir, exportDir] {
                try fm.createDirectory(at: d, withIntermediateDirectories: true)
            }
        } catch {
            throw BookvoxError.badInput("project directory \(root.path) cannot be created: \(Self.reason(error)). "
                + "Choose a writable location with --project DIR.")
        }
        guard fm.isWritableFile(atPath: root.path) else {
            throw BookvoxError.badInput("project directory \(root.path) is not writable. "
                + "Fix its permissions or choose another location with --project DIR.")
        }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let under = ns.userInfo[NSUnderlyingErrorKey] as? NSError, under.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(under.code)))
        }
        if ns.domain == NSCocoaErrorDomain, ns.code == NSFileWriteNoPermissionError { return "permission denied" }
        return ns.localizedDescription
    }

    /// Finds a project: the given directory (a project dir, or a dir containing exactly one `*.bookvox`),
    /// or the single `*.bookvox` directory in the current directory.
    public static func locate(_ given: String?, cwd: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> ProjectLayout {
        let fm = FileManager.default
        if let given {
            let url = URL(fileURLWithPath: given, relativeTo: cwd).standardizedFileURL
            let layout = ProjectLayout(root: url)
            if layout.exists { return layout }
            if let inner = try? single(in: url) { return inner }
            throw BookvoxError.projectNotFound("\(url.path) is not a bookvox project (no bookvox.sqlite inside). "
                + "Pass the directory `bookvox render` created (default: <book>.bookvox next to the book).")
        }
        if fm.fileExists(atPath: cwd.appendingPathComponent("bookvox.sqlite").path) { return ProjectLayout(root: cwd) }
        return try single(in: cwd)
    }

    private static func single(in dir: URL) throws -> ProjectLayout {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        let projects = names.filter { $0.hasSuffix(".bookvox") }.sorted()
            .map { ProjectLayout(root: dir.appendingPathComponent($0)) }.filter(\.exists)
        switch projects.count {
        case 1: return projects[0]
        case 0:
            throw BookvoxError.projectNotFound("no bookvox project in \(dir.path). "
                + "Run `bookvox render BOOK` first, or pass the project directory.")
        default:
            throw BookvoxError.projectNotFound("several projects in \(dir.path): "
                + projects.map { $0.root.lastPathComponent }.joined(separator: ", ") + ". Pass the one you mean.")
        }
    }
}
