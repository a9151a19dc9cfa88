// The published IndexTTS2 model directory, read as `IndexTTS2.__init__` reads it (aux_paths layout):
//
//   config.yaml                       hyper-parameters and file names (IndexTTS2Config)
//   gpt.pth, s2mel.pth, bpe.model     names from config.yaml (gpt_checkpoint, s2mel_checkpoint, dataset.bpe_model)
//   feat1.pt, feat2.pt                spk_matrix / emo_matrix (names from config.yaml)
//   wav2vec2bert_stats.pt             w2v_stat: {"mean", "var"}
//   w2v-bert-2.0/{config.json, model.safetensors, preprocessor_config.json}
//   semantic_codec/model.safetensors
//   campplus/campplus_cn_common.bin
//   bigvgan/{config.json, bigvgan_generator.pt}
//
// Opening checks that every file exists and is non-empty; reading a file that turns out malformed is reported
// as `IndexTTS2ModelError.corrupt` naming that file. Both errors print the fix command.
import Foundation
import Neural
import Tensors

public struct IndexTTS2ModelDirectory: Sendable {
    public let root: URL
    public let config: IndexTTS2Config

    public var configURL: URL { root.appendingPathComponent("config.yaml") }
    public var gptURL: URL { root.appendingPathComponent(config.gptCheckpoint) }
    public var s2melURL: URL { root.appendingPathComponent(config.s2melCheckpoint) }
    public var bpeURL: URL { root.appendingPathComponent(config.bpeModel) }
    public var spkMatrixURL: URL { root.appendingPathComponent(config.spkMatrix) }
    public var emoMatrixURL: URL { root.appendingPathComponent(config.emoMatrix) }
    public var w2vStatURL: URL { root.appendingPathComponent(config.w2vStat) }
    public var w2vBertDir: URL { root.appendingPathComponent("w2v-bert-2.0") }
    public var w2vBertConfigURL: URL { w2vBertDir.appendingPathComponent("config.json") }
    public var w2vBertWeightsURL: URL { w2vBertDir.appendingPathComponent("model.safetensors") }
    public var w2vBertPreprocessorURL: URL { w2vBertDir.appendingPathComponent("preprocessor_config.json") }
    public var semanticCodecURL: URL { root.appendingPathComponent("semantic_codec/model.safetensors") }
    public var campplusURL: URL { root.appendingPathComponent("campplus/campplus_cn_common.bin") }
    public var bigvganConfigURL: URL { root.appendingPathComponent("bigvgan/config.json") }
    public var bigvganWeightsURL: URL { root.appendingPathComponent("bigvgan/bigvgan_generator.pt") }

    /// Every file inference reads, in load order.
    public var requiredFiles: [URL] {
        [configURL, gptURL, s2melURL, bpeURL, spkMatrixURL, emoMatrixURL, w2vStatURL, w2vBertConfigURL, w2vBertWeightsURL,
         w2vBertPreprocessorURL, semanticCodecURL, campplusURL, bigvganConfigURL, bigvganWeightsURL]
    }

    /// Opens `path`: reads config.yaml and checks that every other file is present and non-empty.
    public init(path: String) throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw IndexTTS2ModelError.notADirectory(path: path)
        }
        root = URL(fileURLWithPath: path).standardizedFileURL
        let configPath = root.appendingPathComponent("config.yaml").path
        guard FileManager.default.fileExists(atPath: configPath) else { throw IndexTTS2ModelError.missing(file: configPath) }
        config = try IndexTTS2Config(path: configPath)
        for url in requiredFiles {
            let attrs = try? FileManager.default.attributesOfItem(atPath: url.path)
            guard let attrs else { throw IndexTTS2ModelError.missing(file: url.path) }
            guard (attrs[.type] as? FileAttributeType) != .typeDirectory else {
                throw IndexTTS2ModelError.corrupt(file: url.path, reason: "is a directory, expected a file")
            }
            guard ((attrs[.size] as? NSNumber)?.intValue ?? 0) > 0 else {
                throw IndexTTS2ModelError.corrupt(file: url.path, reason: "the file is empty (interrupted download?)")
            }
        }
    }

    /// Whether `path` holds every file of a model directory (no parsing beyond config.yaml).
    public static func isComplete(path: String) -> Bool { (try? IndexTTS2ModelDirectory(path: path)) != nil }

    /// Runs `body`, turning weight-format errors into `corrupt(file:)` for `url`.
    public func reading<T>(_ url: URL, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as WeightError {
            throw IndexTTS2ModelError.corrupt(file: url.path, reason: e.description)
        } catch let e as DecodingError {
            throw IndexTTS2ModelError.corrupt(file: url.path, reason: "\(e)")
        }
    }

    /// The tensors of a weight file (strict access through `WeightStore`).
    public func weights(_ url: URL, rootKey: String? = nil) throws -> WeightStore {
        try reading(url) { try WeightStore(path: url.path, rootKey: rootKey) }
    }

    /// gpt.pth: a flat UnifiedVoice state_dict, or one nested under "model" (`load_checkpoint` accepts both).
    public func gptWeights() throws -> WeightStore {
        let flat = try weights(gptURL)
        let keys = flat.keys
        if !keys.isEmpty, keys.allSatisfy({ $0.hasPrefix("model.") }) { return try weights(gptURL, rootKey: "model") }
        return flat
    }

    /// JSON file → Decodable (config.json files of the auxiliary models).
    public func decodeJSON<T: Decodable>(_ type: T.Type, at url: URL) throws -> T {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw IndexTTS2ModelError.missing(file: url.path) }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw IndexTTS2ModelError.corrupt(file: url.path, reason: "\(error)")
        }
    }

    /// One float tensor of a small checkpoint (feat1/feat2: a bare tensor under ""; stats: "mean", "var").
    public func smallTensor(_ url: URL, key: String) throws -> Tensor {
        let store = try weights(url)
        return try reading(url) {
            guard let shape = store.root.shape(of: key) else {
                let found = store.keys.map { $0.isEmpty ? "<bare tensor>" : $0 }.joined(separator: ", ")
                throw IndexTTS2ModelError.corrupt(file: url.path, reason: "no tensor '\(key.isEmpty ? "<bare tensor>" : key)' (found: \(found))")
            }
            return try store.root.tensor(key, shape: shape)
        }
    }

    /// A cheap identity of the installed weights: FNV-1a 64 over config.yaml's bytes and, per file, its relative
    /// path, byte size and its first and last 64 KiB. Re-downloaded identical files keep the hash; a different
    /// checkpoint changes it. Hex string.
    public func fingerprint() throws -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
            for b in bytes { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        }
        let chunk = 65_536
        for url in requiredFiles {
            mix(url.path.dropFirst(root.path.count).utf8)
            guard let handle = try? FileHandle(forReadingFrom: url) else { throw IndexTTS2ModelError.missing(file: url.path) }
            defer { try? handle.close() }
            let size = (try? handle.seekToEnd()) ?? 0
            mix(withUnsafeBytes(of: size.littleEndian) { Array($0) })
            try? handle.seek(toOffset: 0)
            mix(handle.readData(ofLength: chunk))
            if size > UInt64(chunk) {
                try? handle.seek(toOffset: size - UInt64(min(UInt64(chunk), size - UInt64(chunk))))
                mix(handle.readData(ofLength: chunk))
            }
        }
        return String(format: "%016llx", h)
    }
}
