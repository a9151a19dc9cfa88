// On-disk cache of prepared voice profiles: <project>/voices/<engine>-<model hash>-<clip sha256>.safetensors.
// Tensors are stored as F32 with their shapes; string metadata goes to the safetensors `__metadata__`
// (engine name, model hash and voice hash included, so a profile is never reused for another engine or model).
import Foundation
import Neural
import SpeechEngine
import Tensors

public enum VoiceProfileCache {
    public static func load(from url: URL, engine: String, modelHash: String, voiceHash: String) -> VoiceProfile? {
        guard FileManager.default.fileExists(atPath: url.path),
              let file = try? SafeTensorsFile(path: url.path),
              file.metadata["engine"] == engine, file.metadata["modelHash"] == modelHash,
              file.metadata["voiceHash"] == voiceHash else { return nil }
        var tensors: [String: Tensor] = [:]
        for key in file.keys {
            guard let t = try? file.tensor(key) else { return nil }
            tensors[key] = t
        }
        var meta = file.metadata
        meta.removeValue(forKey: "engine")
        meta.removeValue(forKey: "modelHash")
        meta.removeValue(forKey: "voiceHash")
        return VoiceProfile(engine: engine, voiceHash: voiceHash, tensors: tensors, metadata: meta)
    }

    /// Serializes a profile in the safetensors format (header length, JSON header, little-endian F32 data).
    public static func encode(_ profile: VoiceProfile, modelHash: String) throws -> Data {
        var header: [String: Any] = [:]
        var meta = profile.metadata
        meta["engine"] = profile.engine
        meta["modelHash"] = modelHash
        meta["voiceHash"] = profile.voiceHash
        header["__metadata__"] = meta
        var body = Data()
        for key in profile.tensors.keys.sorted() {
            let t = profile.tensors[key]!
            let start = body.count
            t.withUnsafeBufferPointer { buf in
                for v in buf { withUnsafeBytes(of: v.bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            }
            header[key] = ["dtype": "F32", "shape": t.shape, "data_offsets": [start, body.count]]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }
}
