// Re-planning and verification: brings the store in line with the current book text and with
// what is actually on disk. Unchanged cache identities keep their audio; everything else is queued.
import Foundation
import GRDB
import Neural

public struct PlanSyncSummary: Sendable, Equatable {
    /// Segments whose identity was unchanged (their state and audio kept).
    public var kept: Int
    /// New or changed segments queued for synthesis.
    public var queued: Int
    /// Segments no longer in the book, removed.
    public var removed: Int

    public init(kept: Int, queued: Int, removed: Int) {
        self.kept = kept
        self.queued = queued
        self.removed = removed
    }
}

public struct VerifySummary: Sendable, Equatable {
    public var verified: Int
    /// Keys whose audio was missing or did not match its sha256 (re-queued with the same take).
    public var requeued: [String]
}

extension JobStore {
    /// Records the book and its plan. Segments whose cache identity is unchanged keep state, take and audio.
    @discardableResult
    public func sync(plan: BookPlan, book: BookRecord, engine: EngineIdentity) throws -> PlanSyncSummary {
        try write { db in
            try book.save(db)
            let oldChapters = Dictionary(uniqueKeysWithValues: try ChapterRecord.fetchAll(db).map { ($0.number, $0) })
            try ChapterRecord.deleteAll(db)
            for ch in plan.chapters {
                let rec = ChapterRecord(number: ch.number, title: ch.title, segmentCount: ch.segments.count,
                                        exportHash: oldChapters[ch.number]?.exportHash)
                try rec.insert(db)
            }
            var summary = PlanSyncSummary(kept: 0, queued: 0, removed: 0)
            var planned = Set<String>()
            for seg in plan.segments {
                planned.insert(seg.key)
                let identity = CacheIdentity.of(normalizedText: seg.normalizedText, language: plan.language,
                                                voiceHash: book.voiceSha256, engine: engine, bookSeed: book.bookSeed)
                if var old = try SegmentRecord.fetchOne(db, key: seg.key), old.cacheIdentity == identity {
                    old.chapter = seg.chapter
                    old.index = seg.index
                    old.paragraph = seg.paragraph
                    old.sourceText = seg.sourceText
                    old.boundary = seg.boundary
                    try old.update(db)
                    summary.kept += 1
                    continue
                }
                let seed = SeededRNG.segmentSeed(bookSeed: book.bookSeed, key: seg.key, take: 1)
                let rec = SegmentRecord(
                    key: seg.key, chapter: seg.chapter, index: seg.index, paragraph: seg.paragraph,
                    sourceText: seg.sourceText, normalizedText: seg.normalizedText, boundary: seg.boundary,
                    language: plan.language, state: .pending, take: 1, attempts: 0, seed: Int64(bitPattern: seed),
                    codes: nil, codesHash: nil, audioPath: nil, audioSha256: nil, sampleCount: nil, sampleRate: nil,
                    lastError: nil, flagReason: nil, cacheIdentity: identity)
                try rec.save(db)
                summary.queued += 1
            }
            for key in try String.fetchAll(db, sql: "SELECT key FROM segments") where !planned.contains(key) {
                try db.execute(sql: "DELETE FROM segments WHERE key = ?", arguments: [key])
                summary.removed += 1
            }
            return summary
        }
    }

    /// Trusts nothing the database cannot verify: every segment with audio must have its file with the
    /// recorded sha256, every generated segment codes with the recorded hash. Failures are re-queued with
    /// the same take (so the same seed), keeping verified codes.
    @discardableResult
    public func verify() throws -> VerifySummary {
        var summary = VerifySummary(verified: 0, requeued: [])
        for seg in try segments() {
            let codesOK = seg.codes.map { Hashing.sha256Hex($0) == seg.codesHash } ?? false
            if seg.state.hasAudio {
                let path = seg.audioPath.map { layout.absolute($0).path }
                if let path, let sha = Hashing.sha256Hex(fileAt: path), sha == seg.audioSha256 {
                    summary.verified += 1
                    continue
                }
                summary.requeued.append(seg.key)
                try write { db in
                    try db.execute(sql: """
                        UPDATE segments SET state = ?, audioPath = NULL, audioSha256 = NULL, sampleCount = NULL,
                        sampleRate = NULL, codes = ?, codesHash = ?, lastError = ? WHERE key = ?
                        """, arguments: [codesOK ? SegmentState.generated : SegmentState.pending,
                                         codesOK ? seg.codes : nil, codesOK ? seg.codesHash : nil,
                                         "audio file missing or changed on disk; re-queued", seg.key])
                }
            } else if seg.state == .generated, !codesOK {
                summary.requeued.append(seg.key)
                try write { db in
                    try db.execute(sql: "UPDATE segments SET state = ?, codes = NULL, codesHash = NULL WHERE key = ?",
                                   arguments: [SegmentState.pending, seg.key])
                }
            }
        }
        removeTemporaryFiles()
        return summary
    }

    /// Deletes `.tmp-*` leftovers of writes a killed process never renamed.
    func removeTemporaryFiles() {
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: layout.segmentsDir.path) else { return }
        for case let rel as String in e where (rel as NSString).lastPathComponent.hasPrefix(".tmp-") {
            try? fm.removeItem(atPath: layout.segmentsDir.appendingPathComponent(rel).path)
        }
    }
}
