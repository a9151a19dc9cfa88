// Reader for the safetensors format (https://huggingface.co/docs/safetensors):
// u64 little-endian header length, JSON header, then raw little-endian data.
// The file is mmap'd; F32 tensors are used in place, other dtypes are converted.
import Foundation
import Tensors

public enum WeightError: Error, CustomStringConvertible {
    case fileNotFound(String)
    case unreadable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case missingKey(String, file: String)
    case unusedKeys([String], file: String)
    case shapeMismatch(key: String, expected: [Int], found: [Int])
    case unsupportedDType(key: String, dtype: String)
    /// An integer buffer (ids, positions) holding a float with no integer value.
    case notInteger(key: String, index: Int, value: Double)

    public var description: String {
        switch self {
        case let .fileNotFound(p): return "weight file not found: \(p)"
        case let .unreadable(p, r): return "cannot read weight file \(p): \(r)"
        case let .malformed(p, r): return "malformed weight file \(p): \(r)"
        case let .missingKey(k, f): return "missing weight '\(k)' in \(f)"
        case let .unusedKeys(ks, f):
            let shown = ks.prefix(10).joined(separator: ", ")
            return "\(ks.count) unused weight(s) in \(f): \(shown)\(ks.count > 10 ? ", …" : "")"
        case let .shapeMismatch(k, e, f): return "weight '\(k)' has shape \(f), expected \(e)"
        case let .unsupportedDType(k, d): return "weight '\(k)' has unsupported dtype \(d)"
        case let .notInteger(k, i, v):
            return "weight '\(k)' should hold integers but element \(i) is \(v); the file is damaged or not the expected checkpoint"
        }
    }
}

/// Element types found in checkpoints.
public enum DType: String, Sendable {
    case f32 = "F32", f16 = "F16", bf16 = "BF16", f64 = "F64"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8", u8 = "U8", bool = "BOOL"

    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16, .i16: return 2
        case .i8, .u8, .bool: return 1
        }
    }
}

/// A raw tensor inside a mapped file: dtype, shape and bytes.
public struct RawTensor: @unchecked Sendable {
    public let dtype: DType
    public let shape: [Int]
    public let bytes: UnsafeRawPointer
    /// Element strides in elements (row-major unless the source said otherwise).
    public let strides: [Int]
    let owner: AnyObject

    public init(dtype: DType, shape: [Int], bytes: UnsafeRawPointer, strides: [Int]? = nil, owner: AnyObject) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
        self.strides = strides ?? Tensor.strides(of: shape)
        self.owner = owner
    }

    public var count: Int { shape.reduce(1, *) }
    var isContiguous: Bool { strides == Tensor.strides(of: shape) }

    /// Converts to a Float32 tensor (zero-copy for contiguous F32).
    public func floatTensor(key: String) throws -> Tensor {
        if dtype == .f32 && isContiguous && Int(bitPattern: bytes) % MemoryLayout<Float>.alignment == 0 {
            let p = UnsafeMutablePointer(mutating: bytes.assumingMemoryBound(to: Float.self))
            return Tensor(shape: shape, storage: TensorStorage(borrowing: p, count: count, owner: owner))
        }
        var out = Tensor(zeros: shape)
        let n = count
        let strides = self.strides
        let shape = self.shape
        let contiguous = isContiguous
        let dtype = self.dtype
        let bytes = self.bytes
        out.withUnsafeMutableBufferPointer { dst in
            for i in 0..<n {
                var src = i
                if !contiguous {
                    var rem = i
                    src = 0
                    for d in stride(from: shape.count - 1, through: 0, by: -1) {
                        src += (rem % shape[d]) * strides[d]
                        rem /= shape[d]
                    }
                }
                dst[i] = RawTensor.load(dtype, bytes, src)
            }
        }
        return out
    }

    /// Integer view (for token ids, codes); floats are truncated toward zero, and a float with no integer
    /// value saturates (NaN → 0, beyond Int64 → Int64.min / .max). Weight loading uses `int64Array(key:)`.
    public func int64Array() -> [Int64] {
        (0..<count).map { i in
            element(i) { Int64(exactly: $0.rounded(.towardZero)) ?? ($0.isNaN ? 0 : $0 < 0 ? .min : .max) }
        }
    }

    /// Integer view that throws when a float element has no integer value (NaN, ±infinity, beyond Int64).
    public func int64Array(key: String) throws -> [Int64] {
        try (0..<count).map { i in
            var bad: Double?
            let v = element(i) { f -> Int64 in
                if let v = Int64(exactly: f.rounded(.towardZero)) { return v }
                bad = f
                return 0
            }
            if let bad { throw WeightError.notInteger(key: key, index: i, value: bad) }
            return v
        }
    }

    /// Element `i` (row-major over `shape`) as an integer; `fromFloat` converts float elements.
    private func element(_ i: Int, fromFloat: (Double) -> Int64) -> Int64 {
        var src = i
        if !isContiguous {
            var rem = i
            src = 0
            for d in stride(from: shape.count - 1, through: 0, by: -1) {
                src += (rem % shape[d]) * strides[d]
                rem /= shape[d]
            }
        }
        switch dtype {
        case .i64: return bytes.loadUnaligned(fromByteOffset: src * 8, as: Int64.self)
        case .i32: return Int64(bytes.loadUnaligned(fromByteOffset: src * 4, as: Int32.self))
        case .i16: return Int64(bytes.loadUnaligned(fromByteOffset: src * 2, as: Int16.self))
        case .i8: return Int64(bytes.loadUnaligned(fromByteOffset: src, as: Int8.self))
        case .u8, .bool: return Int64(bytes.loadUnaligned(fromByteOffset: src, as: UInt8.self))
        case .f64: return fromFloat(bytes.loadUnaligned(fromByteOffset: src * 8, as: Double.self))
        case .f32, .f16, .bf16: return fromFloat(Double(RawTensor.load(dtype, bytes, src)))
        }
    }

    @inline(__always)
    static func load(_ dtype: DType, _ p: UnsafeRawPointer, _ i: Int) -> Float {
        switch dtype {
        case .f32: return p.loadUnaligned(fromByteOffset: i * 4, as: Float.self)
        case .f64: return Float(p.loadUnaligned(fromByteOffset: i * 8, as: Double.self))
        case .f16: return Float(halfBits: p.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self))
        case .bf16:
            let b = p.loadUnaligned(fromByteOffset: i * 2, as: UInt16.self)
            return Float(bitPattern: UInt32(b) << 16)
        case .i64: return Float(p.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
        case .i32: return Float(p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))
        case .i16: return Float(p.loadUnaligned(fromByteOffset: i * 2, as: Int16.self))
        case .i8: return Float(p.loadUnaligned(fromByteOffset: i, as: Int8.self))
        case .u8, .bool: return Float(p.loadUnaligned(fromByteOffset: i, as: UInt8.self))
        }
    }
}

extension Float {
    /// IEEE 754 binary16 → binary32 (portable; no reliance on Float16 availability).
    init(halfBits h: UInt16) {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { self = Float(bitPattern: sign); return }
            // Subnormal half: value = mant * 2^-24.
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            self = sign != 0 ? -v : v
            return
        }
        if exp == 31 {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mant << 13))
            return
        }
        self = Float(bitPattern: sign | (UInt32(exp - 15 + 127) << 23) | (mant << 13))
    }
}

/// A read-only memory map of a whole file (private, so in-place writes stay local).
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let base: UnsafeMutableRawPointer
    public let size: Int

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            if errno == ENOENT { throw WeightError.fileNotFound(path) }
            throw WeightError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw WeightError.unreadable(path: path, reason: String(cString: strerror(errno))) }
        size = Int(st.st_size)
        guard size > 0 else { throw WeightError.malformed(path: path, reason: "file is empty") }
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw WeightError.unreadable(path: path, reason: "mmap failed: \(String(cString: strerror(errno)))")
        }
        base = p
    }

    deinit { munmap(base, size) }
}

/// All tensors of one safetensors file, by name.
public struct SafeTensorsFile: Sendable {
    public let path: String
    public let tensors: [String: RawTensor]
    public let metadata: [String: String]

    public init(path: String) throws {
        self.path = path
        let file = try MappedFile(path: path)
        guard file.size >= 8 else { throw WeightError.malformed(path: path, reason: "shorter than its 8-byte header length") }
        let claimed = UInt64(littleEndian: file.base.loadUnaligned(as: UInt64.self))
        guard claimed > 0, claimed <= UInt64(file.size - 8) else {
            throw WeightError.malformed(path: path, reason: "header length \(claimed) exceeds file size \(file.size)")
        }
        let headerLen = Int(claimed)
        let headerData = Data(bytes: file.base + 8, count: headerLen)
        guard let json = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any] else {
            throw WeightError.malformed(path: path, reason: "header is not a JSON object")
        }
        let dataStart = 8 + headerLen
        var tensors: [String: RawTensor] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in json {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let entry = value as? [String: Any],
                  let dtypeName = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int],
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2 else {
                throw WeightError.malformed(path: path, reason: "bad header entry for '\(name)'")
            }
            guard let dtype = DType(rawValue: dtypeName) else {
                throw WeightError.unsupportedDType(key: name, dtype: dtypeName)
            }
            guard let byteCount = CheckedSize.bytes(shape, dtype) else {
                throw WeightError.malformed(path: path, reason: "'\(name)' has an impossible shape \(shape)")
            }
            guard offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= file.size - dataStart,
                  offsets[1] - offsets[0] == byteCount else {
                throw WeightError.malformed(path: path, reason: "data range \(offsets) of '\(name)' does not match its shape \(shape) "
                    + "or lies outside the \(file.size - dataStart) data bytes")
            }
            tensors[name] = RawTensor(dtype: dtype, shape: shape, bytes: UnsafeRawPointer(file.base + dataStart + offsets[0]), owner: file)
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    public var keys: [String] { tensors.keys.sorted() }

    public func raw(_ key: String) throws -> RawTensor {
        guard let t = tensors[key] else { throw WeightError.missingKey(key, file: path) }
        return t
    }

    public func tensor(_ key: String) throws -> Tensor { try raw(key).floatTensor(key: key) }
    public func int64s(_ key: String) throws -> [Int64] { try raw(key).int64Array(key: key) }
}
