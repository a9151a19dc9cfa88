// The word check of a chapter: speech recognition over the kept takes that passed their signal checks, and
// the word error rate of each against its text.
//
// Recognition runs on several segments at once, as the original transcribe() runs on a long recording: the
// kept takes of consecutive segments awaiting the check are laid end to end with `gapSeconds` of silence
// between them, up to `packSeconds` per pack (one 30 s Whisper window), so a short segment does not pay
// for a whole window. Each word heard belongs to the segment whose stretch of the pack (its audio plus half
// of the gaps around it) holds the word's midpoint.
//
// Determinism: packs are formed only from runs of segments that are adjacent in the chapter and all await
// the check, greedily in chapter order, and each pack's results are committed in one transaction. Which
// segments await the check depends only on earlier verdicts, so the packs — and with them every
// transcript, verdict and retake — are the same however the run was scheduled or interrupted.
import AudioDSP
import Foundation
import GRDB
import Logging
import Neural
import Whisper

public struct RecognitionPass {
    let store: JobStore
    let recognizer: SpeechRecognizing
    let settings: QASettings
    let maxTakes: Int
    let bookSeed: UInt64
    /// Longest pack, seconds (Whisper reads 30 s windows; a margin keeps a pack in one).
    var packSeconds = 28.0
    /// Silence laid between two segments of a pack, seconds.
    var gapSeconds = 0.5
    private let log = Logger(label: "bookvox.recognition")

    /// Checks every segment of `chapter` that awaits the word check. Returns the segments queued for another
    /// take (their next round of synthesis runs the signal checks, then this pass again).
    func run(chapter: Int) throws -> [SegmentRecord] {
        let segments = try store.segments(chapter: chapter)
        var requeued: [SegmentRecord] = []
        let items = segments.map { PackItem(seconds: $0.state.hasAudio ? $0.duration : nil, awaiting: $0.awaitingRecognition) }
        for pack in Self.packs(items, maxSeconds: packSeconds, gapSeconds: gapSeconds) {
            requeued += try check(pack.map { segments[$0] })
        }
        return requeued
    }

    /// What packing looks at in a segment: its audio's length (nil: no audio) and whether it awaits the check.
    public struct PackItem: Sendable, Equatable {
        public var seconds: Double?
        public var awaiting: Bool
        public init(seconds: Double?, awaiting: Bool) {
            self.seconds = seconds
            self.awaiting = awaiting
        }
    }

    /// Runs of adjacent awaiting segments, each cut greedily into packs of at most `maxSeconds` of audio
    /// (gaps included); a segment longer than that is a pack of its own. Returns indices into `items`.
    public static func packs(_ items: [PackItem], maxSeconds: Double, gapSeconds: Double) -> [[Int]] {
        var packs: [[Int]] = []
        var current: [Int] = []
        var seconds = 0.0
        func close() {
            if !current.isEmpty { packs.append(current) }
            current = []
            seconds = 0
        }
        for (i, item) in items.enumerated() {
            guard item.awaiting, let d = item.seconds else {
                close()  // a segment not awaiting the check ends the run
                continue
            }
            if !current.isEmpty, seconds + gapSeconds + d > maxSeconds { close() }
            seconds += current.isEmpty ? d : gapSeconds + d
            current.append(i)
        }
        close()
        return packs
    }

    /// The words of each span: a word belongs to the span holding its midpoint, the boundary between two spans
    /// being the middle of the gap between them.
    public static func assign(_ words: [RecognizedWord], to spans: [(start: Double, end: Double)]) -> [[String]] {
        var heard = [[String]](repeating: [], count: spans.count)
        guard !spans.isEmpty else { return heard }
        for w in words {
            let mid = (w.start + w.end) / 2
            var i = 0
            while i + 1 < spans.count, mid >= (spans[i].end + spans[i + 1].start) / 2 { i += 1 }
            heard[i].append(w.text)
        }
        return heard
    }

    private func check(_ pack: [SegmentRecord]) throws -> [SegmentRecord] {
        // Lay the kept takes end to end at the first take's rate.
        var samples: [Float] = []
        var spans: [(start: Double, end: Double)] = []
        var rate = 0
        for seg in pack {
            guard let rel = seg.audioPath else { continue }
            var audio = try AudioFile.read(path: store.layout.absolute(rel).path)
            if rate == 0 { rate = audio.sampleRate }
            if audio.sampleRate != rate { audio = try Resampler.resample(audio, to: rate) }
            if !samples.isEmpty { samples += [Float](repeating: 0, count: Int(gapSeconds * Double(rate))) }
            let start = Double(samples.count) / Double(rate)
            samples += audio.samples
            spans.append((start, Double(samples.count) / Double(rate)))
        }
        let seed = SeededRNG.segmentSeed(bookSeed: bookSeed, key: "recognition/" + pack.map { "\($0.contentID)#\($0.take)" }.joined(separator: ","), take: 1)
        let language = pack.first?.language ?? "en"
        // About 1.3 tokens per word and two timestamps per phrase: three tokens per word and 8 per segment is ample.
        let maxTokens = pack.reduce(16) { $0 + 8 + 3 * recognizer.comparableWords($1.sourceText, language: $1.language).count }
        let words = try recognizer.words(in: AudioBuffer(samples: samples, sampleRate: max(1, rate)), language: language,
                                         seed: seed, maxTokens: maxTokens)
        let heard = Self.assign(words, to: spans)
        var requeued: [SegmentRecord] = []
        try store.write { db in
            for (seg, words) in zip(pack, heard) {
                guard var take = try TakeRecord.fetchOne(db, key: ["segmentID": seg.rowID, "take": seg.take]) else { continue }
                let transcript = words.joined().trimmingCharacters(in: .whitespaces)
                let reference = recognizer.comparableWords(seg.sourceText, language: seg.language)
                let wer = WordErrorRate.compute(reference: reference,
                                                hypothesis: recognizer.comparableWords(transcript, language: seg.language))
                var findings = take.decodedFindings
                if wer.rate > settings.maxWordErrorRate, wer.errors > settings.maxWordErrors {
                    findings.append(QAFinding(check: "words", detail: String(
                        format: "word error rate %.2f (%d substituted, %d missing, %d extra): heard “%@”",
                        wer.rate, wer.substitutions, wer.deletions, wer.insertions, transcript)))
                }
                take.transcript = transcript
                take.wordErrorRate = wer.rate
                take.passed = findings.isEmpty
                take.findings = TakeAssessment.encode(findings)
                take.score = TakeAssessment.score(findings, wordErrorRate: wer.rate)
                try take.update(db)
                if take.passed {
                    try JobStore.keepTake(take, autoFlag: nil, awaitingRecognition: false, db)
                } else if seg.take - seg.cycleStart + 1 < maxTakes {
                    let next = seg.take + 1
                    let nextSeed = SegmentIdentity.seed(bookSeed: bookSeed, contentID: seg.contentID, take: next)
                    try db.execute(sql: """
                        UPDATE segments SET state = ?, take = ?, seed = ?, codes = NULL, codesHash = NULL, audioPath = NULL,
                        audioSha256 = NULL, sampleCount = NULL, sampleRate = NULL, awaitingRecognition = 0, lastError = ?
                        WHERE id = ?
                        """, arguments: [SegmentState.pending, next, Int64(bitPattern: nextSeed),
                                         "take \(seg.take): " + findings.map { "\($0.check) (\($0.detail))" }.joined(separator: "; "),
                                         seg.id])
                    requeued.append(seg)
                } else {
                    let takes = try TakeRecord.filter(Column("segmentID") == seg.rowID).fetchAll(db)
                    let best = takes.filter { $0.take >= seg.cycleStart && $0.audioPath != nil }
                        .min { ($0.score, $0.take) < ($1.score, $1.take) } ?? take
                    let flag = "QA: " + best.decodedFindings.map { "\($0.check) (\($0.detail))" }.joined(separator: "; ")
                        + " — best of \(seg.take - seg.cycleStart + 1) takes (take \(best.take))"
                    try JobStore.keepTake(best, autoFlag: flag, awaitingRecognition: false, db)
                }
            }
        }
        log.info("recognized \(pack.count) segment(s) of chapter \(pack.first?.chapter ?? 0): \(requeued.count) need another take")
        return requeued
    }
}
