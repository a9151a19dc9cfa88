// Which pre-tokenizer regex the official Qwen3-TTS loader ends up with. qwen_tts calls
// AutoProcessor.from_pretrained(path, fix_mistral_regex=True); in transformers 4.57.3,
// PreTrainedTokenizerBase._patch_mistral_regex then swaps in the "fixed Mistral" Split regex when
// the tokenizer's base vocabulary has more than 100 000 entries and, for a local directory, its
// config.json exists and its transformers_version is missing or in (4.57.2, 5.0.0) — or is ≤ 4.57.2
// with a Mistral-family or missing model_type. A hub id whose model is not Mistral-based keeps the Qwen2 regex.
// The checkpoints were trained with the Qwen2 regex (the default everywhere in this module); use this
// only to reproduce the reference pipeline run from a local directory.
import Foundation

extension Qwen2PreTokenizerRegex {
    static let mistralModelTypes: Set<String> = ["mistral", "mistral3", "voxtral", "ministral", "pixtral"]

    /// The regex transformers 4.57.3 installs when loading `modelDirectory` locally with fix_mistral_regex=True.
    /// `baseVocabularySize` is the BPE vocabulary without added tokens (151 643 for the real checkpoints).
    public static func officialLocalLoad(modelDirectory: String, baseVocabularySize: Int) -> Qwen2PreTokenizerRegex {
        guard baseVocabularySize > 100_000 else { return .qwen2 }
        let path = URL(fileURLWithPath: modelDirectory).appendingPathComponent("config.json").path
        guard let data = FileManager.default.contents(atPath: path) else { return .qwen2 }
        let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        let modelType = config["model_type"] as? String
        if let v = config["transformers_version"] as? String, let version = PackageVersion(v) {
            if version <= PackageVersion("4.57.2")! {
                if let t = modelType, !mistralModelTypes.contains(t) { return .qwen2 }
            } else if version >= PackageVersion("5.0.0")! {
                return .qwen2
            }
        }
        return .mistralFix
    }
}

/// A version string ordered like packaging.version for the forms transformers writes
/// ("4.57.3", "4.57.0.dev0", "5.0.0rc1"): release numbers, then a pre-release sorts before the release.
struct PackageVersion: Comparable {
    let release: [Int]
    let preRelease: Bool

    init?(_ text: String) {
        var numbers: [Int] = []
        var pre = false
        for part in text.split(separator: ".") {
            let digits = part.prefix { $0.isASCII && $0.isNumber }
            if digits.isEmpty {
                pre = true
                break
            }
            numbers.append(Int(digits)!)
            if digits.count < part.count {
                pre = true
                break
            }
        }
        guard !numbers.isEmpty else { return nil }
        release = numbers
        preRelease = pre
    }

    static func < (a: PackageVersion, b: PackageVersion) -> Bool {
        let n = max(a.release.count, b.release.count)
        for i in 0..<n {
            let x = i < a.release.count ? a.release[i] : 0
            let y = i < b.release.count ? b.release[i] : 0
            if x != y { return x < y }
        }
        return a.preRelease && !b.preRelease
    }

    static func == (a: PackageVersion, b: PackageVersion) -> Bool { !(a < b) && !(b < a) }
}
