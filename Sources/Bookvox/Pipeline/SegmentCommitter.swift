// The scheduler's sink: stores codes, writes each take's audio atomically (file first, row second),
// checks it (QA/TakeAssessment: signal checks, speech recognition when configured), records every take
// with its verdict, and decides: keep a take that passes; otherwise try the next take, and after
// `maxTakes` keep the best one and flag the segment with what its checks found. Triggers a chapter's
// export once its last segment is final.
import AudioDSP
import Foundation
import Logging
import Neural
import SpeechEngine

public final class SegmentCommitter: SchedulerSink, @unchecked Sendable {
    let store: JobStore
    let writer: FileWriting
    let bookSeed: UInt64
    /// Checks every take (nil: every take is kept as it is).
    let qa: QASettings?
    /// Takes per round (the run's `--max-takes`; 1 for an engine whose output does not depend on the seed).
    let maxTakes: Int
    /// When set, a take that passes its signal checks is kept awaiting the word check (RecognitionPass).
    let recognizer: SpeechRecognizing?
    /// Called after each segment is final (progress), from the check queue.
    let onSaved: @Sendable (SegmentJob) -> Void
    /// Called when every segment of a chapter has audio.
    let onChapterComplete: @Sendable (Int) -> Void
    private let log = Logger(label: "bookvox.commit")

    init(store: JobStore, writer: FileWriting, bookSeed: UInt64, qa: QASettings?, maxTakes: Int,
         recognizer: SpeechRecognizing?,
         onSaved: @escaping @Sendable (SegmentJob) -> Void, onChapterComplete: @escaping @Sendable (Int) -> Void) {
        self.store = store
        self.writer = writer
        self.bookSeed = bookSeed
        self.qa = qa
        self.maxTakes = max(1, maxTakes)
        self.recognizer = recognizer
        self.onSaved = onSaved
        self.onChapterComplete = onChapterComplete
    }

    public func didGenerate(_ job: SegmentJob, codes: GeneratedCodes) throws {
        let blob = try Self.encode(codes)
        try store.markGenerated(id: job.segmentID, take: job.request.take, codes: blob, codesHash: Hashing.sha256Hex(blob))
    }

    public func saveTake(_ job: SegmentJob, audio: AudioBuffer) throws -> SavedTake {
        let key = job.request.key
        let rel = store.layout.segmentRelativePath(id: job.segmentID, take: job.request.take)
        let url = store.layout.absolute(rel)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let sha = try writer.writeFile(at: url.path) { temp in
                try AudioFile.write(audio, to: temp, format: .wavFloat)
            }
            return SavedTake(path: rel, sha256: sha, sampleCount: audio.samples.count, sampleRate: audio.sampleRate)
        } catch {
            let message = "cannot save the audio of segment \(key) to \(url.path): \(error) "
                + "The segment stays unrendered; free disk space (or fix permissions) and run `bookvox resume`."
            try? store.recordError(id: job.segmentID, error: message)
            throw BookvoxError.failure(message)
        }
    }

    public func checkTake(_ job: SegmentJob, audio: AudioBuffer, saved: SavedTake) throws -> TakeOutcome {
        let verdict = qa.map {
            TakeAssessment.assess(audio, text: job.request.text, language: job.request.language, settings: $0, rate: job.request.rate)
        } ?? TakeAssessment(findings: [], transcript: nil, wordErrorRate: nil, score: 0, passed: true)
        let take = TakeRecord(
            segmentID: job.segmentID, take: job.request.take, seed: Int64(bitPattern: job.request.seed),
            audioPath: saved.path, audioSha256: saved.sha256, sampleCount: saved.sampleCount, sampleRate: saved.sampleRate,
            score: verdict.score, passed: verdict.passed, findings: verdict.findingsJSON, transcript: verdict.transcript,
            wordErrorRate: verdict.wordErrorRate, error: nil)
        try store.recordTake(take)
        try store.countAttempt(id: job.segmentID)
        if verdict.passed { return try keep(take, job: job, flag: nil, awaitingRecognition: recognizer != nil) }
        log.info("segment \(job.request.key) take \(job.request.take): \(verdict.summary)")
        let reason = "take \(job.request.take): \(verdict.summary)"
        return try next(after: job, reason: reason, failure: reason)
    }

    public func didFail(_ job: SegmentJob, error: Error) throws -> TakeOutcome {
        let message = "take \(job.request.take): \(error)"
        try store.recordTake(TakeRecord(
            segmentID: job.segmentID, take: job.request.take, seed: Int64(bitPattern: job.request.seed),
            audioPath: nil, audioSha256: nil, sampleCount: nil, sampleRate: nil, score: .greatestFiniteMagnitude,
            passed: false, findings: "[]", transcript: nil, wordErrorRate: nil, error: "\(error)"))
        try store.countAttempt(id: job.segmentID)
        return try next(after: job, reason: message, failure: "\(error)")
    }

    /// The next take while the round has takes left; else the best take with audio, flagged; else failed.
    /// `reason` goes into the segment's last error, `failure` into the run's list of failed segments.
    private func next(after job: SegmentJob, reason: String, failure: String) throws -> TakeOutcome {
        if job.request.take - job.cycleStart + 1 < maxTakes {
            var next = job
            next.request.take += 1
            next.request.seed = SegmentIdentity.seed(bookSeed: bookSeed, contentID: job.contentID, take: next.request.take)
            next.codes = nil
            try store.markFailed(id: job.segmentID, error: reason, nextTake: (next.request.take, next.request.seed))
            return .retake(next)
        }
        if let best = try store.bestTake(segmentID: job.segmentID, from: job.cycleStart) {
            let tried = job.request.take - job.cycleStart + 1
            let flag = "QA: " + (best.decodedFindings.map { "\($0.check) (\($0.detail))" }.joined(separator: "; "))
                + " — best of \(tried) takes (take \(best.take))"
            return try keep(best, job: job, flag: flag)
        }
        try store.markFailed(id: job.segmentID, error: reason, nextTake: nil)
        return .failed(failure)
    }

    private func keep(_ take: TakeRecord, job: SegmentJob, flag: String?, awaitingRecognition: Bool = false) throws -> TakeOutcome {
        try store.keepTake(take, autoFlag: flag, awaitingRecognition: awaitingRecognition)
        onSaved(job)
        let chapter = try store.segments(chapter: job.chapter)
        if chapter.allSatisfy({ $0.state.hasAudio }) { onChapterComplete(job.chapter) }
        return .kept
    }

    static func encode(_ codes: GeneratedCodes) throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return try enc.encode(codes)
    }

    static func decode(_ data: Data) throws -> GeneratedCodes {
        try JSONDecoder().decode(GeneratedCodes.self, from: data)
    }
}
