// Engine registry: name → factory. "espeak" is built in and is the default when no neural model is
// installed; neural engines (indextts2, qwen3-tts) register themselves with an `isInstalled` check.
import Foundation
import SpeechEngine

/// The engine settings a render uses. The project stores them (BookRecord.engineSettings), so `resume` and
/// `rerender` synthesize with the settings the book was rendered with unless a flag says otherwise.
public struct EngineOptions: Sendable, Codable, Equatable {
    public var language: String
    /// A model directory to load instead of the installed one (`--model-dir`).
    public var modelDir: String?
    /// A preset speaker name (`--speaker`, Qwen3-TTS CustomVoice).
    public var speaker: String?
    /// A voice description (`--voice-design`, Qwen3-TTS VoiceDesign).
    public var voiceDesign: String?
    /// IndexTTS2 emotion controls (`--emotion-clip`, `--emotion`, `--emotion-alpha`) and CFM settings.
    public var emotionClip: String?
    public var emotion: String?
    public var emotionAlpha: Double?
    public var diffusionSteps: Int?
    public var cfgRate: Double?
    /// An espeak-ng voice name ("en-us", "en+f3") instead of the book's language: set for a cast voice's engine
    /// instance (front matter `espeak:`), never from the command line or the project's stored settings.
    public var espeakVoice: String?
    /// `--precision exact|fast` (nil = exact). Qwen3-TTS and IndexTTS2 take fast; espeak refuses it.
    public var precision: String?

    public init(language: String = "en", modelDir: String? = nil, speaker: String? = nil, voiceDesign: String? = nil) {
        self.language = language
        self.modelDir = modelDir
        self.speaker = speaker
        self.voiceDesign = voiceDesign
    }

    /// The same settings with `modelDir` and `emotionClip` made absolute (against the current directory): the
    /// project stores them, and `resume` may run from another directory.
    public var withAbsolutePaths: EngineOptions {
        var o = self
        o.modelDir = modelDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        o.emotionClip = emotionClip.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        return o
    }

    /// The same settings in `language`.
    public func with(language: String) -> EngineOptions {
        var o = self
        o.language = language
        return o
    }

    /// Field by field: this value where set, else `stored`'s (the language stays this one's).
    public func filling(from stored: EngineOptions?) -> EngineOptions {
        guard let stored else { return self }
        var o = self
        o.modelDir = modelDir ?? stored.modelDir
        o.speaker = speaker ?? stored.speaker
        o.voiceDesign = voiceDesign ?? stored.voiceDesign
        o.emotionClip = emotionClip ?? stored.emotionClip
        o.emotion = emotion ?? stored.emotion
        o.emotionAlpha = emotionAlpha ?? stored.emotionAlpha
        o.diffusionSteps = diffusionSteps ?? stored.diffusionSteps
        o.cfgRate = cfgRate ?? stored.cfgRate
        o.precision = precision ?? stored.precision
        return o
    }

    /// Whether the two differ in anything but the language.
    public func differsInSettings(from other: EngineOptions) -> Bool {
        var a = self
        a.language = other.language
        return a != other
    }

    /// Human-readable list of the set fields, as the CLI flags spell them.
    public var flagsDescription: String {
        var parts: [String] = []
        func add(_ flag: String, _ value: String?) { if let value { parts.append("--\(flag) \(value)") } }
        add("model-dir", modelDir)
        add("speaker", speaker)
        add("voice-design", voiceDesign)
        add("emotion-clip", emotionClip)
        add("emotion", emotion)
        add("emotion-alpha", emotionAlpha.map { "\($0)" })
        add("diffusion-steps", diffusionSteps.map { "\($0)" })
        add("cfg-rate", cfgRate.map { "\($0)" })
        add("precision", precision)
        return parts.isEmpty ? "the defaults" : parts.joined(separator: " ")
    }
}

public struct EngineRegistration: Sendable {
    public var name: String
    public var summary: String
    /// Neural engines are preferred as default when installed.
    public var isNeural: Bool
    public var isInstalled: @Sendable () -> Bool
    public var make: @Sendable (EngineOptions) throws -> SpeechEngine

    public init(name: String, summary: String, isNeural: Bool, isInstalled: @escaping @Sendable () -> Bool,
                make: @escaping @Sendable (EngineOptions) throws -> SpeechEngine) {
        self.name = name
        self.summary = summary
        self.isNeural = isNeural
        self.isInstalled = isInstalled
        self.make = make
    }
}

public final class EngineRegistry: @unchecked Sendable {
    public static let shared = EngineRegistry(registrations: [EspeakRegistration.registration, IndexTTS2Registration.registration,
                                                              Qwen3Registration.registration])

    private let lock = NSLock()
    private var byName: [String: EngineRegistration] = [:]
    private var order: [String] = []

    public init(registrations: [EngineRegistration]) {
        for r in registrations { register(r) }
    }

    /// Adds or replaces an engine.
    public func register(_ r: EngineRegistration) {
        lock.lock()
        defer { lock.unlock() }
        if byName[r.name] == nil { order.append(r.name) }
        byName[r.name] = r
    }

    public var registrations: [EngineRegistration] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { byName[$0] }
    }

    /// The first installed neural engine, else "espeak".
    public var defaultName: String {
        registrations.first { $0.isNeural && $0.isInstalled() }?.name ?? EspeakRegistration.name
    }

    public func make(_ name: String?, options: EngineOptions) throws -> SpeechEngine {
        let wanted = name ?? defaultName
        guard let r = registrations.first(where: { $0.name == wanted }) else {
            throw BookvoxError.badInput("unknown engine '\(wanted)'. Available: "
                + registrations.map(\.name).joined(separator: ", ") + ".")
        }
        guard r.isInstalled() || options.modelDir != nil else {
            // The download name of the engine's preferred model (e.g. qwen3-tts-1.7b-base), else the engine name.
            let model = (try? ModelStore.standard())?.catalog.manifests(forEngine: wanted).first?.name ?? wanted
            throw BookvoxError.badInput("engine '\(wanted)' is not installed. Run `bookvox models download \(model)` "
                + "(or pass --model-dir DIR) or use --engine \(EspeakRegistration.name).")
        }
        do {
            return try r.make(options)
        } catch let e as EngineInputError where e.isInputError {
            throw BookvoxError.badInput("\(e)")
        }
    }
}
