// The job store interface: the operations the pipeline performs on one book's job state (book, chapters,
// segments, takes, voices, runs, exports, failures), independent of where that state lives. `JobStore`
// (SQLite, one database per project) implements it; a PostgreSQL store (several books in one database,
// shared by workers on several machines) implements it too (docs/distributed.md).
//
// Every operation is one transaction in the implementing store: a killed process leaves the state as it
// was before or after the operation, never between. Operations that read and then write (flag, keepTake,
// sync, clearFailure with kinds) do so inside that one transaction.
//
// Not yet behind this interface (still on JobStore, SQLite only): RecognitionPass's batch update of takes and
// segments after speech recognition (one transaction over GRDB's Database), `layout`-based file checks
// (verify, audioVerifies, requeueUnverified, removeTemporaryFiles) and plan sync. See docs/distributed.md.
import Foundation

public typealias BookStore = BookRecordStore & SegmentStore

/// The book-level records: the book, its chapters' export records, book exports, voices, runs, failures.
public protocol BookRecordStore: AnyObject, Sendable {
    func book() throws -> BookRecord?
    func saveBook(_ book: BookRecord) throws
    func chapters() throws -> [ChapterRecord]
    /// Records a chapter's export (content hash, audio hash, sha256 of each file by extension); nil forgets it.
    func setExport(chapter: Int, hash: String?, audioHash: String?, files: [String: String]) throws
    func setExportAudioHash(chapter: Int, _ hash: String) throws
    func orphanExports() throws -> [OrphanExportRecord]
    /// Forgets orphaned export records: `numbers`, or all of them.
    func removeOrphanExports(_ numbers: [Int]?) throws
    func bookExports() throws -> [BookExportRecord]
    /// Replaces the record of the book-level export files (delete and insert in one transaction).
    func setBookExports(_ records: [BookExportRecord]) throws

    func voice(sha256: String) throws -> VoiceRecord?
    func saveVoice(_ voice: VoiceRecord) throws
    func startRun(engine: String) throws -> Int64
    func finishRun(_ id: Int64, status: String, error: String?) throws
    func runs() throws -> [RunRecord]
    /// Best effort (a failing write is ignored: the disk may be full).
    func recordFailure(_ failure: ProjectFailure)
    /// Forgets the last failure, or only one of `kinds` (read and clear in one transaction).
    func clearFailure(kinds: Set<ProjectFailure.Kind>?)
}

/// The segments and their takes: the queue of synthesis work and its results.
public protocol SegmentStore: AnyObject, Sendable {

    func segments() throws -> [SegmentRecord]
    func segments(chapter: Int) throws -> [SegmentRecord]
    func segment(_ key: String) throws -> SegmentRecord?
    func segment(id: Int64) throws -> SegmentRecord?
    func pendingSegments() throws -> [SegmentRecord]
    func markGenerated(id: Int64, take: Int, codes: Data, codesHash: String) throws
    func markRendered(id: Int64, take: Int, audioPath: String, sha256: String, sampleCount: Int, sampleRate: Int) throws
    func markFailed(id: Int64, error: String, nextTake: (take: Int, seed: UInt64)?) throws
    func recordError(id: Int64, error: String) throws
    func countAttempt(id: Int64) throws
    /// Flags a rendered segment (read, check and update in one transaction).
    func flag(key: String, reason: String?) throws
    func requeue(id: Int64, take: Int, seed: UInt64, reason: String?) throws
    func retryFailed() throws

    func recordTake(_ take: TakeRecord) throws
    func takes(segmentID: Int64) throws -> [TakeRecord]
    func allTakes() throws -> [TakeRecord]
    /// Makes `take` the segment's audio (one UPDATE whose CASEs read the row it writes).
    func keepTake(_ take: TakeRecord, autoFlag: String?, awaitingRecognition: Bool) throws
}

extension SegmentStore {
    /// The best take with audio from `from` on: the lowest score, the earliest take on a tie.
    public func bestTake(segmentID: Int64, from: Int) throws -> TakeRecord? {
        try takes(segmentID: segmentID).filter { $0.take >= from && $0.audioPath != nil }
            .min { ($0.score, $0.take) < ($1.score, $1.take) }
    }
}

extension JobStore: BookRecordStore, SegmentStore {}
