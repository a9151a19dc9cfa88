// The verdict on one take: the signal checks' findings and, after speech recognition (RecognitionPass), what
// was heard and the word error rate against the segment's text. Depends only on the take's audio, its text and the
// settings, so the same book and settings always keep the same takes, however the run was scheduled.
import AudioDSP
import Foundation

public struct TakeAssessment: Sendable, Equatable {
    public var findings: [QAFinding]
    public var transcript: String?
    public var wordErrorRate: Double?
    /// Lower is better: 10 per severe finding, 1 per other finding, plus the word error rate.
    public var score: Double
    public var passed: Bool

    /// The signal checks of a take (speech recognition, when configured, comes later: RecognitionPass).
    public static func assess(_ audio: AudioBuffer, text: String, language: String, settings: QASettings,
                              rate: Double = 1) -> TakeAssessment {
        let findings = SignalChecks.run(audio, text: text, language: language, settings: settings, rate: rate)
        return TakeAssessment(findings: findings, transcript: nil, wordErrorRate: nil,
                              score: score(findings, wordErrorRate: nil), passed: findings.isEmpty)
    }

    /// 10 per severe finding, 1 per other finding, plus the word error rate.
    static func score(_ findings: [QAFinding], wordErrorRate: Double?) -> Double {
        findings.reduce(0.0) { $0 + ($1.severe ? 10 : 1) } + (wordErrorRate ?? 0)
    }

    var findingsJSON: String { Self.encode(findings) }

    static func encode(_ findings: [QAFinding]) -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return (try? enc.encode(findings)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// One line for flags and messages: "too-long (…); cut-end (…)".
    public var summary: String { findings.map { "\($0.check) (\($0.detail))" }.joined(separator: "; ") }
}
