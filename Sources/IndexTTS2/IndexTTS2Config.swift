// IndexTTS2's config.yaml (the file `IndexTTS2.__init__` reads with OmegaConf.load), read with Yams.
//
// The model blocks (`gpt`, `semantic_codec`, `s2mel`) decode through the same Decodable configs the parity
// cases use (their keys are config.yaml's keys), so a block is converted YAML → JSON-compatible values once
// and decoded on demand with `decode(_:key:)`. File-name keys (`gpt_checkpoint`, `s2mel_checkpoint`,
// `w2v_stat`, `emo_matrix`, `spk_matrix`, `dataset.bpe_model`) and `emo_num` are read directly.
// v1 leftovers (`dataset.sample_rate`, `dataset.mel`, `mel_length_compression`) are ignored as infer_v2 does.
import AudioDSP
import Foundation
import Yams

public struct IndexTTS2Config: @unchecked Sendable {
    /// Where the config was read from (used in error messages).
    public let path: String
    /// The whole file as JSON-compatible values ([String: Any], [Any], String, Int, Double, Bool, NSNull).
    public let values: [String: Any]

    /// `dataset.bpe_model` (relative to the model directory).
    public let bpeModel: String
    public let gptCheckpoint: String
    public let s2melCheckpoint: String
    public let w2vStat: String
    public let emoMatrix: String
    public let spkMatrix: String
    /// Rows of feat1/feat2 per emotion category, in the order of `EmotionVector.categories`.
    public let emoNum: [Int]
    /// `version` (2.0 for IndexTTS2; absent in v1 configs).
    public let version: Double?

    /// Parses YAML text; `path` names the source in errors.
    public init(yaml: String, path: String) throws {
        self.path = path
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: yaml)
        } catch {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "not valid YAML (\(error))")
        }
        guard let root = Self.jsonCompatible(loaded as Any) as? [String: Any] else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "the top level is not a mapping")
        }
        values = root
        func string(_ key: String, in dict: [String: Any]? = nil, label: String? = nil) throws -> String {
            guard let s = (dict ?? root)[key] as? String, !s.isEmpty else {
                throw IndexTTS2ModelError.corrupt(file: path, reason: "missing string key '\(label ?? key)'")
            }
            return s
        }
        guard let dataset = root["dataset"] as? [String: Any] else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "missing mapping 'dataset'")
        }
        bpeModel = try string("bpe_model", in: dataset, label: "dataset.bpe_model")
        gptCheckpoint = try string("gpt_checkpoint")
        s2melCheckpoint = try string("s2mel_checkpoint")
        w2vStat = try string("w2v_stat")
        emoMatrix = try string("emo_matrix")
        spkMatrix = try string("spk_matrix")
        let nums = root["emo_num"] as? [Any] ?? []
        let ints = nums.compactMap { $0 as? Int }
        guard !nums.isEmpty, ints.count == nums.count, ints.allSatisfy({ $0 > 0 }) else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "'emo_num' must be a list of positive integers")
        }
        emoNum = ints
        guard emoNum.count == EmotionVector.categories.count else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "'emo_num' has \(emoNum.count) groups; expected "
                + "\(EmotionVector.categories.count) (\(EmotionVector.categories.joined(separator: ", ")))")
        }
        version = root["version"] as? Double ?? (root["version"] as? Int).map(Double.init)
        for block in ["gpt", "semantic_codec", "s2mel"] where !(root[block] is [String: Any]) {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "missing mapping '\(block)'")
        }
    }

    /// Reads `config.yaml` at `path`.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IndexTTS2ModelError.missing(file: path)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "not UTF-8 text")
        }
        try self.init(yaml: text, path: path)
    }

    /// The value at a dotted key path such as "s2mel.preprocess_params".
    public func value(_ keyPath: String) -> Any? {
        var current: Any? = values
        for part in keyPath.split(separator: ".") {
            current = (current as? [String: Any])?[String(part)]
        }
        return current
    }

    /// Decodes the block at `keyPath` with a Decodable config (snake_case keys, as config.yaml writes them).
    public func decode<T: Decodable>(_ type: T.Type, key keyPath: String) throws -> T {
        guard let block = value(keyPath) else {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "missing key '\(keyPath)'")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: block, options: [.fragmentsAllowed])
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw IndexTTS2ModelError.corrupt(file: path, reason: "'\(keyPath)' does not decode as \(T.self): \(error)")
        }
    }

    public var gptConditioning: GPTConditioningConfig { get throws { try decode(GPTConditioningConfig.self, key: "gpt") } }
    public var semanticCodec: SemanticCodecConfig { get throws { try decode(SemanticCodecConfig.self, key: "semantic_codec") } }

    /// The reference mel `IndexTTS2.__init__` builds from `s2mel.preprocess_params` (center False, fmax "None" → sr/2).
    public var referenceMel: MelSpectrogramConfig {
        get throws {
            guard let params = value("s2mel.preprocess_params") as? [String: Any],
                  let spect = params["spect_params"] as? [String: Any],
                  let sr = params["sr"] as? Int, let nFFT = spect["n_fft"] as? Int, let win = spect["win_length"] as? Int,
                  let hop = spect["hop_length"] as? Int, let mels = spect["n_mels"] as? Int else {
                throw IndexTTS2ModelError.corrupt(file: path, reason: "s2mel.preprocess_params needs sr and spect_params "
                    + "{n_fft, win_length, hop_length, n_mels}")
            }
            let fmin = (spect["fmin"] as? Double) ?? (spect["fmin"] as? Int).map(Double.init) ?? 0
            var fmax: Double?
            switch spect["fmax"] {
            case let d as Double: fmax = d
            case let i as Int: fmax = Double(i)
            case let s as String where s == "None": fmax = nil
            case nil, is NSNull: fmax = nil
            default: throw IndexTTS2ModelError.corrupt(file: path, reason: "s2mel spect_params.fmax must be a number or \"None\"")
            }
            return MelSpectrogramConfig(nFFT: nFFT, winSize: win, hopSize: hop, numMels: mels, samplingRate: sr,
                                        fmin: fmin, fmax: fmax, center: false)
        }
    }

    /// Yams values → JSON-compatible values (string keys; dates and other scalars as strings).
    static func jsonCompatible(_ v: Any) -> Any {
        switch v {
        case let d as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (k, value) in d { out["\(k.base)"] = jsonCompatible(value) }
            return out
        case let d as [String: Any]:
            return d.mapValues(jsonCompatible)
        case let a as [Any]:
            return a.map(jsonCompatible)
        case is Int, is Double, is Bool, is String:
            return v
        case is NSNull:
            return NSNull()
        default:
            if case Optional<Any>.none = v { return NSNull() }
            return "\(v)"
        }
    }
}
