// Reader for NumPy .npy files (format versions 1.0, 2.0, 3.0):
// magic "\x93NUMPY", version, header length (u16 for v1, u32 for v2/v3), a Python
// dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (73, 192), },
// then the C-order data. The file is memory-mapped.
import Foundation
import Tensors

public enum NumpyFile {
    static let dtypes: [String: DType] = [
        "<f4": .f32, "<f8": .f64, "<f2": .f16, "<i8": .i64, "<i4": .i32, "<i2": .i16,
        "|i1": .i8, "|u1": .u8, "|b1": .bool,
    ]

    /// The array as a raw tensor view into the mapped file.
    public static func read(path: String) throws -> RawTensor {
        let file = try MappedFile(path: path)
        let base = UnsafeRawPointer(file.base)
        func bad(_ why: String) -> WeightError { .malformed(path: path, reason: "npy: " + why) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard file.size >= 10, (0..<6).allSatisfy({ base.load(fromByteOffset: $0, as: UInt8.self) == magic[$0] }) else {
            throw bad("missing \\x93NUMPY magic")
        }
        let major = base.load(fromByteOffset: 6, as: UInt8.self)
        let headerLen: Int, headerStart: Int
        switch major {
        case 1:
            headerLen = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt16.self)))
            headerStart = 10
        case 2, 3:
            guard file.size >= 12 else { throw bad("truncated header") }
            headerLen = Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 8, as: UInt32.self)))
            headerStart = 12
        default:
            throw bad("unsupported format version \(major)")
        }
        guard headerStart + headerLen <= file.size else { throw bad("header runs past the end of the file") }
        let header = String(decoding: UnsafeRawBufferPointer(start: base + headerStart, count: headerLen), as: UTF8.self)

        guard let descr = value(of: "descr", in: header)?.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) else {
            throw bad("header has no 'descr': \(header)")
        }
        guard let dtype = dtypes[descr] else {
            throw WeightError.unsupportedDType(key: path, dtype: descr + " (supported: " + dtypes.keys.sorted().joined(separator: ", ") + ")")
        }
        guard let fortran = value(of: "fortran_order", in: header) else { throw bad("header has no 'fortran_order'") }
        guard fortran == "False" else { throw bad("fortran_order arrays are not supported; save with np.ascontiguousarray") }
        guard let shapeText = value(of: "shape", in: header) else { throw bad("header has no 'shape'") }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "()"))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw bad("bad dimension '\(d)' in shape \(shapeText)") }
            shape.append(v)
        }
        let dataStart = headerStart + headerLen
        guard let bytes = CheckedSize.bytes(shape, dtype) else { throw bad("impossible shape \(shapeText)") }
        guard bytes <= file.size - dataStart else {
            throw bad("shape \(shape) of \(descr) needs \(bytes) bytes, file has \(file.size - dataStart)")
        }
        return RawTensor(dtype: dtype, shape: shape, bytes: base + dataStart, owner: file)
    }

    /// The array converted to Float32.
    public static func tensor(path: String) throws -> Tensor { try read(path: path).floatTensor(key: path) }

    /// The text after `'key':` up to the next top-level comma (shape tuples kept whole).
    static func value(of key: String, in header: String) -> String? {
        guard let r = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var s = header[r.upperBound...].drop { $0 == " " }
        guard s.first == ":" else { return nil }
        s = s.dropFirst().drop { $0 == " " }
        var depth = 0
        var out = ""
        for ch in s {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1; if depth == 0 { out.append(ch); break } }
            if depth == 0 && (ch == "," || ch == "}") { break }
            out.append(ch)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }
}
