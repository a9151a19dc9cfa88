// How the stitcher lays out a chapter: pauses per boundary, head/tail room tone, join fades,
// silence trimming, the book-wide loudness target and the true-peak limiter that lets every chapter
// reach it.
import AudioDSP
import Foundation
import TextFrontend

public struct StitchSettings: Sendable, Equatable, Codable {
    /// Room tone inserted after a segment, by the boundary that follows it (seconds).
    public var clausePause: Double
    public var sentencePause: Double
    public var paragraphPause: Double
    public var scenePause: Double
    /// Room tone before the first segment and after the last one (seconds).
    public var chapterHead: Double
    public var chapterTail: Double
    /// Length of the equal-power fade at both edges of every segment (seconds).
    public var joinFade: Double
    /// Leading/trailing silence of each segment is cut to `trim.padSeconds` before it is placed.
    public var trim: SilenceTrimSettings
    /// What fills pauses, head and tail, mixed in after the gain and the limiter so its level is
    /// absolute. Default: low-passed noise at −70 dBFS RMS (ACX wants a low, constant room tone, not
    /// digital silence); the exporter seeds it per chapter (RoomToneLevel.tone(bookSeed:chapterAnchor:)).
    public var roomTone: RoomTone
    /// One pre-gain per chapter plus the limiter bring it to this target (integrated loudness, and
    /// a true-peak ceiling the final audio meets); nil leaves levels untouched.
    public var loudness: LoudnessTarget?
    /// The look-ahead true-peak limiter used with `loudness`; its ceiling sits under the target's.
    public var limiter: LimiterSettings

    public init(clausePause: Double = 0.25, sentencePause: Double = 0.5, paragraphPause: Double = 1.0,
                scenePause: Double = 2.0, chapterHead: Double = 0.75, chapterTail: Double = 1.5,
                joinFade: Double = 0.010, trim: SilenceTrimSettings = SilenceTrimSettings(),
                roomTone: RoomTone = StitchSettings.defaultRoomTone, loudness: LoudnessTarget? = .audiobook,
                limiter: LimiterSettings = .default) {
        self.clausePause = clausePause
        self.sentencePause = sentencePause
        self.paragraphPause = paragraphPause
        self.scenePause = scenePause
        self.chapterHead = chapterHead
        self.chapterTail = chapterTail
        self.joinFade = joinFade
        self.trim = trim
        self.roomTone = roomTone
        self.loudness = loudness
        self.limiter = limiter
    }

    public static let `default` = StitchSettings()
    /// The default level, seeded as chapter 0 of a book with seed 0 (the exporter reseeds it per chapter).
    public static let defaultRoomTone = RoomToneLevel.default.tone(bookSeed: 0, chapterAnchor: "")

    /// Pause after a segment followed by `boundary`. A `.chapter` boundary normally ends the
    /// list (the chapter tail replaces it); met mid-list it gets the scene pause.
    public func pause(after boundary: Boundary) -> Double {
        switch boundary {
        case .clause: return clausePause
        case .sentence: return sentencePause
        case .paragraph: return paragraphPause
        case .scene, .chapter: return scenePause
        }
    }
}
