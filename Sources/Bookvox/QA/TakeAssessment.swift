// The verdict on one take: the signal checks' findings and, with a speech recognizer, what it heard and
// the word error rate against the segment's text. Depends only on the take's audio, its text and the
// settings, so the same book and settings always keep the same takes, however the run was scheduled.
import AudioDSP
import Foundation

/// Transcribes takes for the word check (e.g. Whisper). Must be deterministic for the same audio.
public protocol SpeechRecognizing: AnyObject, Sendable {
    /// Name and model, recorded with the transcripts (e.g. "whisper-base.en").
    var name: String { get }
    /// What the take says.
    func transcribe(_ audio: AudioBuffer, language: String) throws -> String
    /// Words to compare, after the recognizer's own text normalization (e.g. Whisper's English normalizer):
    /// applied to both the transcript and the segment's text.
    func comparableWords(_ text: String, language: String) -> [String]
}

public struct TakeAssessment: Sendable, Equatable {
    public var findings: [QAFinding]
    public var transcript: String?
    public var wordErrorRate: Double?
    /// Lower is better: 10 per severe finding, 1 per other finding, plus the word error rate.
    public var score: Double
    public var passed: Bool

    public static func assess(_ audio: AudioBuffer, text: String, language: String, settings: QASettings,
                              recognizer: SpeechRecognizing?) -> TakeAssessment {
        var findings = SignalChecks.run(audio, text: text, language: language, settings: settings)
        var transcript: String?
        var wer: Double?
        if let recognizer, !findings.contains(where: \.severe) {
            do {
                let heard = try recognizer.transcribe(audio, language: language)
                let reference = recognizer.comparableWords(text, language: language)
                let errors = WordErrors.count(reference: reference, hypothesis: recognizer.comparableWords(heard, language: language))
                let rate = Double(errors.total) / Double(max(1, reference.count))
                transcript = heard
                wer = rate
                if rate > settings.maxWordErrorRate, errors.total > settings.maxWordErrors {
                    findings.append(QAFinding(check: "words", detail: String(format: "word error rate %.2f (%d substituted, %d missing, %d extra): heard “%@”",
                                                                           rate, errors.substitutions, errors.deletions, errors.insertions, heard)))
                }
            } catch {
                findings.append(QAFinding(check: "recognition", detail: "\(recognizer.name) failed: \(error)"))
            }
        }
        let score = findings.reduce(0.0) { $0 + ($1.severe ? 10 : 1) } + (wer ?? 0)
        return TakeAssessment(findings: findings, transcript: transcript, wordErrorRate: wer, score: score,
                              passed: findings.isEmpty)
    }

    var findingsJSON: String {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return (try? enc.encode(findings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// One line for flags and messages: "too-long (…); cut-end (…)".
    public var summary: String { findings.map { "\($0.check) (\($0.detail))" }.joined(separator: "; ") }
}

/// Word-level edit distance (Levenshtein over words): substitutions, deletions, insertions.
public enum WordErrors {
    public struct Count: Sendable, Equatable {
        public var substitutions: Int
        public var deletions: Int
        public var insertions: Int
        public var total: Int { substitutions + deletions + insertions }

        public init(substitutions: Int, deletions: Int, insertions: Int) {
            self.substitutions = substitutions
            self.deletions = deletions
            self.insertions = insertions
        }
    }

    public static func count(reference: [String], hypothesis: [String]) -> Count {
        // prev[j]: the cheapest alignment of reference[..<i-1] with hypothesis[..<j].
        var prev = (0...hypothesis.count).map { Count(substitutions: 0, deletions: 0, insertions: $0) }
        for i in 1..<(reference.count + 1) {
            var cur = [Count(substitutions: 0, deletions: i, insertions: 0)]
            for j in 1..<(hypothesis.count + 1) {
                var sub = prev[j - 1]
                if reference[i - 1] != hypothesis[j - 1] { sub.substitutions += 1 }
                var del = prev[j]
                del.deletions += 1
                var ins = cur[j - 1]
                ins.insertions += 1
                cur.append([sub, del, ins].min { $0.total < $1.total }!)
            }
            prev = cur
        }
        return prev[hypothesis.count]
    }
}
