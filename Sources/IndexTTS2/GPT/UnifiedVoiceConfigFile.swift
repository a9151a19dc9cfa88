// Reads the `gpt:` block of IndexTTS2's config.yaml into the GPT and conditioning configs.
import Foundation
import Yams

extension UnifiedVoiceConfig {
    private struct File: Decodable {
        var gpt: UnifiedVoiceConfig
    }

    private struct ConditioningFile: Decodable {
        var gpt: GPTConditioningConfig
    }

    /// config.yaml → (GPT config, conditioning config).
    public static func load(configYAML path: String) throws -> (UnifiedVoiceConfig, GPTConditioningConfig) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw GPTError.badConfig("cannot read \(path) (expected IndexTTS2's config.yaml)")
        }
        do {
            let decoder = YAMLDecoder()
            return (try decoder.decode(File.self, from: text).gpt, try decoder.decode(ConditioningFile.self, from: text).gpt)
        } catch {
            throw GPTError.badConfig("\(path): the gpt block does not decode: \(error)")
        }
    }
}
