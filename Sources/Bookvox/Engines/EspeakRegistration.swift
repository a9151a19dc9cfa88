// The built-in espeak-ng draft engine's registry entry.
import EspeakEngine
import SpeechEngine

enum EspeakRegistration {
    static let name = "espeak"

    static let registration = EngineRegistration(
        name: name, summary: "espeak-ng draft voice (no model weights; cannot clone voices)", isNeural: false,
        isInstalled: { true },
        make: { options in
            try EnginePrecision.requireExact(options, engine: name)
            return try EspeakEngine(options: espeakOptions(options))
        })

    /// The book's language, or a cast voice's espeak-ng voice: "en-us" (a language) or "en+f3" (language + variant).
    static func espeakOptions(_ options: EngineOptions) -> EspeakOptions {
        guard let voice = options.espeakVoice else { return EspeakOptions(language: options.language) }
        let parts = voice.split(separator: "+", maxSplits: 1).map(String.init)
        return EspeakOptions(language: parts.first ?? voice, variant: parts.count > 1 ? parts[1] : nil)
    }
}
