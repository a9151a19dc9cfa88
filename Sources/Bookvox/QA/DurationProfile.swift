// Duration bounds learned from the book's own accepted segments: after a run that leaves every segment
// of the book with audio, the median seconds per letter of the accepted takes (segments of at least
// `learnedMinimumCharacters` letters whose kept take passed every check) is stored for the engine, model
// and voice that made them — once there are at least `learnedMinimumSegments`. Later runs of the same
// engine, model and voice (edits, rerenders, resumes) check durations against it with tighter ratios.
// It is learned only at that well-defined point, from decisions that are themselves deterministic, so it
// never depends on scheduling; a fresh render of a book checks against the language prior until then.
import Foundation

public struct DurationProfile: Codable, Sendable, Equatable {
    /// Engine name, model hash and voice sha256 the profile was learned from.
    public var identity: String
    public var secondsPerCharacter: Double
    public var segments: Int

    static func identity(engine: String, modelHash: String, voice: String?) -> String {
        Hashing.fieldsDigest(["duration-profile", engine, modelHash, voice ?? "none"])
    }

    /// The profile of the accepted segments in `segments`, or nil when there are too few.
    static func learn(from segments: [SegmentRecord], identity: String, settings: QASettings) -> DurationProfile? {
        var rates: [Double] = []
        for s in segments where s.state.hasAudio && s.qaScore == 0 {
            let chars = SignalChecks.speakableCharacters(s.normalizedText)
            guard chars >= settings.learnedMinimumCharacters, let seconds = s.duration else { continue }
            rates.append(seconds * s.speakingRate / Double(chars))  // as at rate 1
        }
        guard rates.count >= settings.learnedMinimumSegments else { return nil }
        rates.sort()
        let mid = rates.count / 2
        let median = rates.count % 2 == 1 ? rates[mid] : (rates[mid - 1] + rates[mid]) / 2
        return DurationProfile(identity: identity, secondsPerCharacter: median, segments: rates.count)
    }
}

extension BookRecord {
    public var durationProfile: DurationProfile? {
        get { qaProfile.flatMap { try? JSONDecoder().decode(DurationProfile.self, from: Data($0.utf8)) } }
        set {
            let enc = JSONEncoder()
            enc.outputFormatting = .sortedKeys
            qaProfile = newValue.flatMap { try? enc.encode($0) }.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
