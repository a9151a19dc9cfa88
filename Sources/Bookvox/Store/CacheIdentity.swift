// A segment's cache identity: the hash of everything its audio depends on besides the take.
// Editing the book or changing voice / engine / model / settings changes it, so a re-plan
// re-renders exactly the segments whose identity changed.
import Foundation
import SpeechEngine

public struct EngineIdentity: Sendable, Equatable {
    public var name: String
    public var version: String
    public var modelHash: String
    public var settings: String

    public init(name: String, version: String, modelHash: String, settings: String) {
        self.name = name
        self.version = version
        self.modelHash = modelHash
        self.settings = settings
    }

    public init(_ engine: SpeechEngine) {
        self.init(name: engine.name, version: engine.version, modelHash: engine.modelHash,
                  settings: engine.settingsDescription)
    }
}

/// What a cast voice adds to its segments' cache identity: its clip (sha256 with the transcript) and the identity of
/// the engine instance that speaks it (its settings hold a preset speaker, design text, emotion or espeak voice).
public struct VoiceIdentity: Sendable, Equatable {
    public var voiceHash: String?
    public var engine: EngineIdentity

    public init(voiceHash: String?, engine: EngineIdentity) {
        self.voiceHash = voiceHash
        self.engine = engine
    }
}

public enum CacheIdentity {
    /// sha256 over the length-prefixed fields, so no two field lists collide. `normalizedText` is the text the
    /// engine is given (the segment's engine text where the lexicon changed it). The speaking rate is a field only
    /// when it is not 1, so segments at the natural rate keep the identities they had before rates existed.
    public static func of(normalizedText: String, language: String, voiceHash: String?, engine: EngineIdentity,
                          bookSeed: UInt64, rate: Double = 1) -> String {
        var fields = [
            "text", normalizedText, "language", language, "voice", voiceHash ?? "none",
            "engine", engine.name, "model", engine.modelHash, "version", engine.version,
            "settings", engine.settings, "seed", String(bookSeed),
        ]
        if rate != 1 { fields += ["rate", String(rate)] }
        return Hashing.fieldsDigest(fields)
    }
}
