// The book's pace as the project stores it (book.pace): pauses and speaking rate from the front matter
// (`pace:`, `rate:`) and from the command line (`--pauses`, `--rate`, remembered; they win over the front
// matter), and how the pauses set the stitcher's layout.
import Foundation
import TextFrontend

public struct StoredPace: Codable, Sendable, Equatable {
    /// Front matter `pace:` as last planned.
    public var book: PauseSettings?
    /// `--pauses` given on a command line (remembered).
    public var options: PauseSettings?
    /// Front matter `rate:` as last planned.
    public var bookRate: Double?
    /// `--rate` given on a command line (remembered).
    public var optionRate: Double?

    public init(book: PauseSettings? = nil, options: PauseSettings? = nil, bookRate: Double? = nil, optionRate: Double? = nil) {
        self.book = book
        self.options = options
        self.bookRate = bookRate
        self.optionRate = optionRate
    }

    /// The pauses in effect: the command line's over the front matter's (unset ones: the stitcher's defaults).
    public var pauses: PauseSettings { (book ?? PauseSettings()).overridden(by: options ?? PauseSettings()) }
    /// The book's speaking rate: the command line's, else the front matter's, else 1.
    public var rate: Double { optionRate ?? bookRate ?? 1 }
}

extension StitchSettings {
    /// These settings with the pauses `pace` sets.
    public func applying(_ pace: PauseSettings) -> StitchSettings {
        var s = self
        if let v = pace.clause { s.clausePause = v }
        if let v = pace.sentence { s.sentencePause = v }
        if let v = pace.paragraph { s.paragraphPause = v }
        if let v = pace.scene { s.scenePause = v }
        if let v = pace.chapterHead { s.chapterHead = v }
        if let v = pace.chapterTail { s.chapterTail = v }
        return s
    }

    /// Fields for an export hash: empty when every pause is the default (exports made before pace settings
    /// existed keep their hashes), else the pause values.
    public var pauseHashFields: [String] {
        let d = StitchSettings.default
        let mine = [clausePause, sentencePause, paragraphPause, scenePause, chapterHead, chapterTail]
        let defaults = [d.clausePause, d.sentencePause, d.paragraphPause, d.scenePause, d.chapterHead, d.chapterTail]
        guard mine != defaults else { return [] }
        return ["pauses"] + mine.map { String($0) }
    }
}
