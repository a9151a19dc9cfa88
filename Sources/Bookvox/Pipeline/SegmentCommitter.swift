// The scheduler's sink: stores codes, writes segment audio atomically (file first, row second),
// records failures and hands out the next take, and triggers a chapter's export once its last
// segment is saved.
import AudioDSP
import Foundation
import Logging
import Neural
import SpeechEngine

public final class SegmentCommitter: SchedulerSink, @unchecked Sendable {
    let store: JobStore
    let writer: FileWriting
    let maxTakes: Int
    let bookSeed: UInt64
    /// Called after each saved segment (progress), from the render queue.
    let onSaved: @Sendable (SegmentJob) -> Void
    /// Called when every segment of a chapter has audio.
    let onChapterComplete: @Sendable (Int) -> Void
    private let log = Logger(label: "bookvox.commit")

    init(store: JobStore, writer: FileWriting, maxTakes: Int, bookSeed: UInt64,
         onSaved: @escaping @Sendable (SegmentJob) -> Void, onChapterComplete: @escaping @Sendable (Int) -> Void) {
        self.store = store
        self.writer = writer
        self.maxTakes = maxTakes
        self.bookSeed = bookSeed
        self.onSaved = onSaved
        self.onChapterComplete = onChapterComplete
    }

    public func didGenerate(_ job: SegmentJob, codes: GeneratedCodes) throws {
        let blob = try Self.encode(codes)
        try store.markGenerated(id: job.segmentID, take: job.request.take, codes: blob, codesHash: Hashing.sha256Hex(blob))
    }

    public func didRender(_ job: SegmentJob, audio: AudioBuffer) throws {
        let key = job.request.key
        let rel = store.layout.segmentRelativePath(id: job.segmentID, take: job.request.take)
        let url = store.layout.absolute(rel)
        let sha: String
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            sha = try writer.writeFile(at: url.path) { temp in
                try AudioFile.write(audio, to: temp, format: .wavFloat)
            }
        } catch {
            let message = "cannot save the audio of segment \(key) to \(url.path): \(error) "
                + "The segment stays unrendered; free disk space (or fix permissions) and run `bookvox resume`."
            try? store.recordError(id: job.segmentID, error: message)
            throw BookvoxError.failure(message)
        }
        try store.countAttempt(id: job.segmentID)
        try store.markRendered(id: job.segmentID, take: job.request.take, audioPath: rel, sha256: sha,
                               sampleCount: audio.samples.count, sampleRate: audio.sampleRate)
        onSaved(job)
        let chapter = try store.segments(chapter: job.chapter)
        if chapter.allSatisfy({ $0.state.hasAudio }) { onChapterComplete(job.chapter) }
    }

    public func didFail(_ job: SegmentJob, error: Error) throws -> SegmentJob? {
        let message = "take \(job.request.take): \(error)"
        guard job.request.take - job.firstTake + 1 < maxTakes else {
            try store.markFailed(id: job.segmentID, error: message, nextTake: nil)
            return nil
        }
        var next = job
        next.request.take += 1
        next.request.seed = SegmentIdentity.seed(bookSeed: bookSeed, contentID: job.contentID, take: next.request.take)
        next.codes = nil
        try store.markFailed(id: job.segmentID, error: message, nextTake: (next.request.take, next.request.seed))
        return next
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
