// Thresholds of the checks every rendered take goes through (docs/cli.md "Quality checks"). Each check
// has one named threshold here; a take that fails any check is taken again (next take, new seed) up to
// the run's take limit (`--max-takes`), and the best take is kept.
import Foundation

public struct QASettings: Sendable, Equatable, Codable {
    // MARK: signal analysis

    /// Frame length of the energy analysis, seconds.
    public var frameSeconds = 0.010
    /// A frame is speech when its RMS is within this many dB of the take's loudest frame…
    public var activityRangeDB = 35.0
    /// …and above this absolute level (dBFS).
    public var activityFloorDBFS = -60.0

    // MARK: checks

    /// `non-finite`: any NaN or infinite sample fails (no threshold).
    /// `near-silent`: the speech frames' RMS is below this level (dBFS)…
    public var minSpeechLevelDBFS = -45.0
    /// …or there is less speech than this (seconds).
    public var minSpeechSeconds = 0.12
    /// `clipping`: more than this fraction of samples at full scale (|x| ≥ `clipLevel`)…
    public var maxClippedFraction = 0.001
    /// …or a run of at least this many consecutive full-scale samples.
    public var maxClippedRun = 3
    public var clipLevel: Float = 0.999
    /// `dc-offset`: |mean sample| above this.
    public var maxDCOffset = 0.02
    /// `too-short` / `too-long`: the speech extent against the text's expected duration
    /// (`secondsPerCharacter` × letters and digits): below `minDurationRatio` × expected − `durationSlackSeconds`
    /// or above `maxDurationRatio` × expected + `durationSlackSeconds`.
    public var minDurationRatio = 0.4
    public var maxDurationRatio = 2.5
    /// Once the book has at least `learnedMinimumSegments` accepted segments of at least
    /// `learnedMinimumCharacters` letters, their median seconds per letter (the project's `DurationProfile`,
    /// for this engine, model and voice) replaces the language prior, with these tighter ratios.
    public var learnedSecondsPerCharacter: Double?
    public var learnedMinDurationRatio = 0.6
    public var learnedMaxDurationRatio = 1.6
    public var learnedMinimumSegments = 30
    public var learnedMinimumCharacters = 20
    public var durationSlackSeconds = 0.5
    /// `runaway`: a take longer than this many times the expected duration (plus the slack), or than
    /// `runawayCapSeconds`, whatever the text.
    public var runawayRatio = 4.0
    public var runawayCapSeconds = 60.0
    /// `long-pause`: a silence inside the speech longer than this (seconds).
    public var maxInternalPauseSeconds = 1.5
    /// `cut-start` / `cut-end`: speech reaching the first or last sample — less than this much quieter
    /// edge (seconds) at a level within `edgeLevelDB` dB of the speech level — means the take was cut.
    public var minEdgeSeconds = 0.010
    public var edgeLevelDB = 10.0
    /// `cut-start` applies (off for engines that start speaking at the first sample by design, e.g. espeak).
    public var checksStart = true

    // MARK: speech recognition

    /// With a speech recognizer: a take passes when its word error rate against the segment's text is at
    /// most this…
    public var maxWordErrorRate = 0.15
    /// …or when it has at most this many word errors (short segments: one word in five is 20 %).
    public var maxWordErrors = 1

    public init() {}

    public static let `default` = QASettings()

    /// Expected speaking time per letter or digit, by language: about 15 letters per second for alphabetic
    /// scripts, 4.5 syllables per second for Chinese, Japanese and Korean characters.
    /// The expected seconds per letter and the ratio bounds in force: learned when there is a profile.
    public func durationModel(language: String) -> (secondsPerCharacter: Double, minRatio: Double, maxRatio: Double) {
        if let learned = learnedSecondsPerCharacter { return (learned, learnedMinDurationRatio, learnedMaxDurationRatio) }
        return (secondsPerCharacter(language: language), minDurationRatio, maxDurationRatio)
    }

    public func secondsPerCharacter(language: String) -> Double {
        let base = language.lowercased().split(separator: "-").first.map(String.init) ?? ""
        return ["zh", "ja", "ko", "yue", "cmn"].contains(base) ? 0.22 : 0.065
    }
}
