// Moving exports with their chapters. When an edit inserts, removes or reorders chapters, a chapter whose
// audio is unchanged keeps its export: the files written at its old number are renamed to its new number
// and re-tagged (track n/N, title) instead of being stitched, leveled and encoded again. The MP3 stream and
// the FLAC frames are kept sample for sample, so the result is byte-identical to a fresh export of the same
// chapter; timings.json gets the new number and keys, the ACX entry moves with its measurements.
//
// A chapter number's record (exportHash, exportAudioHash, file hashes) describes the files on disk under that
// number, so the donors are read before anything moves; every donor's files are first moved aside
// (`.tmp-relabel-*`, removed by the next run if this one is killed), then written under their new names. A
// run killed halfway leaves records that no longer verify, and those chapters are simply exported again.
import AudioDSP
import Foundation
import Logging

extension ChapterExporter {
    /// The files of one chapter number as recorded, usable for a chapter with the same audio.
    private struct Donor {
        let number: Int
        let orphan: Bool
        /// Extension → the file on disk (named for the chapter count of the run that wrote it).
        let paths: [String: URL]
        let acx: ACXChapterEntry
    }

    private struct Move {
        let donor: Donor
        let chapter: ChapterRecord
        let parameters: ExportParameters
        let keys: [String]
    }

    /// Renames and re-tags the exports of complete chapters whose audio matches an export recorded under
    /// another number (or under the same number with other tags). Returns the chapters relabeled.
    @discardableResult
    public func relabelMovedExports() throws -> [Int] {
        guard let book = try store.book() else { return [] }
        let chapters = try store.chapters()
        let layout = store.layout
        guard let report = ACXReport.load(layout) else { return [] }
        var donors: [String: Donor] = [:]
        let records = chapters.map { ($0.number, false, $0.exportHash, $0.exportAudioHash, $0.exportFileHashes) }
            + (try store.orphanExports()).map { o in
                (o.number, true, o.exportHash, o.exportAudioHash,
                 o.exportFiles.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:])
            }
        for (number, orphan, hash, audioHash, files) in records {
            guard let audioHash, let acx = report.current(chapter: number, exportHash: hash), files["timings.json"] != nil,
                  let paths = locate(number: number, files: files, count: chapters.count) else { continue }
            donors[audioHash] = Donor(number: number, orphan: orphan, paths: paths, acx: acx)
        }
        guard !donors.isEmpty else { return [] }

        var moves: [Move] = []
        for ch in chapters {
            let segments = try store.segments(chapter: ch.number)
            guard !segments.isEmpty, segments.allSatisfy({ $0.state.hasAudio && !$0.awaitingRecognition }) else { continue }
            let p = parameters(book: book, chapters: chapters, chapter: ch, segments: segments)
            guard ch.exportHash != p.hash, let donor = donors[p.audioHash],
                  Set(settings.formats.map(\.rawValue)).isSubset(of: donor.paths.keys) else { continue }
            donors[p.audioHash] = nil
            moves.append(Move(donor: donor, chapter: ch, parameters: p, keys: segments.map(\.key)))
        }
        guard !moves.isEmpty else { return [] }

        let fm = FileManager.default
        let staged = { (number: Int, ext: String) in layout.exportDir.appendingPathComponent(".tmp-relabel-\(number).\(ext)") }
        for m in moves {
            for (ext, path) in m.donor.paths {
                let target = staged(m.donor.number, ext)
                try? fm.removeItem(at: target)
                try fm.moveItem(at: path, to: target)
            }
        }
        // The donors' numbers no longer hold those files.
        for m in moves where !m.donor.orphan { try store.setExport(chapter: m.donor.number, hash: nil, audioHash: nil, files: [:]) }
        try store.removeOrphanExports(moves.filter(\.donor.orphan).map(\.donor.number))

        for m in moves {
            let number = m.chapter.number
            var hashes: [String: String] = [:]
            for ext in m.donor.paths.keys.sorted() {
                let source = staged(m.donor.number, ext)
                let dest = layout.exportFile(chapter: number, of: chapters.count, ext: ext).path
                switch ext {
                case ExportFormat.mp3.rawValue:
                    let mp3 = try MP3Encoder.retag(Data(contentsOf: source), bitrateKbps: settings.bitrateKbps, tags: m.parameters.tags)
                    hashes[ext] = try writer.write(mp3, to: dest)
                case ExportFormat.flac.rawValue:
                    hashes[ext] = try writer.writeFile(at: dest) { temp in
                        try AudioFile.rewrite(from: source.path, to: temp, format: .flac, tags: m.parameters.tags)
                    }
                case "timings.json":
                    var timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: source))
                    guard timings.segments.count == m.keys.count else {
                        throw BookvoxError.failure("export of chapter \(number): its timings list \(timings.segments.count) segments, the chapter has \(m.keys.count)")
                    }
                    timings.chapter = number
                    timings.title = m.chapter.title
                    for i in timings.segments.indices { timings.segments[i].key = m.keys[i] }
                    hashes[ext] = try writer.write(try timings.encoded(), to: dest)
                default:
                    hashes[ext] = try writer.write(Data(contentsOf: source), to: dest)
                }
            }
            var entry = m.donor.acx
            entry.chapter = number
            entry.title = m.chapter.title
            entry.exportHash = m.parameters.hash
            try ACXReport.record(entry, targetLUFS: report.targetLUFS, roomTone: m.parameters.roomTone,
                                 keeping: Set(chapters.map(\.number)), layout: layout, writer: writer)
            try store.setExport(chapter: number, hash: m.parameters.hash, audioHash: m.parameters.audioHash, files: hashes)
            for ext in m.donor.paths.keys { try? fm.removeItem(at: staged(m.donor.number, ext)) }
            log.info("chapter \(number): export kept from chapter \(m.donor.number), renamed and re-tagged")
        }
        return moves.map(\.chapter.number)
    }

    /// The recorded files of chapter `number` where they verify, named for the current chapter count or for
    /// a count of another width (an edit that crossed 99 or 999 chapters renamed every file).
    private func locate(number: Int, files: [String: String], count: Int) -> [String: URL]? {
        for width in [count, 10, 100, 1_000, 10_000, 100_000] {
            var paths: [String: URL] = [:]
            for ext in files.keys { paths[ext] = store.layout.exportFile(chapter: number, of: width, ext: ext) }
            if paths.allSatisfy({ Hashing.sha256Hex(fileAt: $0.value.path) == files[$0.key] }) { return paths }
        }
        return nil
    }
}
