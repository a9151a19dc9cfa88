// Writer for the safetensors format (the reader is SafeTensors.swift): u64 LE header
// length, JSON header padded with spaces to a multiple of 8 bytes, then the tensors'
// little-endian bytes in key order. Written to a temporary file in the same folder,
// synced, then renamed, so a crash never leaves a half-written cache file.
import Foundation
import Tensors

public enum SafeTensorsWriter {
    /// A value to store: Float32 tensors, or integer data (codes, ids) stored as I64.
    public enum Value {
        case float32(Tensor)
        case int64(shape: [Int], values: [Int64])

        var shape: [Int] {
            switch self {
            case let .float32(t): return t.shape
            case let .int64(s, _): return s
            }
        }
        var dtype: DType {
            switch self {
            case .float32: return .f32
            case .int64: return .i64
            }
        }
    }

    /// Writes Float32 tensors (stored as F32) with optional string metadata.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try write(values: tensors.mapValues { Value.float32($0) }, metadata: metadata, to: url)
    }

    public static func write(values: [String: Value], metadata: [String: String] = [:], to url: URL) throws {
        let data = try encode(values: values, metadata: metadata)
        let dir = url.deletingLastPathComponent()
        let tmp = dir.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: tmp.path, contents: nil) else {
            throw WeightError.unreadable(path: tmp.path, reason: "cannot create file (does \(dir.path) exist and is it writable?)")
        }
        do {
            let handle = try FileHandle(forWritingTo: tmp)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: url.path) {
                _ = try FileManager.default.replaceItemAt(url, withItemAt: tmp)
            } else {
                try FileManager.default.moveItem(at: tmp, to: url)
            }
        } catch {
            try? FileManager.default.removeItem(at: tmp)
            throw WeightError.unreadable(path: url.path, reason: "write failed: \(error)")
        }
    }

    /// The file's bytes.
    public static func encode(values: [String: Value], metadata: [String: String] = [:]) throws -> Data {
        let names = values.keys.sorted()
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for name in names {
            let v = values[name]!
            if case let .int64(shape, vals) = v, shape.reduce(1, *) != vals.count {
                throw WeightError.shapeMismatch(key: name, expected: shape, found: [vals.count])
            }
            let bytes = v.shape.reduce(1, *) * v.dtype.byteSize
            header[name] = ["dtype": v.dtype.rawValue, "shape": v.shape, "data_offsets": [offset, offset + bytes]] as [String: Any]
            offset += bytes
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while json.count % 8 != 0 { json.append(0x20) }
        var out = Data(capacity: 8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        for name in names {
            switch values[name]! {
            case let .float32(t):
                t.withUnsafeBufferPointer { buf in
                    #if _endian(little)
                    out.append(UnsafeBufferPointer(start: buf.baseAddress, count: buf.count))
                    #else
                    for x in buf { withUnsafeBytes(of: x.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
                    #endif
                }
            case let .int64(_, vals):
                for x in vals { withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) } }
            }
        }
        return out
    }
}
