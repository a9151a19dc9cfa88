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
    /// Records the book and its plan. Each planned segment takes over the stored row with the same content
    /// (SegmentIdentity): first a row of the same chapter anchor, then one of any chapter, in book order.
    /// A row whose cache identity is unchanged keeps state, take, seed, flag and audio; a row whose identity
    /// changed (voice, engine, settings) is queued again from take 1; planned segments without a row are new.
    /// Keys are reassigned from the plan, so they always read as the current book's addresses.
    @discardableResult
    ///
    /// `voices`: the cache identity inputs of the cast's voices other than the default (RenderCast); a segment of the
    /// default voice has the book's voice and `engine`, exactly as in a book without a cast.
    public func sync(plan: BookPlan, book: BookRecord, engine: EngineIdentity,
                     voices: [String: VoiceIdentity] = [:]) throws -> PlanSyncSummary {
        try write { db in
            try book.save(db)
            // A chapter number's export record describes the files under that number, whatever chapter is there
            // now; numbers the plan no longer has keep theirs as orphans (their files may move to a new number).
            let oldChapters = Dictionary(uniqueKeysWithValues: try ChapterRecord.fetchAll(db).map { ($0.number, $0) })
            let orphans = Dictionary(uniqueKeysWithValues: try OrphanExportRecord.fetchAll(db).map { ($0.number, $0) })
            try ChapterRecord.deleteAll(db)
            try OrphanExportRecord.deleteAll(db)
            let plannedNumbers = Set(plan.chapters.map(\.number))
            for ch in plan.chapters {
                if let old = oldChapters[ch.number], old.exportHash != nil {
                    try ChapterRecord(number: ch.number, title: ch.title, segmentCount: ch.segments.count, exportHash: old.exportHash,
                                      exportFiles: old.exportFiles, exportAudioHash: old.exportAudioHash).insert(db)
                } else {
                    let orphan = orphans[ch.number]
                    try ChapterRecord(number: ch.number, title: ch.title, segmentCount: ch.segments.count, exportHash: orphan?.exportHash,
                                      exportFiles: orphan?.exportFiles, exportAudioHash: orphan?.exportAudioHash).insert(db)
                }
            }
            for old in oldChapters.values where !plannedNumbers.contains(old.number) && old.exportHash != nil {
                try OrphanExportRecord(number: old.number, exportHash: old.exportHash, exportFiles: old.exportFiles,
                                       exportAudioHash: old.exportAudioHash).insert(db)
            }
            for orphan in orphans.values where !plannedNumbers.contains(orphan.number) && oldChapters[orphan.number]?.exportHash == nil {
                try orphan.insert(db)
            }
            let stored = try SegmentRecord.order(Column("chapter"), Column("position"), Column("id")).fetchAll(db)
            let planned = plan.chapters.flatMap { ch in ch.segments.map { (chapter: ch, segment: $0) } }
            let matches = Self.match(planned: planned.map { ($0.chapter.anchor, $0.segment.contentID) },
                                     stored: stored.map { ($0.chapterAnchor, $0.contentID) })
            // Keys move between rows: park every key first so reassigning never meets a stale one.
            try db.execute(sql: "UPDATE segments SET key = '#' || id")
            var summary = PlanSyncSummary(kept: 0, queued: 0, removed: 0)
            let bookRate = book.storedPace.rate
            for (i, item) in planned.enumerated() {
                let seg = item.segment
                let voice = plan.isDefaultVoice(seg.voice) ? nil : seg.voice.flatMap { voices[$0] }
                // The book's rate times the segment's voice's own rate (a cast voice's `rate:`).
                let rate = seg.rate ?? bookRate * (plan.voiceRate(seg.voice) ?? 1)
                let identity = CacheIdentity.of(normalizedText: seg.textForEngine, language: plan.language,
                                                voiceHash: voice.map(\.voiceHash) ?? book.voiceSha256, engine: voice?.engine ?? engine,
                                                bookSeed: book.bookSeed, rate: rate)
                var rec: SegmentRecord
                if let j = matches[i] {
                    rec = stored[j]
                    if rec.cacheIdentity == identity {
                        summary.kept += 1
                    } else {
                        rec.resetForSynthesis(seed: SegmentIdentity.seed(bookSeed: book.bookSeed, contentID: seg.contentID, take: 1))
                        try db.execute(sql: "DELETE FROM takes WHERE segmentID = ?", arguments: [rec.id])
                        rec.cacheIdentity = identity
                        summary.queued += 1
                    }
                } else {
                    rec = SegmentRecord(
                        id: nil, key: seg.key, chapter: seg.chapter, index: seg.index, paragraph: seg.paragraph,
                        sourceText: seg.sourceText, normalizedText: seg.normalizedText, boundary: seg.boundary,
                        language: plan.language, state: .pending, take: 1, attempts: 0,
                        seed: Int64(bitPattern: SegmentIdentity.seed(bookSeed: book.bookSeed, contentID: seg.contentID, take: 1)),
                        codes: nil, codesHash: nil, audioPath: nil, audioSha256: nil, sampleCount: nil, sampleRate: nil,
                        lastError: nil, flagReason: nil, cacheIdentity: identity, occurrence: seg.occurrence,
                        contentID: seg.contentID, chapterAnchor: item.chapter.anchor)
                    summary.queued += 1
                }
                rec.key = seg.key
                rec.chapter = seg.chapter
                rec.index = seg.index
                rec.paragraph = seg.paragraph
                rec.sourceText = seg.sourceText
                rec.boundary = seg.boundary
                rec.language = plan.language
                rec.chapterAnchor = item.chapter.anchor
                rec.engineText = seg.engineText
                rec.rate = rate == 1 ? nil : rate
                rec.voice = seg.voice
                try rec.save(db)
            }
            let kept = Set(matches.compactMap { $0 })
            for (j, rec) in stored.enumerated() where !kept.contains(j) {
                try db.execute(sql: "DELETE FROM segments WHERE id = ?", arguments: [rec.id])
                summary.removed += 1
            }
            return summary
        }
    }

    /// For each planned (anchor, content id), the index of the stored row it takes over, if any: rows with the
    /// same anchor and content id first (in book order), then the remaining rows with the same content id.
    static func match(planned: [(anchor: String, content: String)], stored: [(anchor: String, content: String)]) -> [Int?] {
        var byAnchor: [String: [Int]] = [:]
        var byContent: [String: [Int]] = [:]
        for (j, s) in stored.enumerated() {
            byAnchor[s.anchor + "\u{1F}" + s.content, default: []].append(j)
            byContent[s.content, default: []].append(j)
        }
        var taken = Set<Int>()
        var result = [Int?](repeating: nil, count: planned.count)
        var cursor: [String: Int] = [:]
        func take(_ list: [Int]?, _ slot: String) -> Int? {
            guard let list else { return nil }
            var k = cursor[slot, default: 0]
            while k < list.count, taken.contains(list[k]) { k += 1 }
            cursor[slot] = k
            guard k < list.count else { return nil }
            taken.insert(list[k])
            return list[k]
        }
        for (i, p) in planned.enumerated() {
            let slot = p.anchor + "\u{1F}" + p.content
            result[i] = take(byAnchor[slot], "a" + slot)
        }
        for (i, p) in planned.enumerated() where result[i] == nil {
            result[i] = take(byContent[p.content], "c" + p.content)
        }
        return result
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
                try requeueUnverified(seg, codesOK: codesOK)
            } else if seg.state == .generated, !codesOK {
                summary.requeued.append(seg.key)
                try write { db in
                    try db.execute(sql: "UPDATE segments SET state = ?, codes = NULL, codesHash = NULL WHERE id = ?",
                                   arguments: [SegmentState.pending, seg.id])
                }
            }
        }
        removeTemporaryFiles()
        return summary
    }

    /// True when the segment's audio file exists with its recorded sha256.
    public func audioVerifies(_ seg: SegmentRecord) -> Bool {
        guard let rel = seg.audioPath, let recorded = seg.audioSha256 else { return false }
        return Hashing.sha256Hex(fileAt: layout.absolute(rel).path) == recorded
    }

    /// Re-queues a segment whose audio did not verify, with the same take (hence the same seed and, for a
    /// deterministic engine, the same audio), keeping its codes when they verify and its flag.
    public func requeueUnverified(_ seg: SegmentRecord, codesOK: Bool? = nil) throws {
        let codesOK = codesOK ?? (seg.codes.map { Hashing.sha256Hex($0) == seg.codesHash } ?? false)
        try write { db in
            try db.execute(sql: """
                UPDATE segments SET state = ?, audioPath = NULL, audioSha256 = NULL, sampleCount = NULL,
                sampleRate = NULL, codes = ?, codesHash = ?, lastError = ? WHERE id = ?
                """, arguments: [codesOK ? SegmentState.generated : SegmentState.pending,
                                 codesOK ? seg.codes : nil, codesOK ? seg.codesHash : nil,
                                 "audio file missing or changed on disk; re-queued", seg.id])
        }
    }

    /// Deletes `.tmp-*` leftovers of writes a killed process never renamed (segments, voices, exports).
    /// Only called under the project lock, so no live write is touched.
    public func removeTemporaryFiles() {
        let fm = FileManager.default
        for dir in [layout.segmentsDir, layout.voicesDir, layout.exportDir] {
            guard let e = fm.enumerator(atPath: dir.path) else { continue }
            for case let rel as String in e where (rel as NSString).lastPathComponent.hasPrefix(".tmp-") {
                try? fm.removeItem(atPath: dir.appendingPathComponent(rel).path)
            }
        }
    }
}
