// `export/acx-report.json`: the ACX check (ACXCheck) of every exported chapter.
//
// Each chapter's entry is measured when the chapter is exported, on
//   * `master`: the chapter exactly as the FLAC/WAV master holds it (the engine's sample rate,
//     measured before the files' 16-bit quantization, which moves no figure by 0.01 dB), and
//   * `mp3`: the chapter's MP3 as written (44.1 kHz resample + LAME), decoded again, since that is
//     the file ACX receives (absent when no MP3 is exported);
// `pass` is true when every measured file passes every rule. The entry carries the chapter's export
// hash, so a reader can tell a current entry from one left by an older export. The file is rewritten
// (atomically) after every chapter export and after removed chapters' exports are deleted; its bytes
// depend only on the measurements (sorted keys, no timestamps).
import AudioDSP
import Foundation

public struct ACXResult: Codable, Sendable, Equatable {
    public var measurement: ACXMeasurement
    public var checks: ACXVerdict

    public init(_ buffer: AudioBuffer, loudness: (integratedLUFS: Double, truePeakDBTP: Double)? = nil,
                rules: ACXRules = .acx) throws {
        measurement = try ACXCheck.measure(buffer, loudness: loudness)
        checks = ACXCheck.verdict(measurement, rules: rules)
    }
}

public struct ACXChapterEntry: Codable, Sendable, Equatable {
    public var chapter: Int
    public var title: String
    public var exportHash: String
    public var master: ACXResult
    public var mp3: ACXResult?
    /// The stitcher's pre-gain and the limiter's deepest reduction (dB).
    public var preGainDB: Double
    public var limiterReductionDB: Double
    public var pass: Bool

    public init(chapter: Int, title: String, exportHash: String, master: ACXResult, mp3: ACXResult?,
                preGainDB: Double, limiterReductionDB: Double) {
        self.chapter = chapter
        self.title = title
        self.exportHash = exportHash
        self.master = master
        self.mp3 = mp3
        self.preGainDB = preGainDB
        self.limiterReductionDB = limiterReductionDB
        pass = master.checks.pass && (mp3?.checks.pass ?? true)
    }
}

public struct ACXReport: Codable, Sendable, Equatable {
    public var rules: ACXRules
    /// Book-wide loudness target the chapters are leveled to (LUFS) and the room tone used.
    public var targetLUFS: Double
    public var roomTone: String
    public var chapters: [ACXChapterEntry]

    public static let fileName = "acx-report.json"

    public static func url(_ layout: ProjectLayout) -> URL { layout.exportDir.appendingPathComponent(fileName) }

    /// The report in `layout`'s export folder; nil when there is none or it cannot be read (every
    /// chapter then counts as unchecked and is exported again).
    public static func load(_ layout: ProjectLayout) -> ACXReport? {
        guard let data = try? Data(contentsOf: url(layout)) else { return nil }
        return try? JSONDecoder().decode(ACXReport.self, from: data)
    }

    /// The entry of `chapter` if it belongs to the export with `exportHash`.
    public func current(chapter: Int, exportHash: String?) -> ACXChapterEntry? {
        chapters.first { $0.chapter == chapter && $0.exportHash == exportHash }
    }

    /// Stable bytes: sorted keys, no timestamps.
    public func encoded() throws -> Data { try stableJSON() }

    /// Replaces `entry`'s chapter in the report (creating it), keeps only `chapters`, writes it.
    static func record(_ entry: ACXChapterEntry, targetLUFS: Double, roomTone: RoomToneLevel, keeping chapters: Set<Int>,
                       layout: ProjectLayout, writer: FileWriting) throws {
        var report = load(layout) ?? ACXReport(rules: .acx, targetLUFS: targetLUFS, roomTone: roomTone.description, chapters: [])
        report.rules = .acx
        report.targetLUFS = targetLUFS
        report.roomTone = roomTone.description
        report.chapters = (report.chapters.filter { $0.chapter != entry.chapter } + [entry])
            .filter { chapters.contains($0.chapter) }.sorted { $0.chapter < $1.chapter }
        try writer.write(try report.encoded(), to: url(layout).path)
    }

    /// Drops the entries of chapters the book no longer has.
    static func prune(keeping chapters: Set<Int>, layout: ProjectLayout, writer: FileWriting) throws {
        guard var report = load(layout) else { return }
        let kept = report.chapters.filter { chapters.contains($0.chapter) }
        guard kept.count != report.chapters.count else { return }
        report.chapters = kept
        try writer.write(try report.encoded(), to: url(layout).path)
    }
}
