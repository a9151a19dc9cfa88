// Settings for the built-in espeak-ng voice.
import Foundation

public struct EspeakOptions: Sendable, Equatable, Codable {
    /// espeak-ng language / voice name, e.g. "en", "en-us", "de". This, not
    /// SegmentRequest.language, selects the voice (it is part of the cache identity).
    public var language: String
    /// Voice variant from espeak-ng-data/voices/!v, e.g. "f3", "m1"; nil for the language's default voice.
    public var variant: String?
    /// Speaking rate in words per minute (espeak-ng accepts 80…450; its default is 175).
    public var wordsPerMinute: Int

    public init(language: String = "en", variant: String? = nil, wordsPerMinute: Int = 175) {
        self.language = language
        self.variant = variant
        self.wordsPerMinute = wordsPerMinute
    }

    /// The name passed to espeak_SetVoiceByName: "en" or "en+f3". Language tags are case-insensitive (BCP 47) and
    /// espeak-ng's voice names are lower-case, so "en-GB" (as EPUBs write it) selects "en-gb".
    public var voiceName: String {
        let lang = language.lowercased()
        return variant.map { "\(lang)+\($0)" } ?? lang
    }
}
