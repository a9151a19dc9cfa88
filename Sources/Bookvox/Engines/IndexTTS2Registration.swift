// The IndexTTS2 engine's registry entry. The model directory is `--model-dir`, else where
// `bookvox models download indextts2` installs it (ModelStore: $BOOKVOX_MODELS, else
// $XDG_DATA_HOME/bookvox/models, else ~/.local/share/bookvox/models, then "indextts2").
// Emotion options: `--emotion-clip FILE`, `--emotion "happy=0.6,calm=0.2"` (8 categories), `--emotion-alpha`.
import Foundation
import IndexTTS2
import SpeechEngine

enum IndexTTS2Registration {
    static let name = "indextts2"

    static let registration = EngineRegistration(
        name: name, summary: "IndexTTS2 zero-shot voice cloning with emotion control (GPT + flow-matching DiT + BigVGAN, 22.05 kHz)",
        isNeural: true, isInstalled: { installedDirectory() != nil },
        make: { options in try makeEngine(options) })

    /// The default install location, when it holds a complete model directory.
    static func installedDirectory() -> String? {
        guard let store = try? ModelStore.standard() else { return nil }
        let dir = store.directory(for: name).path
        return IndexTTS2ModelDirectory.isComplete(path: dir) ? dir : nil
    }

    static func engineOptions(_ options: EngineOptions) throws -> IndexTTS2EngineOptions {
        let fast = try EnginePrecision(settings: options) == .fast
        guard let dir = options.modelDir ?? installedDirectory() else {
            throw BookvoxError.badInput("IndexTTS2 is not installed. Run `\(IndexTTS2ModelError.fixCommand)` or pass --model-dir DIR.")
        }
        if let clip = options.emotionClip, !FileManager.default.isReadableFile(atPath: clip) {
            throw BookvoxError.badInput("emotion clip \(clip) does not exist or is unreadable. Pass a WAV/FLAC file with --emotion-clip.")
        }
        let vector: EmotionVector?
        do {
            vector = try options.emotion.map { try EmotionVector(parsing: $0) }
        } catch {
            throw BookvoxError.badInput("\(error)")
        }
        let emotion = EmotionSettings(clipPath: options.emotionClip, vector: vector, alpha: options.emotionAlpha ?? 1)
        var o = IndexTTS2EngineOptions(modelDir: dir, emotion: emotion)
        if let s = options.diffusionSteps { o.diffusionSteps = s }
        if let c = options.cfgRate { o.cfgRate = c }
        if fast { o.fastKernel = IndexTTS2FastKernel.standard }
        return o
    }

    /// Engines made while another one over the same model directory is alive share its loaded model (a cast's voices
    /// with emotion settings of their own are engine instances over one model); held weakly, so nothing outlives use.
    static func makeEngine(_ options: EngineOptions) throws -> SpeechEngine {
        let o = try engineOptions(options)
        let key = URL(fileURLWithPath: o.modelDir).standardizedFileURL.path
        lock.lock()
        let shared = loaded[key]?.models
        lock.unlock()
        let engine = try IndexTTS2Engine(options: o, models: shared)
        lock.lock()
        loaded[key] = LoadedModels(engine.models)
        lock.unlock()
        return engine
    }

    private final class LoadedModels {
        weak var models: IndexTTS2Models?
        init(_ models: IndexTTS2Models) { self.models = models }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [String: LoadedModels] = [:]
}
