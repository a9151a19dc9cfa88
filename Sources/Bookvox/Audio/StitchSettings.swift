// How the stitcher lays out a chapter: pauses per boundary, head/tail room tone, join fades,
// silence trimming and the book-wide loudness target.
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
    /// What fills pauses, head and tail. Default: digital silence — TTS output has no
    /// recorded room noise to match, and silence compresses to nothing in MP3/FLAC. A seeded
    /// `.noise` tone is available for players that duck on digital silence.
    public var roomTone: RoomTone
    /// One gain per chapter brings it to this target; nil leaves levels untouched.
    public var loudness: LoudnessTarget?

    public init(clausePause: Double = 0.25, sentencePause: Double = 0.5, paragraphPause: Double = 1.0,
                scenePause: Double = 2.0, chapterHead: Double = 0.75, chapterTail: Double = 1.5,
                joinFade: Double = 0.010, trim: SilenceTrimSettings = SilenceTrimSettings(),
                roomTone: RoomTone = .silence, loudness: LoudnessTarget? = .audiobook) {
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
    }

    public static let `default` = StitchSettings()

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
