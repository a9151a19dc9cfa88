// openai-whisper utils.py compression_ratio: len(utf8) / len(zlib.compress(utf8)) with Python's zlib.compress
// defaults (zlib format, level Z_DEFAULT_COMPRESSION = 6), through the system zlib.
import CZlibShim
import Foundation

public enum CompressionRatio {
    /// The zlib-compressed size of `bytes` (compress2 at the default level).
    static func compressedSize(_ bytes: [UInt8]) throws -> Int {
        var destLen = compressBound(uLong(bytes.count))
        var dest = [UInt8](repeating: 0, count: Int(destLen))
        let rc = bytes.withUnsafeBufferPointer { src in
            dest.withUnsafeMutableBufferPointer { d in
                compress2(d.baseAddress, &destLen, src.baseAddress, uLong(bytes.count), Z_DEFAULT_COMPRESSION)
            }
        }
        guard rc == Z_OK else { throw WhisperError.zlib(rc) }
        return Int(destLen)
    }

    /// compression_ratio(text).
    public static func of(_ text: String) throws -> Double {
        let bytes = Array(text.utf8)
        return Double(bytes.count) / Double(try compressedSize(bytes))
    }
}
