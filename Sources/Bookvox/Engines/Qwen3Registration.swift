// The Qwen3-TTS engine's registry entry. The model directory is `--model-dir`, else the first installed
// qwen3-tts-* model under the models root ($BOOKVOX_MODELS, else $XDG_DATA_HOME/bookvox/models, else
// ~/.local/share/bookvox/models — the layout `bookvox models download` installs). The model hash is the
// sha256 over the sha256 of every file the engine reads, memoized per (path, size, mtime) within a process.
import Foundation
import Qwen3TTS
import SpeechEngine

enum Qwen3Registration {
    static let name = "qwen3-tts"
    /// Installed models in order of preference.
    static let modelNames = ["qwen3-tts-0.6b-base", "qwen3-tts-1.7b-base", "qwen3-tts-0.6b-customvoice",
                             "qwen3-tts-1.7b-customvoice", "qwen3-tts-1.7b-voicedesign"]

    static let registration = EngineRegistration(
        name: name, summary: "Qwen3-TTS 12 Hz (0.6B / 1.7B; Base clones a clip, CustomVoice speakers, VoiceDesign)",
        isNeural: true, isInstalled: { installedDirectory() != nil },
        make: { options in try makeEngine(options) })

    static func makeEngine(_ options: EngineOptions) throws -> SpeechEngine {
        guard let dir = options.modelDir.map({ URL(fileURLWithPath: $0) }) ?? installedDirectory() else {
            throw BookvoxError.badInput("no Qwen3-TTS model is installed. Run `bookvox models download qwen3-tts-0.6b-base` "
                + "or pass --model-dir DIR.")
        }
        let probe = try Qwen3ModelDirectory(url: dir)
        let opts = Qwen3EngineOptions(speaker: options.speaker, voiceDesign: options.voiceDesign,
                                      modelHash: try modelHash(probe))
        return try Qwen3TTSEngine(directory: dir, options: opts)
    }

    static func modelsRoot(_ env: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let r = env["BOOKVOX_MODELS"], !r.isEmpty { return URL(fileURLWithPath: r) }
        if let x = env["XDG_DATA_HOME"], !x.isEmpty { return URL(fileURLWithPath: x).appendingPathComponent("bookvox/models") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/share/bookvox/models")
    }

    static func installedDirectory() -> URL? {
        let root = modelsRoot()
        return modelNames.map { root.appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("config.json").path) }
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var memo: [String: String] = [:]

    static func modelHash(_ dir: Qwen3ModelDirectory) throws -> String {
        var parts: [String] = []
        for path in dir.identityFiles {
            let attrs = try FileManager.default.attributesOfItem(atPath: path)
            let key = "\(path)|\((attrs[.size] as? NSNumber)?.intValue ?? -1)|\((attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
            lock.lock()
            let cached = memo[key]
            lock.unlock()
            let hash: String
            if let cached { hash = cached } else {
                guard let h = Hashing.sha256Hex(fileAt: path) else {
                    throw BookvoxError.badInput("cannot read \(path). Fix: `bookvox models download \(dir.variant.modelName)`.")
                }
                lock.lock()
                memo[key] = h
                lock.unlock()
                hash = h
            }
            parts.append("\(path.dropFirst(dir.url.path.count))=\(hash)")
        }
        return "qwen3-tts-\(dir.variant)-" + Hashing.sha256Hex(parts.joined(separator: "\n")).prefix(16)
    }
}
