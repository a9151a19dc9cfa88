// PyTorch zip checkpoints (torch.save with the default zip serialization, .pth/.pt/.bin).
//
// Layout: `<folder>/data.pkl` (pickle), `<folder>/data/<key>` (raw little-endian
// storages), `<folder>/byteorder`, `<folder>/version`. The folder is whatever
// name the archive was saved under, not necessarily the file stem, so it is
// found from the entry that ends in "/data.pkl".
//
// Tensors: `torch._utils._rebuild_tensor_v2(storage, storage_offset, size, stride, …)`,
// also wrapped in `_rebuild_parameter(…)` or `torch._tensor._rebuild_from_type_v2(…)`;
// storages come from persistent ids `('storage', torch.<Type>Storage, key, location, numel)`.
// Everything else (ints, strings, optimizer state, argparse.Namespace …) stays an
// opaque pickle value and is skipped when the tensors are collected.
import Foundation
import Logging

/// One storage of the archive, bytes in place in the mapped file.
final class TorchStorage: PickleHostValue {
    let dtype: DType
    let pointer: UnsafeRawPointer
    let numel: Int
    init(dtype: DType, pointer: UnsafeRawPointer, numel: Int) {
        self.dtype = dtype
        self.pointer = pointer
        self.numel = numel
    }
}

/// A rebuilt tensor (a strided view into a storage).
final class TorchTensor: PickleHostValue {
    let raw: RawTensor
    init(raw: RawTensor) { self.raw = raw }
}

public struct TorchCheckpoint {
    /// Key under which a checkpoint that is one bare tensor (e.g. IndexTTS2's feat1.pt) is returned.
    public static let bareTensorKey = ""

    public let path: String
    /// The unpickled root object.
    public let root: PickleValue
    private static let logger = Logger(label: "bookvox.weights.torch")

    static let storageTypes: [String: DType] = [
        "FloatStorage": .f32, "DoubleStorage": .f64, "HalfStorage": .f16, "BFloat16Storage": .bf16,
        "LongStorage": .i64, "IntStorage": .i32, "ShortStorage": .i16, "CharStorage": .i8,
        "ByteStorage": .u8, "BoolStorage": .bool, "UntypedStorage": .u8,
    ]

    public init(path: String) throws {
        self.path = path
        let zip = try ZipArchive(path: path)
        guard let pkl = zip.names.first(where: { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }) else {
            throw WeightError.malformed(path: path, reason: "no data.pkl entry: not a torch.save zip archive "
                + "(legacy non-zip torch checkpoints are not supported; re-save with torch.save)")
        }
        let folder = String(pkl.dropLast("data.pkl".count))  // "archive/" (or "" for a flat archive)
        if zip.entries[folder + "byteorder"] != nil {
            let (p, c) = try zip.data(folder + "byteorder")
            let order = String(decoding: UnsafeRawBufferPointer(start: p, count: c), as: UTF8.self)
            guard order == "little" else {
                throw WeightError.malformed(path: path, reason: "byteorder is '\(order)'; only little-endian checkpoints are supported")
            }
        }
        var storages: [String: TorchStorage] = [:]
        let unpickler = Unpickler(
            persistentLoad: { pid in
                guard let t = pid.tuple, t.count >= 5, t[0].string == "storage",
                      case let .global(_, typeName) = t[1], let key = t[2].string ?? t[2].int.map(String.init) else {
                    throw WeightError.malformed(path: path, reason: "unexpected persistent id \(pid)")
                }
                if let s = storages[key] { return .host(s) }
                guard let dtype = TorchCheckpoint.storageTypes[typeName] else {
                    throw WeightError.unsupportedDType(key: "storage \(key)", dtype: typeName)
                }
                let (ptr, count) = try zip.data(folder + "data/" + key)
                guard count % dtype.byteSize == 0 else {
                    throw WeightError.malformed(path: path, reason: "storage \(key) has \(count) bytes, not a multiple of \(dtype.byteSize)")
                }
                let s = TorchStorage(dtype: dtype, pointer: ptr, numel: count / dtype.byteSize)
                storages[key] = s
                return .host(s)
            },
            reduce: { callable, args in try TorchCheckpoint.rebuild(callable, args, path: path, owner: zip.file) })
        let (p, c) = try zip.data(pkl)
        do {
            root = try unpickler.load(UnsafeRawBufferPointer(start: p, count: c))
        } catch let e as PickleError {
            throw WeightError.malformed(path: path, reason: e.description)
        }
    }

    /// Tensor-rebuilding callables; nil leaves the value opaque.
    static func rebuild(_ callable: PickleValue, _ args: [PickleValue], path: String, owner: AnyObject) throws -> PickleValue? {
        guard let name = callable.qualifiedName else { return nil }
        switch name {
        case "collections.OrderedDict":
            let d = PickleDict()
            if let pairs = args.first?.tuple {
                for pair in pairs { if let kv = pair.tuple, kv.count == 2 { d.items.append((kv[0], kv[1])) } }
            }
            return .dict(d)
        case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor":
            guard args.count >= 4, case let .host(h) = args[0], let storage = h as? TorchStorage,
                  let offset = args[1].int, let size = args[2].tuple?.compactMap({ $0.int }),
                  let stride = args[3].tuple?.compactMap({ $0.int }), size.count == stride.count else {
                throw WeightError.malformed(path: path, reason: "\(name) with unexpected arguments")
            }
            let outside = WeightError.malformed(path: path, reason: "tensor view (offset \(offset), size \(size), stride \(stride)) "
                + "does not fit its storage of \(storage.numel) elements")
            guard offset >= 0, stride.allSatisfy({ $0 >= 0 }), let count = CheckedSize.elements(size) else { throw outside }
            if count > 0 {
                // The last element's offset: offset + Σ (size − 1) · stride, without overflow.
                var last = offset
                for (n, s) in zip(size, stride) {
                    let (step, o1) = (n - 1).multipliedReportingOverflow(by: s)
                    let (sum, o2) = last.addingReportingOverflow(step)
                    guard !o1, !o2 else { throw outside }
                    last = sum
                }
                guard last < storage.numel else { throw outside }
            } else {
                guard offset <= storage.numel else { throw outside }
            }
            let raw = RawTensor(dtype: storage.dtype, shape: size,
                                bytes: storage.pointer + offset * storage.dtype.byteSize, strides: stride, owner: owner)
            return .host(TorchTensor(raw: raw))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let data = args.first, case .host = data else { return nil }
            return data
        case "torch._tensor._rebuild_from_type_v2":
            // (func, new_type, args, state): rebuild with the inner function, drop the subclass type.
            guard args.count >= 3, let inner = args[2].tuple else { return nil }
            return try rebuild(args[0], inner, path: path, owner: owner)
        default:
            return nil
        }
    }

    /// Every tensor, with nested dicts flattened by "."; `rootKey` selects a top-level entry first.
    /// A bare tensor is returned under `bareTensorKey`. Non-tensor values are skipped (logged at debug level).
    public func tensors(rootKey: String? = nil) throws -> [String: RawTensor] {
        var start = root
        if let rk = rootKey {
            guard case let .dict(d) = root else {
                throw WeightError.malformed(path: path, reason: "rootKey '\(rk)' given but the checkpoint is not a dict")
            }
            guard let sub = d[rk] else {
                let found = d.items.compactMap { $0.key.string }.joined(separator: ", ")
                throw WeightError.malformed(path: path, reason: "no top-level entry '\(rk)' (found: \(found))")
            }
            start = sub
        }
        var out: [String: RawTensor] = [:]
        var skipped: [String] = []
        var open: Set<ObjectIdentifier> = []  // dicts being walked (the path from the root)
        func walk(_ v: PickleValue, _ key: String) throws {
            switch v {
            case let .host(h as TorchTensor):
                guard out[key] == nil else { throw WeightError.malformed(path: path, reason: "duplicate key '\(key)' after flattening") }
                out[key] = h.raw
            case let .dict(d):
                // A dict that contains itself (possible in a pickle, never in a state dict) would never end.
                let id = ObjectIdentifier(d)
                guard !open.contains(id) else {
                    throw WeightError.malformed(path: path, reason: "the entry '\(key)' contains itself")
                }
                open.insert(id)
                defer { open.remove(id) }
                for (k, value) in d.items {
                    let name: String
                    switch k {
                    case let .string(s): name = s
                    case let .int(i): name = String(i)
                    default: skipped.append(key); continue
                    }
                    try walk(value, key.isEmpty ? name : key + "." + name)
                }
            default:
                skipped.append(key)
            }
        }
        try walk(start, TorchCheckpoint.bareTensorKey)
        if !skipped.isEmpty {
            TorchCheckpoint.logger.debug("skipped \(skipped.count) non-tensor entries in \(path): \(skipped.prefix(8).joined(separator: ", "))")
        }
        return out
    }
}
