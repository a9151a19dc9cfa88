// Moving exports with their chapters. When an edit inserts, removes or reorders chapters, a chapter whose
// audio is unchanged keeps its export: the files written at its old number are renamed to its new number
// and re-tagged (track n/N, title) instead of being stitched, leveled and encoded again. The MP3 stream and
// the FLAC frames are kept sample for sample, so the result is byte-identical to a fresh export of the same
// chapter; timings.json gets the new number and keys, the ACX entry moves with its measurements.
//
// A chapter number's record (exportHash, exportAudioHash, file hashes) describes the files on disk under that
// number (numbers an edit removed: orphanExports), so the donors are read before anything moves.
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
        /// Source text by key: the subtitles' cue text.
        let texts: [String: String]
    }

    /// Renames and re-tags the exports of complete chapters whose audio matches an export recorded under
    /// another number (or under the same number with other tags). Returns the chapters relabeled.
    @discardableResult
    public func relabelMovedExports() throws -> [Int] {
        guard let book = try store.book() else { return [] }
        let chapters = try store.chapters()
        let layout = store.layout
        guard let report = ACXReport.load(layout) else { return [] }
        // Recorded exports by the hash of their audio; their files are hashed only when a stale chapter wants them.
        var candidates: [String: (number: Int, orphan: Bool, files: [String: String], acx: ACXChapterEntry)] = [:]
        let records = chapters.map { ($0.number, false, $0.exportHash, $0.exportAudioHash, $0.exportFileHashes) }
            + (try store.orphanExports()).map { ($0.number, true, $0.exportHash, $0.exportAudioHash, $0.exportFileHashes) }
        for (number, orphan, hash, audioHash, files) in records {
            guard let audioHash, files["timings.json"] != nil, let acx = report.current(chapter: number, exportHash: hash) else { continue }
            candidates[audioHash] = (number, orphan, files, acx)
        }
        guard !candidates.isEmpty else { return [] }

        var moves: [Move] = []
        for ch in chapters {
            let segments = try store.segments(chapter: ch.number)
            guard !segments.isEmpty, segments.allSatisfy({ $0.state.hasAudio && !$0.awaitingRecognition }) else { continue }
            let p = parameters(book: book, chapters: chapters, chapter: ch, segments: segments)
            guard ch.exportHash != p.hash, let c = candidates[p.audioHash],
                  Set(p.formats.map(\.rawValue)).isSubset(of: c.files.keys),
                  let paths = locate(number: c.number, files: c.files, count: chapters.count) else { continue }
            candidates[p.audioHash] = nil
            moves.append(Move(donor: Donor(number: c.number, orphan: c.orphan, paths: paths, acx: c.acx), chapter: ch,
                              parameters: p, keys: segments.map(\.key),
                              texts: Dictionary(segments.map { ($0.key, $0.sourceText) }, uniquingKeysWith: { a, _ in a })))
        }
        guard !moves.isEmpty else { return [] }

        // Moves run in an order where no target overwrites files a pending move still reads (a chapter
        // inserted at the front: the last chapter first); a cycle (chapters swapped) parks one donor's files
        // under `.tmp-relabel-*` first. Each move writes its new files, records them, then removes its old
        // files and record, so a run killed in between leaves at most one chapter to export again.
        let fm = FileManager.default
        var pending = moves
        var sources = Dictionary(uniqueKeysWithValues: moves.map { ($0.donor.number, $0.donor.paths) })
        var parked: Set<Int> = []
        var recorded: Set<Int> = []
        let targets = { (m: Move) in Set(m.donor.paths.keys.map { layout.exportFile(chapter: m.chapter.number, of: chapters.count, ext: $0).path }) }
        while !pending.isEmpty {
            let busy = { (i: Int) in
                pending.indices.contains { j in j != i && !Set(sources[pending[j].donor.number]!.values.map(\.path)).isDisjoint(with: targets(pending[i])) }
            }
            guard let i = pending.indices.first(where: { !busy($0) }) else {
                // A cycle: park the first pending donor's files.
                let d = pending[0].donor.number
                var moved: [String: URL] = [:]
                for (ext, path) in sources[d]! {
                    let to = layout.exportDir.appendingPathComponent(".tmp-relabel-\(d).\(ext)")
                    try? fm.removeItem(at: to)
                    try fm.moveItem(at: path, to: to)
                    moved[ext] = to
                }
                sources[d] = moved
                parked.insert(d)
                try forget(pending[0].donor)
                continue
            }
            let m = pending.remove(at: i)
            try write(m, from: sources[m.donor.number]!, chapters: chapters, report: report)
            let written = targets(m)
            for path in sources[m.donor.number]!.values where !written.contains(path.path) { try? fm.removeItem(at: path) }
            recorded.insert(m.chapter.number)
            if m.donor.number != m.chapter.number || m.donor.orphan, !parked.contains(m.donor.number), !recorded.contains(m.donor.number),
               !pending.contains(where: { $0.chapter.number == m.donor.number }) {
                try forget(m.donor)
            }
            log.info("chapter \(m.chapter.number): export kept from chapter \(m.donor.number), renamed and re-tagged")
        }
        return moves.map(\.chapter.number)
    }

    /// Writes a move's files under its chapter's number with its tags and records them (and its ACX entry).
    private func write(_ m: Move, from sources: [String: URL], chapters: [ChapterRecord], report: ACXReport) throws {
        let number = m.chapter.number
        var hashes: [String: String] = [:]
        var subtitles: [SubtitleFormat] = []
        var timings: ChapterTimings?
        for (ext, source) in sources.sorted(by: { $0.key < $1.key }) {
            let dest = store.layout.exportFile(chapter: number, of: chapters.count, ext: ext).path
            switch ext {
            case ExportFormat.mp3.rawValue:
                let mp3 = try MP3Encoder.retag(Data(contentsOf: source), bitrateKbps: settings.bitrateKbps, tags: m.parameters.tags)
                hashes[ext] = try writer.write(mp3, to: dest)
            case ExportFormat.flac.rawValue:
                hashes[ext] = try writer.writeFile(at: dest) { temp in
                    try AudioFile.rewrite(from: source.path, to: temp, format: .flac, tags: m.parameters.tags)
                }
            case "timings.json":
                var t = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: source))
                guard t.segments.count == m.keys.count else {
                    throw BookvoxError.failure("export of chapter \(number): its timings list \(t.segments.count) segments, "
                        + "the chapter has \(m.keys.count); run `bookvox export --force`")
                }
                t.chapter = number
                t.title = m.chapter.title
                for i in t.segments.indices { t.segments[i].key = m.keys[i] }
                hashes[ext] = try writer.write(try t.encoded(), to: dest)
                timings = t
            case let ext where SubtitleFormat(rawValue: ext) != nil:
                subtitles.append(SubtitleFormat(rawValue: ext)!)
            default:
                hashes[ext] = try writer.write(Data(contentsOf: source), to: dest)
            }
        }
        // Subtitles carry the (possibly edited) source text and the tags: written anew from the moved timings.
        if let timings {
            hashes.merge(try writeSubtitles(timings, of: chapters.count, tags: m.parameters.tags, formats: subtitles.sorted { $0.rawValue < $1.rawValue },
                                            texts: m.texts)) { $1 }
        }
        var entry = m.donor.acx
        entry.chapter = number
        entry.title = m.chapter.title
        entry.exportHash = m.parameters.hash
        try ACXReport.record(entry, targetLUFS: report.targetLUFS, roomTone: m.parameters.roomTone,
                             keeping: Set(chapters.map(\.number)), layout: store.layout, writer: writer)
        try store.setExport(chapter: number, hash: m.parameters.hash, audioHash: m.parameters.audioHash, files: hashes)
    }

    /// The donor's number no longer holds its files.
    private func forget(_ donor: Donor) throws {
        if donor.orphan {
            try store.removeOrphanExports([donor.number])
        } else {
            try store.setExport(chapter: donor.number, hash: nil, audioHash: nil, files: [:])
        }
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
