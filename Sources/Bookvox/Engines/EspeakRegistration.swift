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
            return try EspeakEngine(options: EspeakOptions(language: options.language))
        })
}
