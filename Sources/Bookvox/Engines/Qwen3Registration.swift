// The Qwen3-TTS engine's registry entry. The model directory is `--model-dir`, else the most preferred complete
// qwen3-tts installation of the ModelStore (`bookvox models download qwen3-tts-…`). The model hash is the sha256
// over the sha256 of every file the engine reads, memoized per (path, size, mtime) within a process.
import Foundation
import Qwen3TTS
import SpeechEngine

enum Qwen3Registration {
    static let name = "qwen3-tts"
    static let registration = EngineRegistration(
        name: name, summary: "Qwen3-TTS 12 Hz (0.6B / 1.7B; Base clones a clip, CustomVoice speakers, VoiceDesign)",
        isNeural: true, isInstalled: ModelStore.installedCheck(engine: name),
        make: { options in try makeEngine(options) })

    /// `--model-dir`, else the most preferred complete installation (ModelStore; its error names the download command).
    static func makeEngine(_ options: EngineOptions) throws -> SpeechEngine {
        let dir = try options.modelDir.map { URL(fileURLWithPath: $0) } ?? ModelStore.standard().require(engine: name).directory
        let probe = try Qwen3ModelDirectory(url: dir)
        let precision: Qwen3Precision = try EnginePrecision(settings: options) == .fast ? .fast : .exact
        let opts = Qwen3EngineOptions(speaker: options.speaker, voiceDesign: options.voiceDesign,
                                      modelHash: try modelHash(probe), precision: precision)
        return try Qwen3TTSEngine(directory: dir, options: opts)
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
