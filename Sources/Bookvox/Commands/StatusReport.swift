// `bookvox status`: per-chapter progress, failed and flagged segments, and each exported chapter's
// ACX check (from export/acx-report.json, where it belongs to the chapter's current export).
import Foundation

public struct StatusReport: Codable, Sendable, Equatable {
    public struct ChapterLine: Codable, Sendable, Equatable {
        public var number: Int
        public var title: String
        public var segments: Int
        public var rendered: Int
        public var pending: Int
        public var failed: Int
        public var flagged: Int
        public var exported: Bool
        public var seconds: Double
        /// Segments whose kept take went through the checks, passed them, or was flagged by them.
        public var checked: Int
        public var checksPassed: Int
        public var checksFlagged: Int
        /// The chapter's ACX check (nil until exported by this version, or when its report entry is stale).
        public var acx: ACXChapterEntry? = nil
    }

    public struct Problem: Codable, Sendable, Equatable {
        public var key: String
        public var text: String
        public var reason: String
    }

    public var title: String
    public var engine: String
    public var project: String
    public var chapters: [ChapterLine]
    public var flagged: [Problem]
    public var failed: [Problem]
    public var total: Int
    public var done: Int
    /// The project's last failure, until a later run succeeds.
    public var lastFailure: ProjectFailure?
    /// Set when the last run never finished (killed, crashed, or the disk filled before it could record why).
    public var unfinishedRun: UnfinishedRun?

    public struct UnfinishedRun: Codable, Sendable, Equatable {
        public var pid: Int32
        public var started: Double
        public var engine: String
    }

    public static func make(project: ProjectLayout) throws -> StatusReport {
        let store = try JobStore(layout: project, readOnly: true)
        guard let book = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        let segs = try store.segments()
        let byChapter = Dictionary(grouping: segs, by: \.chapter)
        let acx = ACXReport.load(project)
        let chapters = try store.chapters().map { ch -> ChapterLine in
            let s = byChapter[ch.number] ?? []
            return ChapterLine(
                number: ch.number, title: ch.title, segments: s.count, rendered: s.filter { $0.state.hasAudio }.count,
                pending: s.filter { $0.state == .pending || $0.state == .generated }.count,
                failed: s.filter { $0.state == .failed }.count, flagged: s.filter { $0.state == .flagged }.count,
                exported: ch.exportHash != nil, seconds: s.compactMap(\.duration).reduce(0, +),
                checked: s.filter { $0.state.hasAudio && $0.qaScore != nil }.count,
                checksPassed: s.filter { $0.state.hasAudio && $0.qaScore == 0 }.count,
                checksFlagged: s.filter { $0.state == .flagged && ($0.flagReason?.hasPrefix("QA:") ?? false) }.count,
                acx: ch.exportHash.flatMap { acx?.current(chapter: ch.number, exportHash: $0) })
        }
        return StatusReport(
            title: book.title, engine: book.engine, project: project.root.path, chapters: chapters,
            flagged: segs.filter { $0.state == .flagged }.map { Problem(key: $0.key, text: $0.sourceText, reason: $0.flagReason ?? "") },
            failed: segs.filter { $0.state == .failed }.map { Problem(key: $0.key, text: $0.sourceText, reason: $0.lastError ?? "") },
            total: segs.count, done: segs.filter { $0.state.hasAudio }.count,
            lastFailure: book.failure, unfinishedRun: try store.runs().last.flatMap(Self.unfinished))
    }

    /// A run still marked "running" whose process is gone.
    static func unfinished(_ run: RunRecord) -> UnfinishedRun? {
        guard run.status == "running", run.finished == nil else { return nil }
        if kill(run.pid, 0) == 0 || errno == EPERM { return nil }
        return UnfinishedRun(pid: run.pid, started: run.started, engine: run.engine)
    }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    public var text: String {
        var lines = ["\(title) — engine \(engine) — \(done)/\(total) segments rendered", "project: \(project)"]
        for c in chapters {
            var extra: [String] = []
            if c.failed > 0 { extra.append("\(c.failed) failed") }
            if c.flagged > 0 { extra.append("\(c.flagged) flagged") }
            if c.checked > 0 { extra.append("checks \(c.checksPassed)/\(c.checked) passed") }
            if c.exported { extra.append("exported") }
            if let a = c.acx, !a.pass { extra.append("ACX fail: " + Self.failures(a)) }
            lines.append(String(format: "  %3d  ", c.number) + c.title.padded(32)
                + " \(c.rendered)/\(c.segments)".padded(12) + extra.joined(separator: ", "))
        }
        let checked = chapters.reduce(0) { $0 + $1.checked }
        if checked > 0 {
            let passed = chapters.reduce(0) { $0 + $1.checksPassed }, byChecks = chapters.reduce(0) { $0 + $1.checksFlagged }
            lines.append("checks: \(passed) of \(checked) segments passed" + (byChecks > 0
                ? "; \(byChecks) flagged after every take failed (`bookvox review` lists them)" : ""))
        }
        let acxChecked = chapters.compactMap(\.acx)
        if !acxChecked.isEmpty {
            lines.append("ACX: \(acxChecked.filter(\.pass).count)/\(acxChecked.count) chapters pass"
                + (acxChecked.count < chapters.count ? " (\(chapters.count - acxChecked.count) not checked: not exported yet)" : ""))
        }
        if !flagged.isEmpty {
            lines.append("flagged:")
            lines += flagged.map { "  \($0.key)  \($0.reason)  “\($0.text.prefix(60))”" }
        }
        if !failed.isEmpty {
            lines.append("failed:")
            lines += failed.map { "  \($0.key)  \($0.reason)" }
        }
        if let f = lastFailure {
            lines.append("last failure (\(f.command), \(Self.timestamp(f.time))): \(f.message)")
            lines.append("  what to do: \(f.hint)")
        }
        if let r = unfinishedRun {
            lines.append("the last run (pid \(r.pid), started \(Self.timestamp(r.started))) did not finish: it was killed, "
                + "crashed or ran out of disk space. `bookvox resume` continues it; nothing saved is lost.")
        }
        return lines.joined(separator: "\n")
    }

    /// The failed ACX rules of a chapter, e.g. "RMS -24.1 dB (master)".
    static func failures(_ a: ACXChapterEntry) -> String {
        var out: [String] = []
        for (name, r) in [("master", a.master), ("mp3", a.mp3)] {
            guard let r else { continue }
            let m = r.measurement
            func db(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "-inf" }
            if !r.checks.rms { out.append("RMS \(db(m.rmsDB)) dB (\(name))") }
            if !r.checks.peak { out.append("peak \(db(m.truePeakDBTP)) dBTP (\(name))") }
            if !r.checks.noiseFloor { out.append("floor \(db(m.noiseFloorDB)) dB (\(name))") }
        }
        return out.joined(separator: ", ")
    }
}

extension StatusReport {
    static func timestamp(_ t: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f.string(from: Date(timeIntervalSince1970: t))
    }
}
