// A published Qwen3-TTS model directory (Qwen/Qwen3-TTS-12Hz-{0.6B,1.7B}-{Base,CustomVoice,VoiceDesign}):
//   config.json, generation_config.json, model.safetensors (talker.* and, for Base, speaker_encoder.*),
//   vocab.json + merges.txt or tokenizer.json (+ tokenizer_config.json), speech_tokenizer/{config.json,
//   model.safetensors (encoder.* + decoder.*), preprocessor_config.json}.
// The variant comes from config.json's tts_model_size ("0b6" / "1b7") and tts_model_type ("base" /
// "custom_voice" / "voice_design"). Every missing or unreadable file is an error naming the file and the
// `bookvox models download` command that installs the variant.
import Foundation

public struct Qwen3Variant: Sendable, Equatable, CustomStringConvertible {
    public enum Size: String, Sendable { case small = "0.6B", large = "1.7B" }
    public enum Kind: String, Sendable { case base = "Base", customVoice = "CustomVoice", voiceDesign = "VoiceDesign" }
    public var size: Size
    public var kind: Kind

    public init(size: Size, kind: Kind) {
        self.size = size
        self.kind = kind
    }

    /// From config.json's `tts_model_size` / `tts_model_type`.
    public init(config: Qwen3TTSConfig, path: String) throws {
        switch config.ttsModelSize {
        case "0b6": size = .small
        case "1b7": size = .large
        case let other:
            throw Qwen3TTSError.modelFile(path: path, problem: "tts_model_size is \(other.map { "'\($0)'" } ?? "missing"); "
                + "expected '0b6' or '1b7'", fix: "use a Qwen3-TTS-12Hz model directory (`bookvox models download qwen3-tts-0.6b-base`)")
        }
        switch config.ttsModelType {
        case "base": kind = .base
        case "custom_voice": kind = .customVoice
        case "voice_design": kind = .voiceDesign
        case let other:
            throw Qwen3TTSError.modelFile(path: path, problem: "tts_model_type is \(other.map { "'\($0)'" } ?? "missing"); "
                + "expected 'base', 'custom_voice' or 'voice_design'",
                fix: "use a Qwen3-TTS-12Hz model directory (`bookvox models download qwen3-tts-0.6b-base`)")
        }
    }

    /// "0.6B-Base", as in the upstream repo names.
    public var description: String { "\(size.rawValue)-\(kind.rawValue)" }

    /// The `bookvox models download` name of this variant.
    public var modelName: String { "qwen3-tts-\(size.rawValue.lowercased())-\(kind.rawValue.lowercased())" }
}

public struct Qwen3ModelDirectory: Sendable {
    public let url: URL
    public let config: Qwen3TTSConfig
    public let variant: Qwen3Variant

    public var configPath: String { file("config.json") }
    public var generationConfigPath: String { file("generation_config.json") }
    public var weightsPath: String { file("model.safetensors") }
    public var speechTokenizerURL: URL { url.appendingPathComponent("speech_tokenizer") }
    public var speechTokenizerConfigPath: String { speechTokenizerURL.appendingPathComponent("config.json").path }
    public var speechTokenizerWeightsPath: String { speechTokenizerURL.appendingPathComponent("model.safetensors").path }

    /// Checks that every file the engine reads exists and reads config.json.
    public init(url: URL) throws {
        self.url = url.standardizedFileURL
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: self.url.path, isDirectory: &isDir), isDir.boolValue else {
            throw Qwen3TTSError.modelFile(path: self.url.path, problem: "no such model directory",
                                          fix: "`bookvox models download qwen3-tts-0.6b-base` (or pass --model-dir DIR)")
        }
        let configPath = self.url.appendingPathComponent("config.json").path
        try Self.require(configPath, fix: Self.genericFix)
        do { config = try Qwen3TTSConfig.load(path: configPath) } catch {
            throw Qwen3TTSError.modelFile(path: configPath, problem: "unreadable as a Qwen3-TTS config (\(error))", fix: Self.genericFix)
        }
        variant = try Qwen3Variant(config: config, path: configPath)
        let fix = "`bookvox models download \(variant.modelName)` (re-download if the file is damaged)"
        for path in [weightsPath, speechTokenizerConfigPath, speechTokenizerWeightsPath] { try Self.require(path, fix: fix) }
        let vocab = file("vocab.json"), merges = file("merges.txt"), tokenizerJSON = file("tokenizer.json")
        if !fm.fileExists(atPath: tokenizerJSON) {
            try Self.require(vocab, fix: fix)
            try Self.require(merges, fix: fix)
        }
    }

    static let genericFix = "`bookvox models download qwen3-tts-0.6b-base` (or another qwen3-tts-* model)"

    /// The repair hint for files of this directory.
    public var fix: String { "`bookvox models download \(variant.modelName)` (re-download if the file is damaged)" }

    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Files whose bytes define the engine's output (for the model hash), in a fixed order.
    public var identityFiles: [String] {
        let fm = FileManager.default
        return ["config.json", "generation_config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer.json",
                "tokenizer_config.json", "speech_tokenizer/config.json", "speech_tokenizer/model.safetensors",
                "speech_tokenizer/preprocessor_config.json"].map(file).filter { fm.fileExists(atPath: $0) }
    }

    static func require(_ path: String, fix: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw Qwen3TTSError.modelFile(path: path, problem: "missing or unreadable", fix: fix)
        }
    }
}
