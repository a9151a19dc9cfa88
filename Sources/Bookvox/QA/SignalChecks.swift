// The signal checks of a take (QASettings names each threshold): non-finite samples, near-silence,
// clipping, DC offset, duration against the text (too short / too long / runaway), long pauses inside
// the speech, and speech cut at either edge. They need no model, so every engine gets them.
import AudioDSP
import Foundation

/// One failed check: its name, what was measured and the limit it broke.
public struct QAFinding: Sendable, Equatable, Codable {
    public var check: String
    public var detail: String
    /// Findings that make a take unusable whatever else it has (silence, NaN, runaway) weigh more in the score.
    public var severe: Bool

    public init(check: String, detail: String, severe: Bool = false) {
        self.check = check
        self.detail = detail
        self.severe = severe
    }
}

public enum SignalChecks {
    /// Letters and digits: what the expected duration counts.
    public static func speakableCharacters(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + ($1.properties.isAlphabetic || $1.properties.numericType != nil ? 1 : 0) }
    }

    /// `rate`: the speaking rate the take was rendered at (the expected duration is divided by it).
    public static func run(_ audio: AudioBuffer, text: String, language: String, settings: QASettings, rate: Double = 1) -> [QAFinding] {
        let m = SignalMeasurements.measure(audio, settings: settings)
        var out: [QAFinding] = []
        func fmt(_ v: Double, _ unit: String = "s") -> String { String(format: "%.2f %@", v, unit) }
        if m.nonFiniteSamples > 0 {
            out.append(QAFinding(check: "non-finite", detail: "\(m.nonFiniteSamples) NaN/Inf samples", severe: true))
        }
        if m.speechLevelDBFS < settings.minSpeechLevelDBFS || m.speechSeconds < settings.minSpeechSeconds {
            let level = m.speechLevelDBFS.isFinite ? fmt(m.speechLevelDBFS, "dBFS") : "no sound"
            out.append(QAFinding(check: "near-silent", detail: "speech \(fmt(m.speechSeconds)) at \(level)", severe: true))
            return out  // the other checks measure speech that is not there
        }
        if m.clippedFraction > settings.maxClippedFraction || m.longestClippedRun >= settings.maxClippedRun {
            out.append(QAFinding(check: "clipping", detail: String(format: "%.3f %% of samples at full scale, longest run %d",
                                                                 m.clippedFraction * 100, m.longestClippedRun)))
        }
        if abs(m.dcOffset) > settings.maxDCOffset {
            out.append(QAFinding(check: "dc-offset", detail: String(format: "mean %.4f", m.dcOffset)))
        }
        let chars = speakableCharacters(text)
        let model = settings.durationModel(language: language)
        let expected = Double(chars) * model.secondsPerCharacter / rate
        let runaway = min(settings.runawayCapSeconds, expected * settings.runawayRatio + settings.durationSlackSeconds)
        if m.seconds > runaway {
            out.append(QAFinding(check: "runaway", detail: "\(fmt(m.seconds)) of audio for \(chars) characters "
                + "(cap \(fmt(runaway)))", severe: true))
        } else if m.speechSeconds > expected * model.maxRatio + settings.durationSlackSeconds {
            out.append(QAFinding(check: "too-long", detail: "\(fmt(m.speechSeconds)) of speech for \(chars) characters "
                + "(expected about \(fmt(expected)))"))
        }
        if m.speechSeconds < expected * model.minRatio - settings.durationSlackSeconds {
            out.append(QAFinding(check: "too-short", detail: "\(fmt(m.speechSeconds)) of speech for \(chars) characters "
                + "(expected about \(fmt(expected)))"))
        }
        if m.longestPauseSeconds > settings.maxInternalPauseSeconds {
            out.append(QAFinding(check: "long-pause", detail: "\(fmt(m.longestPauseSeconds)) of silence inside the speech"))
        }
        if settings.checksStart, let start = m.speechStart, start < settings.minEdgeSeconds, m.firstFrameDBFS >= m.speechLevelDBFS - settings.edgeLevelDB {
            out.append(QAFinding(check: "cut-start", detail: "speech at full level from the first sample"))
        }
        if let end = m.speechEnd, m.seconds - end < settings.minEdgeSeconds, m.lastFrameDBFS >= m.speechLevelDBFS - settings.edgeLevelDB {
            out.append(QAFinding(check: "cut-end", detail: "speech at full level up to the last sample"))
        }
        return out
    }
}
