// `bookvox flag` and `bookvox export`: small project operations outside a render.
import Foundation

public enum ProjectCommands {
    /// Marks a rendered segment for review; it keeps its audio and shows up in `status`.
    public static func flag(project: ProjectLayout, key: String, reason: String?) throws {
        let store = try JobStore(layout: project)
        try store.flag(key: key, reason: reason)
    }

    /// Re-exports every complete chapter in the given formats (all files rewritten). Returns the chapters written.
    @discardableResult
    public static func export(project: ProjectLayout, formats: Set<ExportFormat>?, bitrateKbps: Int?,
                              roomTone: RoomToneLevel? = nil, writer: FileWriting = AtomicFileWriter()) throws -> [Int] {
        let lock = try ProjectLock(layout: project)
        defer { lock.release() }
        let store = try JobStore(layout: project)
        guard var book = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        if let bitrateKbps, bitrateKbps != book.bitrateKbps {
            book.bitrateKbps = bitrateKbps
            try store.saveBook(book)
        }
        if let roomTone, roomTone.description != book.roomTone {
            book.roomToneLevel = roomTone
            try store.saveBook(book)
        }
        let settings = ExportSettings(formats: formats ?? ExportSettings.defaultFormats, bitrateKbps: book.bitrateKbps)
        let exporter = ChapterExporter(store: store, settings: settings, writer: writer)
        var written: [Int] = []
        var incomplete: [Int] = []
        for ch in try store.chapters() {
            switch try exporter.export(chapter: ch.number, force: true) {
            case .exported: written.append(ch.number)
            case .incomplete: incomplete.append(ch.number)
            case .upToDate: break
            }
        }
        if written.isEmpty, !incomplete.isEmpty {
            throw BookvoxError.badInput("no chapter is completely rendered yet (chapters "
                + incomplete.map(String.init).joined(separator: ", ") + " have segments without audio). Run `bookvox resume`.")
        }
        return written
    }

    public static func validateBitrate(_ kbps: Int) throws {
        guard ExportSettings.validBitrates.contains(kbps) else {
            throw BookvoxError.badInput("--bitrate \(kbps) is not an MP3 CBR bitrate; use one of "
                + ExportSettings.validBitrates.map(String.init).joined(separator: ", ") + " (kbps).")
        }
    }
}
