// `bookvox flag` and `bookvox export`: small project operations outside a render.
import Foundation

public enum ProjectCommands {
    /// Marks a rendered segment for review; it keeps its audio and shows up in `status`.
    public static func flag(project: ProjectLayout, key: String, reason: String?) throws {
        let store = try JobStore(layout: project)
        try store.flag(key: key, reason: reason)
    }

    /// What `export` did.
    public struct ExportResult: Sendable, Equatable {
        /// Chapters whose files were written.
        public var written: [Int]
        /// Chapters whose files already matched (content and recorded sha256).
        public var upToDate: [Int]
        /// Chapters with segments still to render.
        public var incomplete: [Int]
        /// Chapters whose unchanged audio was kept from their old number: files renamed and re-tagged.
        public var renumbered: [Int] = []
        /// Book-level files (M4B, book subtitles) written this time, and those already up to date.
        public var bookWritten: [String] = []
        public var bookUpToDate: [String] = []

        public init(written: [Int], upToDate: [Int], incomplete: [Int], renumbered: [Int] = []) {
            self.written = written
            self.upToDate = upToDate
            self.incomplete = incomplete
            self.renumbered = renumbered
        }
    }

    /// Exports every complete chapter that needs it (all of them with `force`): content changed, a file
    /// missing or not matching its recorded sha256, a new format or bitrate. Every segment file is verified
    /// before it is stitched; segments that do not verify are re-queued and the command fails naming them
    /// (`bookvox resume` renders them again). The formats and bitrate given are remembered by the project.
    @discardableResult
    public static func export(project: ProjectLayout, changes: ExportChanges = ExportChanges(), force: Bool = false,
                              writer: FileWriting = AtomicFileWriter()) throws -> ExportResult {
        let lock = try ProjectLock(layout: project)
        defer { lock.release() }
        let store = try JobStore(layout: project)
        guard var book = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        let settings = changes.applied(to: book.storedExportSettings)
        if settings != book.storedExportSettings {
            book.remember(settings)
            try store.saveBook(book)
        }
        store.removeTemporaryFiles()
        let exporter = ChapterExporter(store: store, settings: settings, writer: writer)
        var result = ExportResult(written: [], upToDate: [], incomplete: [])
        var unverified: [String] = []
        do {
            let relabeled = force ? [] : Set(try exporter.relabelMovedExports())
            for ch in try store.chapters() {
                switch try exporter.export(chapter: ch.number, force: force) {
                case .exported: result.written.append(ch.number)
                case .incomplete: result.incomplete.append(ch.number)
                case .upToDate where relabeled.contains(ch.number): result.renumbered.append(ch.number)
                case .upToDate: result.upToDate.append(ch.number)
                case let .unverified(keys): unverified += keys
                }
            }
            try exporter.removeStaleExports()
            if unverified.isEmpty {
                switch try BookExporter(store: store, settings: settings, writer: writer).export(force: force) {
                case let .exported(files): result.bookWritten = files
                case let .upToDate(files): result.bookUpToDate = files
                case .nothing: break
                }
            }
        } catch {
            store.recordFailure(ProjectFailure.from(error, command: "export"))
            throw BookvoxError.from(error)
        }
        if !unverified.isEmpty {
            let failure = ProjectFailure(kind: .audioUnverified, command: "export",
                message: "\(unverified.count) segment file(s) were missing or damaged: "
                    + unverified.sorted(by: SegmentKey.less).prefix(10).joined(separator: ", "),
                hint: "run `bookvox resume` to render them again (same take, same seed), then `bookvox export`.")
            store.recordFailure(failure)
            throw BookvoxError.failure("\(failure.message); they were re-queued and their chapters were not exported. "
                + "Run `bookvox resume` to render them again; it exports those chapters when done.")
        }
        store.clearFailure(kinds: [.exportFailed, .diskFull])
        if result.written.isEmpty, result.upToDate.isEmpty, !result.incomplete.isEmpty {
            throw BookvoxError.badInput("no chapter is completely rendered yet (chapters "
                + result.incomplete.map(String.init).joined(separator: ", ") + " have segments without audio). Run `bookvox resume`.")
        }
        return result
    }

    public static func validateBitrate(_ kbps: Int) throws {
        guard ExportSettings.validBitrates.contains(kbps) else {
            throw BookvoxError.badInput("--bitrate \(kbps) is not an MP3 CBR bitrate; use one of "
                + ExportSettings.validBitrates.map(String.init).joined(separator: ", ") + " (kbps).")
        }
    }
}
