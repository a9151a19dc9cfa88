// `bookvox review`: every checked segment by the score of its kept take, worst first, with its text,
// what speech recognition heard, what the checks found and every take tried.
import Foundation

public struct ReviewReport: Codable, Sendable, Equatable {
    public struct Take: Codable, Sendable, Equatable {
        public var take: Int
        public var score: Double?
        public var passed: Bool
        public var kept: Bool
        public var findings: [QAFinding]
        public var transcript: String?
        public var wordErrorRate: Double?
        /// The engine error of a take that produced no audio.
        public var error: String?
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var key: String
        public var chapter: Int
        public var state: String
        /// Score of the kept take: 0 when it passed every check; lower is better.
        public var score: Double?
        public var text: String
        public var transcript: String?
        public var findings: [QAFinding]
        public var flagReason: String?
        public var takes: [Take]
    }

    public var title: String
    public var checked: Int
    public var withFindings: Int
    public var segments: [Entry]

    public static func make(project: ProjectLayout) throws -> ReviewReport {
        let store = try JobStore(layout: project, readOnly: true)
        guard let book = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        let takes = Dictionary(grouping: try store.allTakes(), by: \.segmentID)
        var entries: [Entry] = []
        for seg in try store.segments() {
            guard let segTakes = takes[seg.rowID], !segTakes.isEmpty else { continue }
            let kept = segTakes.first { $0.take == seg.take && seg.state.hasAudio }
            entries.append(Entry(
                key: seg.key, chapter: seg.chapter, state: seg.state.rawValue, score: seg.state.hasAudio ? seg.qaScore : nil,
                text: seg.sourceText, transcript: kept?.transcript, findings: seg.state.hasAudio ? seg.findings : [],
                flagReason: seg.flagReason,
                takes: segTakes.map { t in
                    Take(take: t.take, score: t.audioPath == nil ? nil : t.score, passed: t.passed,
                         kept: t.take == seg.take && seg.state.hasAudio, findings: t.decodedFindings,
                         transcript: t.transcript, wordErrorRate: t.wordErrorRate, error: t.error)
                }))
        }
        // Worst first: failed segments (no audio), then by score, then in book order.
        let order = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
        entries.sort { a, b in
            let sa = a.score ?? .infinity, sb = b.score ?? .infinity
            return sa != sb ? sa > sb : order[a.key, default: 0] < order[b.key, default: 0]
        }
        return ReviewReport(title: book.title, checked: entries.count,
                            withFindings: entries.filter { ($0.score ?? .infinity) > 0 }.count, segments: entries)
    }

    public func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        enc.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    /// Segments with findings, worst first; `all` lists the ones that passed too.
    public func text(all: Bool = false) -> String {
        var lines = ["\(title) — \(checked) segments checked, \(withFindings) with findings"]
        for e in segments where all || (e.score ?? .infinity) > 0 {
            let score = e.score.map { String(format: "%.2f", $0) } ?? "no audio"
            lines.append("  \(e.key)  [\(score)] \(e.state)  “\(e.text.prefix(70))”")
            if let heard = e.transcript { lines.append("      heard: “\(heard.prefix(70))”") }
            for f in e.findings { lines.append("      \(f.check): \(f.detail)") }
            if e.takes.count > 1 {
                lines.append("      takes: " + e.takes.map { t in
                    "\(t.take)\(t.kept ? "*" : "") " + (t.error != nil ? "error" : t.score.map { String(format: "%.2f", $0) } ?? "-")
                }.joined(separator: ", "))
            }
        }
        if withFindings == 0 { lines.append("every checked segment passed its checks.") }
        return lines.joined(separator: "\n")
    }
}
