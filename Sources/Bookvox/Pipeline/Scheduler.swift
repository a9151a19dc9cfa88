// Three-stage scheduler (DESIGN.md "The engine contract"): `generate` runs on one Dispatch queue,
// `render` on another and the checks of each take (signal checks, speech recognition) on a third, so
// the autoregressive stage, decoding and checking overlap. A semaphore bounds the segments in flight
// (admitted, not yet final). Every segment is computed from its own request and seed only, and every
// verdict from its own audio, so results never depend on scheduling. Results are committed through the
// sink as they complete; a take that fails (engine error or checks) is followed by the next take until
// the sink keeps one. A book with a cast has several voices, each with its engine instance and prepared profile
// (`CastVoiceEngine`); a batch only ever holds segments of one voice.
import AudioDSP
import Dispatch
import Foundation
import Logging
import Neural
import SpeechEngine

public struct SegmentJob: Sendable {
    public var request: SegmentRequest
    /// The segment's row in the job store (stable while keys change with edits).
    public var segmentID: Int64
    /// Content identity the seed of every take derives from (SegmentIdentity).
    public var contentID: String
    public var chapter: Int
    /// Codes already stored (resumed segment in state `generated`): skip the generate stage.
    public var codes: GeneratedCodes?
    /// First take of the segment's current round of takes (the take budget counts from here).
    public var cycleStart: Int
    /// The cast voice that reads it; nil: the book's default voice.
    public var voice: String?

    public init(request: SegmentRequest, segmentID: Int64, contentID: String, chapter: Int, codes: GeneratedCodes? = nil,
                cycleStart: Int? = nil, voice: String? = nil) {
        self.voice = voice
        self.request = request
        self.segmentID = segmentID
        self.contentID = contentID
        self.chapter = chapter
        self.codes = codes
        self.cycleStart = cycleStart ?? request.take
    }
}

/// What becomes of a segment after one of its takes.
public enum TakeOutcome: Sendable {
    /// The segment is final with audio (this take or an earlier, better one).
    case kept
    /// Another take is needed.
    case retake(SegmentJob)
    /// Every take failed without audio.
    case failed(String)
}

/// A take's audio as saved by the sink.
public struct SavedTake: Sendable {
    public var path: String
    public var sha256: String
    public var sampleCount: Int
    public var sampleRate: Int
}

/// Where the scheduler commits results. Called from the stage queues; implementations must be thread-safe.
public protocol SchedulerSink: AnyObject, Sendable {
    func didGenerate(_ job: SegmentJob, codes: GeneratedCodes) throws
    /// Saves a take's audio durably. Throwing here stops the run (nothing else is started).
    func saveTake(_ job: SegmentJob, audio: AudioBuffer) throws -> SavedTake
    /// Checks a saved take and records the verdict (on the check queue; may be slow).
    func checkTake(_ job: SegmentJob, audio: AudioBuffer, saved: SavedTake) throws -> TakeOutcome
    /// Records a take that produced no audio (engine error).
    func didFail(_ job: SegmentJob, error: Error) throws -> TakeOutcome
}

public struct SchedulerLimits: Sendable {
    /// Segments admitted to the pipeline and not yet saved.
    public var maxInFlight: Int
    public init(maxInFlight: Int = 4) { self.maxInFlight = max(1, maxInFlight) }
}

public struct SchedulerResult: Sendable {
    public var rendered: Int
    public var failed: [String: String]
    public var cancelled: Bool
    /// The error that stopped the run (a segment could not be saved), if any.
    public var fatal: Error?
}

/// A cast voice as the scheduler uses it: the engine instance that speaks it and its prepared profile.
public struct CastVoiceEngine: @unchecked Sendable {
    public var engine: SpeechEngine
    public var profile: VoiceProfile

    public init(engine: SpeechEngine, profile: VoiceProfile) {
        self.engine = engine
        self.profile = profile
    }
}

public final class Scheduler: @unchecked Sendable {
    private let engine: SpeechEngine
    private let voice: VoiceProfile
    /// The cast's other voices by name (jobs whose `voice` is nil or not here use `engine` and `voice`).
    private let castVoices: [String: CastVoiceEngine]
    private let sink: SchedulerSink
    private let limits: SchedulerLimits
    private let cancel: CancellationFlag
    private let generateQueue = DispatchQueue(label: "bookvox.generate")
    private let renderQueue = DispatchQueue(label: "bookvox.render")
    private let checkQueue = DispatchQueue(label: "bookvox.check")
    private let lock = NSLock()
    private var rendered = 0
    private var failed: [String: String] = [:]
    private var fatal: Error?
    private let pendingLock = NSLock()
    /// Admitted jobs waiting for the generate stage.
    private var pending: [(job: SegmentJob, done: @Sendable () -> Void)] = []
    /// Every job of the run has been admitted (or the run stopped admitting): partial batches may go.
    private var admissionFinished = false
    private let log = Logger(label: "bookvox.scheduler")

    public init(engine: SpeechEngine, voice: VoiceProfile, sink: SchedulerSink, limits: SchedulerLimits,
                cancel: CancellationFlag, castVoices: [String: CastVoiceEngine] = [:]) {
        self.engine = engine
        self.voice = voice
        self.castVoices = castVoices
        self.sink = sink
        self.limits = limits
        self.cancel = cancel
    }

    /// Runs every job (in order of admission) and returns when all admitted jobs are saved or dropped.
    public func run(_ jobs: [SegmentJob]) -> SchedulerResult {
        // A batching engine needs a batch's worth of segments admitted (plus room for the render stage).
        let slots = DispatchSemaphore(value: Swift.max(limits.maxInFlight, batchSize > 1 ? 2 * batchSize : 1))
        let group = DispatchGroup()
        for job in jobs {
            slots.wait()
            if stopRequested {
                slots.signal()
                break
            }
            group.enter()
            let done: @Sendable () -> Void = {
                slots.signal()
                group.leave()
            }
            pendingLock.lock()
            pending.append((job, done))
            pendingLock.unlock()
            generateQueue.async { self.drain() }
        }
        pendingLock.lock()
        admissionFinished = true
        pendingLock.unlock()
        generateQueue.async { self.drain() }
        group.wait()
        lock.lock()
        defer { lock.unlock() }
        return SchedulerResult(rendered: rendered, failed: failed, cancelled: cancel.isCancelled, fatal: fatal)
    }

    private var stopRequested: Bool {
        if cancel.isCancelled { return true }
        lock.lock()
        defer { lock.unlock() }
        return fatal != nil
    }

    /// Segments decoded together (the largest preferred batch of the voices' engines; 1 = one `generate` call per segment).
    private var batchSize: Int {
        Swift.max(1, ([engine] + castVoices.values.map(\.engine)).map(\.preferredBatchSize).max() ?? 1)
    }

    /// The engine and profile that speak `job`.
    private func voiceEngine(_ job: SegmentJob) -> CastVoiceEngine {
        job.voice.flatMap { castVoices[$0] } ?? CastVoiceEngine(engine: engine, profile: voice)
    }

    /// Runs the generate stage on admitted jobs, in admission order, `batchSize` at a time. A partial batch waits
    /// while more jobs are still to be admitted: a batch's decode step costs about the same for 1 row as for 8
    /// (the weights are streamed once either way), so generating stragglers alone would waste most of a step.
    /// Admission cannot stall on it: the in-flight limit is at least twice the batch, so when every slot is taken
    /// either a full batch is pending or segments are rendering, and each one saved admits the next job, which
    /// schedules another drain.
    private func drain() {
        while true {
            let stop = stopRequested
            pendingLock.lock()
            let ready = pending.count >= batchSize || admissionFinished || stop
            var batch: [(job: SegmentJob, done: @Sendable () -> Void)] = []
            if ready, let first = pending.first {
                // The first pending job's voice, and up to a batch of the pending jobs of that voice, in order.
                let size = Swift.max(1, voiceEngine(first.job).engine.preferredBatchSize)
                var taken: [Int] = []
                for (k, item) in pending.enumerated() where item.job.voice == first.job.voice {
                    taken.append(k)
                    if taken.count == size { break }
                }
                batch = taken.map { pending[$0] }
                for k in taken.reversed() { pending.remove(at: k) }
            }
            pendingLock.unlock()
            if batch.isEmpty { return }
            generateStage(batch)
        }
    }

    /// Generates codes for `items` (one `generateBatch` call when there are several; results never depend on
    /// the batch, see DESIGN.md "Determinism"), then hands each to the render stage or to a retry.
    private func generateStage(_ items: [(job: SegmentJob, done: @Sendable () -> Void)]) {
        var work: [(job: SegmentJob, done: @Sendable () -> Void)] = []
        for item in items {
            if let codes = item.job.codes {
                renderQueue.async { self.renderStage(item.job, codes: codes, done: item.done) }
            } else if stopRequested {
                item.done()
            } else {
                work.append(item)
            }
        }
        guard !work.isEmpty else { return }
        let speaker = voiceEngine(work[0].job)
        let results = work.count == 1
            ? [Result { try speaker.engine.generate(work[0].job.request, voice: speaker.profile) }]
            : speaker.engine.generateBatch(work.map(\.job.request), voice: speaker.profile)
        for (item, result) in zip(work, results) {
            do {
                let codes = try result.get()
                try sink.didGenerate(item.job, codes: codes)
                renderQueue.async { self.renderStage(item.job, codes: codes, done: item.done) }
            } catch {
                retryOrFail(item.job, error: error, done: item.done)
            }
        }
    }

    private func renderStage(_ job: SegmentJob, codes: GeneratedCodes, done: @escaping @Sendable () -> Void) {
        let audio: AudioBuffer
        do {
            let speaker = voiceEngine(job)
            let rendered = try speaker.engine.render(codes, request: job.request, voice: speaker.profile)
            // An engine without a rate control of its own: the rendered take is time-stretched (pitch kept).
            audio = job.request.rate != 1 && !speaker.engine.speaksAtRate
                ? TimeStretch.changeSpeed(rendered, rate: job.request.rate) : rendered
        } catch {
            return generateQueue.async { self.retryOrFail(job, error: error, done: done) }
        }
        if let bad = audio.samples.firstIndex(where: { !$0.isFinite }) {
            let error = SpeechEngineError.generationFailed(key: job.request.key, reason: "the audio has a non-finite sample "
                + "(\(audio.samples[bad]) at \(bad)); the take is discarded")
            return generateQueue.async { self.retryOrFail(job, error: error, done: done) }
        }
        let saved: SavedTake
        do {
            saved = try sink.saveTake(job, audio: audio)
        } catch {
            log.error("segment \(job.request.key): \(error)")
            stop(with: error)
            return done()
        }
        checkQueue.async {
            do {
                self.settle(job, try self.sink.checkTake(job, audio: audio, saved: saved), done: done)
            } catch {
                self.stop(with: error)
                done()
            }
        }
    }

    private func retryOrFail(_ job: SegmentJob, error: Error, done: @escaping @Sendable () -> Void) {
        log.warning("segment \(job.request.key) take \(job.request.take) failed: \(error)")
        do {
            settle(job, try sink.didFail(job, error: error), done: done)
        } catch {
            stop(with: error)
            done()
        }
    }

    /// Ends a segment's take: counts a kept segment, records a failed one, or queues the next take.
    private func settle(_ job: SegmentJob, _ outcome: TakeOutcome, done: @escaping @Sendable () -> Void) {
        switch outcome {
        case .kept:
            lock.lock()
            rendered += 1
            lock.unlock()
            done()
        case let .failed(reason):
            if !stopRequested {
                lock.lock()
                failed[job.request.key] = reason
                lock.unlock()
            }
            done()
        case let .retake(next):
            guard !stopRequested else { return done() }
            log.info("segment \(job.request.key): take \(next.request.take)")
            pendingLock.lock()
            pending.insert((next, done), at: 0)
            pendingLock.unlock()
            generateQueue.async { self.drain() }
        }
    }

    private func stop(with error: Error) {
        lock.lock()
        if fatal == nil { fatal = error }
        lock.unlock()
    }
}
