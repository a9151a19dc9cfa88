// Exports finished chapters: stitch the segment audio (Audio/Stitcher: pauses, room tone seeded per
// chapter, book-wide loudness target through one pre-gain and the true-peak limiter), then write the
// master FLAC, optional WAV, the MP3 (resampled to 44.1 kHz, LAME CBR, ID3v2 tags), the chapter's subtitles
// (SRT/WebVTT/LRC: Export/SubtitleCues, SubtitleFormats), chapter-NN.timings.json, and the chapter's ACX check into export/acx-report.json (Export/ACXReport).
// Files are written atomically and contain no timestamps, so identical renders give byte-identical
// exports. A chapter is rewritten only when what it depends on (its segments' audio, tags, bitrate,
// room tone, book seed) changed, a requested file or its ACX entry is missing — or when forced.
import AudioDSP
import Foundation
import Logging
import TextFrontend

public struct ChapterExporter: Sendable {
    public let store: JobStore
    public let settings: ExportSettings
    public let writer: FileWriting
    let log = Logger(label: "bookvox.export")

    /// Bumped when the export pipeline's output for the same inputs changes.
    public static let version = "2"

    public init(store: JobStore, settings: ExportSettings, writer: FileWriting = AtomicFileWriter()) {
        self.store = store
        self.settings = settings
        self.writer = writer
    }

    public enum Outcome: Equatable, Sendable {
        case exported
        case upToDate
        /// Some segments have no audio yet.
        case incomplete(missing: Int)
        /// These segments' audio files did not match their recorded sha256; they were re-queued (the next
        /// `resume` synthesizes them again with the same take) and the chapter was not exported.
        case unverified(keys: [String])
    }

    /// Exports every complete chapter that needs it; returns the chapters written.
    @discardableResult
    public func exportAll(force: Bool = false) throws -> [Int] {
        var written: [Int] = []
        for ch in try store.chapters() where try export(chapter: ch.number, force: force) == .exported {
            written.append(ch.number)
        }
        return written
    }

    /// Exports one chapter when it needs it: its content hash changed, or one of its files is missing or no
    /// longer has the sha256 recorded when it was written (truncated, damaged, replaced). Every segment file
    /// is verified against its recorded sha256 before it is stitched.
    /// `checkSegments`: verify the segment files even when the chapter's exports are up to date (`export`
    /// does; a render has verified every segment when it started).
    public func export(chapter number: Int, force: Bool = false, checkSegments: Bool = true) throws -> Outcome {
        guard let book = try store.book() else { throw BookvoxError.failure("the project has no book record") }
        let chapters = try store.chapters()
        guard let chapter = chapters.first(where: { $0.number == number }) else {
            throw BookvoxError.badInput("no chapter \(number) in this project")
        }
        let segments = try store.segments(chapter: number)
        // A segment still waiting for its word check may yet get another take.
        let missing = segments.filter { !$0.state.hasAudio || $0.awaitingRecognition }.count
        guard missing == 0, !segments.isEmpty else { return .incomplete(missing: missing) }
        let p = parameters(book: book, chapters: chapters, chapter: chapter, segments: segments)
        let (hash, formats, tags, roomTone) = (p.hash, p.formats, p.tags, p.roomTone)
        let layout = store.layout
        let count = chapters.count
        let extensions = formats.map(\.rawValue) + ["timings.json"]
        let upToDate = !force && chapter.exportHash == hash && filesVerify(chapter: chapter, of: count, extensions: extensions)
            && ACXReport.load(layout)?.current(chapter: number, exportHash: hash) != nil
        // Projects exported before audio hashes were recorded get theirs, so their chapters can move later.
        if upToDate, chapter.exportAudioHash != p.audioHash { try store.setExportAudioHash(chapter: number, p.audioHash) }
        if upToDate, !checkSegments { return .upToDate }
        let unverified = segments.filter { !store.audioVerifies($0) }
        if !unverified.isEmpty {
            for seg in unverified { try store.requeueUnverified(seg) }
            log.warning("chapter \(number): \(unverified.count) segment file(s) did not verify and were re-queued")
            return .unverified(keys: unverified.map(\.key))
        }
        if upToDate { return .upToDate }
        guard let (stitched, stitchSettings) = try stitch(book: book, chapter: chapter, segments: segments, roomTone: roomTone) else {
            return .incomplete(missing: 1)
        }
        let texts = Dictionary(segments.map { ($0.key, $0.sourceText) }, uniquingKeysWith: { a, _ in a })
        let files = try write(chapter: number, of: count, title: chapter.title, stitched: stitched, tags: tags, formats: formats,
                              texts: texts)
        try recordACX(chapter: number, title: chapter.title, hash: hash, stitched: stitched, mp3: formats.contains(.mp3),
                      roomTone: roomTone, target: stitchSettings.loudness, chapters: Set(chapters.map(\.number)))
        try store.setExport(chapter: number, hash: hash, audioHash: p.audioHash, files: files)
        log.info("exported chapter \(number) (\(String(format: "%.1f", stitched.audio.duration)) s)")
        return .exported
    }

    /// Reads the chapter's segment audio and stitches it (nil when a segment has no audio file).
    private func stitch(book: BookRecord, chapter: ChapterRecord, segments: [SegmentRecord],
                        roomTone: RoomToneLevel) throws -> (StitchedChapter, StitchSettings)? {
        var pieces: [StitchSegment] = []
        for seg in segments {
            guard let rel = seg.audioPath else { return nil }
            let audio = try AudioFile.read(path: store.layout.absolute(rel).path)
            pieces.append(StitchSegment(key: seg.key, audio: audio, boundary: seg.boundary))
        }
        let anchor = segments.first?.chapterAnchor ?? SegmentIdentity.chapterAnchor(title: chapter.title, occurrence: 0)
        let stitchSettings = StitchSettings(roomTone: roomTone.tone(bookSeed: book.bookSeed, chapterAnchor: anchor))
            .applying(book.storedPace.pauses)
        return (try ChapterStitching.stitch(pieces, settings: stitchSettings), stitchSettings)
    }

    /// A chapter whose exports are current, as the book-level exports (BookExporter) use it.
    public struct CurrentChapter: Sendable {
        public var timings: ChapterTimings
        /// Hash of what the chapter's master audio depends on: segment audio and boundaries, room tone, book seed,
        /// chapter anchor, the stitcher's and exporter's versions (not the MP3 bitrate or the ID3 tags).
        public var audioHash: String
        /// Hash of the segments' keys and source texts (the subtitles' cue text).
        public var textHash: String
    }

    /// The chapter when its exports are current: every segment has audio, the recorded export hash is that of
    /// its content now, and its timings file verifies. Nil otherwise (not exported, stale or damaged).
    public func current(chapter number: Int) throws -> CurrentChapter? {
        guard let book = try store.book() else { return nil }
        let chapters = try store.chapters()
        guard let chapter = chapters.first(where: { $0.number == number }) else { return nil }
        let segments = try store.segments(chapter: number)
        guard !segments.isEmpty, segments.allSatisfy({ $0.state.hasAudio && !$0.awaitingRecognition }) else { return nil }
        let state = parameters(book: book, chapters: chapters, chapter: chapter, segments: segments)
        guard chapter.exportHash == state.hash,
              filesVerify(chapter: chapter, of: chapters.count, extensions: ["timings.json"]) else { return nil }
        let url = store.layout.exportFile(chapter: number, of: chapters.count, ext: "timings.json")
        let timings = try JSONDecoder().decode(ChapterTimings.self, from: Data(contentsOf: url))
        let text = segments.flatMap { [$0.key, $0.sourceText] }
        return CurrentChapter(timings: timings, audioHash: state.masterHash,
                              textHash: Hashing.sha256Hex(text.joined(separator: "\u{1F}")))
    }

    /// The chapter's master audio, stitched again from its segments exactly as its export was (deterministic).
    public func stitchedMaster(chapter number: Int) throws -> StitchedChapter {
        guard let book = try store.book(),
              let chapter = try store.chapters().first(where: { $0.number == number }) else {
            throw BookvoxError.failure("no chapter \(number) in this project")
        }
        let roomTone = settings.roomTone ?? book.roomToneLevel ?? .default
        guard let (stitched, _) = try stitch(book: book, chapter: chapter, segments: try store.segments(chapter: number),
                                             roomTone: roomTone) else {
            throw BookvoxError.failure("chapter \(number) has segments without audio; run `bookvox resume`")
        }
        return stitched
    }

    /// Writes the chapter's subtitle files (cue text: the segments' source text) from its timings.
    func writeSubtitles(_ timings: ChapterTimings, of count: Int, tags: ID3Tags, formats: [SubtitleFormat],
                        texts: [String: String]) throws -> [String: String] {
        guard !formats.isEmpty else { return [:] }
        let cues = timings.segments.flatMap { t in
            SubtitleCues.cues(text: texts[t.key] ?? "",
                              startMs: BookTimeline.milliseconds(sample: Int64(t.startSample), rate: timings.sampleRate),
                              endMs: BookTimeline.milliseconds(sample: Int64(t.endSample), rate: timings.sampleRate))
        }
        let header = LRCHeader(title: tags.title, artist: tags.artist, album: tags.album)
        var hashes: [String: String] = [:]
        for f in formats {
            hashes[f.rawValue] = try writer.write(SubtitleWriter.render(cues, as: f, header: header),
                                                  to: store.layout.exportFile(chapter: timings.chapter, of: count, ext: f.rawValue).path)
        }
        return hashes
    }

    /// True when every file of the chapter with these extensions exists with the sha256 recorded when it was written.
    func filesVerify(chapter: ChapterRecord, of count: Int, extensions: [String]) -> Bool {
        let recorded = chapter.exportFileHashes
        return extensions.allSatisfy { ext in
            guard let want = recorded[ext] else { return false }
            return Hashing.sha256Hex(fileAt: store.layout.exportFile(chapter: chapter.number, of: count, ext: ext).path) == want
        }
    }

    /// Deletes export files of chapters the book no longer has (after an edit removed chapters).
    public func removeStaleExports() throws {
        let chapters = try store.chapters()
        let keep = Set(chapters.map { ProjectLayout.exportBaseName(chapter: $0.number, of: chapters.count) })
        let dir = store.layout.exportDir
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] where name.hasPrefix("chapter-") {
            let base = String(name.prefix { $0 != "." })
            if !keep.contains(base) { try FileManager.default.removeItem(at: dir.appendingPathComponent(name)) }
        }
        try store.removeOrphanExports()
        try ACXReport.prune(keeping: Set(try store.chapters().map(\.number)), layout: store.layout, writer: writer)
    }

    /// Measures the master (and the written MP3, decoded) and records the chapter in acx-report.json.
    private func recordACX(chapter number: Int, title: String, hash: String, stitched: StitchedChapter, mp3: Bool,
                           roomTone: RoomToneLevel, target: LoudnessTarget?, chapters: Set<Int>) throws {
        let layout = store.layout
        // The stitcher's final libebur128 measurement is of this very buffer.
        let known = stitched.outputLUFS.flatMap { l in stitched.outputTruePeakDBTP.map { (l, $0) } }
        let master = try ACXResult(stitched.audio, loudness: known)
        let coded = mp3 ? try ACXResult(AudioFile.read(path: layout.exportFile(chapter: number, of: chapters.count, ext: "mp3").path)) : nil
        let entry = ACXChapterEntry(chapter: number, title: title, exportHash: hash, master: master, mp3: coded,
                                    preGainDB: stitched.gainDB, limiterReductionDB: stitched.limiterReductionDB)
        if !entry.pass { log.warning("chapter \(number) does not pass the ACX check; see \(ACXReport.url(layout).path)") }
        try ACXReport.record(entry, targetLUFS: target?.integratedLUFS ?? LoudnessTarget.audiobook.integratedLUFS,
                             roomTone: roomTone, keeping: chapters, layout: layout, writer: writer)
    }

    static func artist(_ book: BookRecord) -> String {
        switch (book.author, book.narrator) {
        case let (a?, n?) where a != n: return "\(a); read by \(n)"
        case let (a?, _): return a
        case let (nil, n?): return n
        default: return "Unknown"
        }
    }

    /// What a chapter's export depends on: its tags, room tone, content hash and the hash of its audio alone.
    struct ExportParameters {
        let tags: ID3Tags
        let roomTone: RoomToneLevel
        let anchor: String
        /// Everything the files depend on (audio, tags, track number).
        let hash: String
        /// The master audio alone (segment audio and boundaries, chapter anchor, room tone, seed, versions).
        let masterHash: String
        /// The master and the MP3 bitrate: equal for a chapter that only moved or was re-tagged
        /// (Export/ExportRelabeling.swift).
        let audioHash: String
        /// The chapter files it writes: the requested formats and those exported earlier (e.g. a WAV from
        /// `export --format wav`), which are rewritten too, never left stale.
        let formats: Set<ExportFormat>
    }

    func parameters(book: BookRecord, chapters: [ChapterRecord], chapter: ChapterRecord, segments: [SegmentRecord]) -> ExportParameters {
        let track = (chapters.firstIndex { $0.number == chapter.number } ?? 0) + 1
        let tags = ID3Tags(title: TagText.singleLine(chapter.title), album: TagText.singleLine(book.title),
                           artist: TagText.singleLine(Self.artist(book)), track: track, trackCount: chapters.count)
        let roomTone = settings.roomTone ?? book.roomToneLevel ?? .default
        let anchor = segments.first?.chapterAnchor ?? SegmentIdentity.chapterAnchor(title: chapter.title, occurrence: 0)
        var master = ["audio", Self.version, ChapterStitching.version, "roomTone", roomTone.description,
                      "seed", String(book.bookSeed), "anchor", anchor]
        master += StitchSettings().applying(book.storedPace.pauses).pauseHashFields
        for s in segments { master += [s.audioSha256 ?? "", s.boundary] }
        let masterHash = Hashing.sha256Hex(master.joined(separator: "\u{1F}"))
        let layout = store.layout
        let exists = { (ext: String) in
            FileManager.default.fileExists(atPath: layout.exportFile(chapter: chapter.number, of: chapters.count, ext: ext).path)
        }
        // The read-along EPUB carries the chapters' MP3s.
        let requested = settings.formats.contains(.epub3) ? settings.formats.union([.mp3]) : settings.formats
        let formats = requested.filter(\.isChapterFile)
            .union(ExportFormat.allCases.filter { $0.isChapterFile && exists($0.rawValue) })
        let hash = contentHash(book: book, chapter: chapter, segments: segments, tags: tags, roomTone: roomTone,
                               subtitles: formats.contains { $0.subtitle != nil })
        return ExportParameters(tags: tags, roomTone: roomTone, anchor: anchor, hash: hash, masterHash: masterHash,
                                audioHash: Hashing.sha256Hex(["export-audio", masterHash, "bitrate", String(settings.bitrateKbps)]
                                    .joined(separator: "\u{1F}")),
                                formats: formats)
    }

    private func contentHash(book: BookRecord, chapter: ChapterRecord, segments: [SegmentRecord], tags: ID3Tags,
                             roomTone: RoomToneLevel, subtitles: Bool) -> String {
        var parts = ["export", Self.version, ChapterStitching.version, "bitrate", String(settings.bitrateKbps),
                     "roomTone", roomTone.description, "seed", String(book.bookSeed),
                     "title", tags.title, "album", tags.album, "artist", tags.artist,
                     "track", "\(tags.track)/\(tags.trackCount)"]
        parts += StitchSettings().applying(book.storedPace.pauses).pauseHashFields
        // Audio and boundaries only: keys move with edits elsewhere, the audio does not.
        for s in segments { parts += [s.audioSha256 ?? "", s.boundary] }
        // Subtitles show the source text, which can change without the audio changing.
        if subtitles { parts += ["subtitles", SubtitleCues.version] + segments.map(\.sourceText) }
        return Hashing.sha256Hex(parts.joined(separator: "\u{1F}"))
    }

    /// Writes the chapter's files; returns each file's sha256 by extension.
    private func write(chapter number: Int, of count: Int, title: String, stitched: StitchedChapter, tags: ID3Tags,
                       formats: Set<ExportFormat>, texts: [String: String]) throws -> [String: String] {
        let layout = store.layout
        // A user may have deleted export/ to free space: it is made again.
        try FileManager.default.createDirectory(at: layout.exportDir, withIntermediateDirectories: true)
        let master = stitched.audio
        var hashes: [String: String] = [:]
        if formats.contains(.flac) {
            hashes["flac"] = try writer.writeFile(at: layout.exportFile(chapter: number, of: count, ext: "flac").path) { temp in
                try AudioFile.write(master, to: temp, format: .flac, tags: tags)
            }
        }
        if formats.contains(.wav) {
            hashes["wav"] = try writer.writeFile(at: layout.exportFile(chapter: number, of: count, ext: "wav").path) { temp in
                try AudioFile.write(master, to: temp, format: .wav16)
            }
        }
        if formats.contains(.mp3) {
            let resampled = master.sampleRate == ExportSettings.mp3SampleRate
                ? master : try Resampler.resample(master, to: ExportSettings.mp3SampleRate)
            let mp3 = try MP3Encoder.encode(resampled, bitrateKbps: settings.bitrateKbps, tags: tags)
            hashes["mp3"] = try writer.write(mp3, to: layout.exportFile(chapter: number, of: count, ext: "mp3").path)
        }
        let timings = ChapterTimings(chapter: number, title: title, sampleRate: master.sampleRate,
                                     totalSamples: master.samples.count, segments: stitched.timings)
        hashes.merge(try writeSubtitles(timings, of: count, tags: tags, formats: formats.compactMap(\.subtitle), texts: texts)) { $1 }
        hashes["timings.json"] = try writer.write(try timings.encoded(), to: layout.exportFile(chapter: number, of: count, ext: "timings.json").path)
        return hashes
    }
}
