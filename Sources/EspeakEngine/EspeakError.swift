// Typed errors for the built-in espeak-ng engine.
import Foundation
import SpeechEngine

public enum EspeakError: Error, CustomStringConvertible, Equatable {
    case initializationFailed(detail: String)
    case unknownVariant(String, available: [String])
    case unknownLanguage(String)
    case invalidRate(Int)
    case synthesisFailed(String)
    case codesMismatch(key: String)

    public var description: String {
        switch self {
        case let .initializationFailed(d):
            return "espeak-ng could not initialize (\(d)). Its voice data is probably missing: install the espeak-ng-data "
                + "package (Debian/Ubuntu: apt-get install espeak-ng-data)."
        case let .unknownVariant(v, available):
            return "unknown espeak-ng voice variant '\(v)'; available variants: \(available.joined(separator: ", "))"
        case let .unknownLanguage(l):
            return "espeak-ng has no voice for language '\(l)'; use a code such as en, en-us, de, fr (see `ls /usr/share/espeak-ng-data/lang` or your espeak-ng-data folder)"
        case let .invalidRate(r):
            return "speaking rate \(r) words per minute is outside espeak-ng's range 80…450"
        case let .synthesisFailed(d):
            return "espeak-ng synthesis failed: \(d)"
        case let .codesMismatch(k):
            return "segment \(k): the stored espeak codes were made for different text; regenerate the segment"
        }
    }
}

extension EspeakError: EngineInputError {
    public var isInputError: Bool {
        switch self {
        case .unknownVariant, .unknownLanguage, .invalidRate: return true
        case .initializationFailed, .synthesisFailed, .codesMismatch: return false
        }
    }
}
