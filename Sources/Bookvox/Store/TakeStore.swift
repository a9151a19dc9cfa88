// Takes of a segment in the job store: every take is recorded with its checks and score; the segment
// row points at the take that is kept.
import Foundation
import GRDB

extension JobStore {
    public func recordTake(_ take: TakeRecord) throws {
        try write { db in try take.save(db) }
    }

    /// Every recorded take of a segment, in take order.
    public func takes(segmentID: Int64) throws -> [TakeRecord] {
        try pool.read { try TakeRecord.filter(Column("segmentID") == segmentID).order(Column("take")).fetchAll($0) }
    }

    /// Every recorded take of the project.
    public func allTakes() throws -> [TakeRecord] {
        try pool.read { try TakeRecord.order(Column("segmentID"), Column("take")).fetchAll($0) }
    }

    /// The best take with audio from `from` on: the lowest score, the earliest take on a tie.
    public func bestTake(segmentID: Int64, from: Int) throws -> TakeRecord? {
        try takes(segmentID: segmentID).filter { $0.take >= from && $0.audioPath != nil }
            .min { ($0.score, $0.take) < ($1.score, $1.take) }
    }

    /// Makes `take` the segment's audio. The segment is `flagged` when the user flagged it or `autoFlag`
    /// says why no take passed its checks, else `rendered`. Stored codes are kept only if they are this take's.
    public func keepTake(_ take: TakeRecord, autoFlag: String?, awaitingRecognition: Bool = false) throws {
        try write { db in try Self.keepTake(take, autoFlag: autoFlag, awaitingRecognition: awaitingRecognition, db) }
    }

    static func keepTake(_ take: TakeRecord, autoFlag: String?, awaitingRecognition: Bool, _ db: Database) throws {
            try db.execute(sql: """
                UPDATE segments SET
                  codes = CASE WHEN take = ? THEN codes ELSE NULL END,
                  codesHash = CASE WHEN take = ? THEN codesHash ELSE NULL END,
                  flagReason = COALESCE(flagReason, ?),
                  state = CASE WHEN flagReason IS NULL AND ? IS NULL THEN ? ELSE ? END,
                  take = ?, seed = ?, audioPath = ?, audioSha256 = ?, sampleCount = ?, sampleRate = ?,
                  qaScore = ?, qaFindings = ?, lastError = NULL, awaitingRecognition = ?
                WHERE id = ?
                """, arguments: [take.take, take.take, autoFlag, autoFlag, SegmentState.rendered, SegmentState.flagged,
                                 take.take, take.seed, take.audioPath, take.audioSha256, take.sampleCount, take.sampleRate,
                                 take.score, take.findings, awaitingRecognition, take.segmentID])
    }
}
