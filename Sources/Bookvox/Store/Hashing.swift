// SHA-256 helpers (swift-crypto) used for audio files, voice clips, codes and cache identities.
import Crypto
import Foundation

public enum Hashing {
    public static func sha256Hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    public static func sha256Hex(_ string: String) -> String { sha256Hex(Data(string.utf8)) }

    /// sha256 over length-prefixed fields, so no two field lists collide ("ab","c" ≠ "a","bc").
    public static func fieldsDigest(_ fields: [String]) -> String {
        var blob = Data()
        for f in fields {
            let bytes = Data(f.utf8)
            blob.append(contentsOf: withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { Array($0) })
            blob.append(bytes)
        }
        return sha256Hex(blob)
    }

    /// Hash of a file's bytes, streamed in 1 MiB blocks; nil when the file cannot be read.
    public static func sha256Hex(fileAt path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            // read(upToCount:) returns nil or empty data at the end of the file, depending on the platform.
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
        } catch {
            return nil
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
