// Strict, scoped access to a checkpoint's tensors.
//
// A module asks for every weight it declares by name and shape through a
// `WeightScope`; each read marks the key used. `finish()` then fails if any key
// of the file was never read (unless explicitly ignored), so a renamed or
// missing module is caught instead of silently running with half its weights.
// Formats: .safetensors, PyTorch zip checkpoints (.pth/.pt/.bin/.ckpt), .npy.
import Foundation
import Tensors

public final class WeightStore: @unchecked Sendable {
    /// A stored entry: either a view into a mapped file or an in-memory tensor.
    enum Entry {
        case raw(RawTensor)
        case tensor(Tensor)

        var shape: [Int] {
            switch self {
            case let .raw(r): return r.shape
            case let .tensor(t): return t.shape
            }
        }
    }

    /// Where the tensors came from (a path, or a label given by the caller); used in error messages.
    public let source: String
    let entries: [String: Entry]
    private var used = Set<String>()
    private let lock = NSLock()

    /// Opens a checkpoint by extension: `.safetensors`; `.pth`, `.pt`, `.bin`, `.ckpt` (PyTorch zip);
    /// `.npy` (one array, stored under the key "").
    ///
    /// `rootKey` picks a nested dictionary of a PyTorch checkpoint (e.g. "generator", "net", "model");
    /// nested dictionaries below it are flattened with "." (`{"cfm": {"x.weight": t}}` → "cfm.x.weight").
    /// For flat formats (safetensors) it selects the keys under "rootKey." and strips that prefix.
    /// A `torch.save` of a bare tensor is stored under the key "" (see `TorchCheckpoint.bareTensorKey`).
    public convenience init(path: String, rootKey: String? = nil) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        var raw: [String: RawTensor]
        switch ext {
        case "safetensors":
            raw = try SafeTensorsFile(path: path).tensors
            if let root = rootKey {
                let prefix = root + "."
                let selected = raw.filter { $0.key.hasPrefix(prefix) }
                guard !selected.isEmpty else { throw WeightError.missingKey(root, file: path) }
                raw = Dictionary(uniqueKeysWithValues: selected.map { (String($0.key.dropFirst(prefix.count)), $0.value) })
            }
        case "pth", "pt", "bin", "ckpt":
            raw = try TorchCheckpoint(path: path).tensors(rootKey: rootKey)
        case "npy":
            guard rootKey == nil else {
                throw WeightError.malformed(path: path, reason: "a .npy file holds one array; rootKey '\(rootKey!)' does not apply")
            }
            raw = [TorchCheckpoint.bareTensorKey: try NumpyFile.read(path: path)]
        default:
            throw WeightError.unreadable(path: path, reason: "unknown weight file extension '.\(ext)' (expected .safetensors, .pth, .pt, .bin, .ckpt or .npy)")
        }
        self.init(raw: raw, source: path)
    }

    /// Wraps tensors already in memory (tests, converted weights); `source` names them in errors.
    public init(tensors: [String: Tensor], source: String) {
        self.entries = tensors.mapValues { Entry.tensor($0) }
        self.source = source
    }

    init(raw: [String: RawTensor], source: String) {
        self.entries = raw.mapValues { Entry.raw($0) }
        self.source = source
    }

    /// All keys, sorted.
    public var keys: [String] { entries.keys.sorted() }

    /// A view of the keys under `prefix` ("" for the root). A trailing "." is added when missing.
    public func scope(_ prefix: String) -> WeightScope { WeightScope(store: self, prefix: WeightScope.join("", prefix)) }

    /// The root scope.
    public var root: WeightScope { WeightScope(store: self, prefix: "") }

    /// Keys never read so far, sorted.
    public var unusedKeys: [String] {
        lock.lock(); defer { lock.unlock() }
        return entries.keys.filter { !used.contains($0) }.sorted()
    }

    /// Fails with `WeightError.unusedKeys` naming every key that was never read. `ignoring` entries are
    /// exact keys, or prefixes when they end in "." or "*" ("decoder." and "decoder*" both skip "decoder.x").
    public func finish(ignoring: [String] = []) throws {
        let left = unusedKeys.filter { key in
            !ignoring.contains { pattern in
                if pattern.hasSuffix("*") { return key.hasPrefix(String(pattern.dropLast())) }
                if pattern.hasSuffix(".") { return key.hasPrefix(pattern) }
                return key == pattern
            }
        }
        if !left.isEmpty { throw WeightError.unusedKeys(left, file: source) }
    }

    // MARK: internal access

    func shape(of key: String) -> [Int]? { entries[key]?.shape }

    func markUsed(_ key: String) {
        lock.lock(); used.insert(key); lock.unlock()
    }

    /// The entry as Float32 (zero-copy for contiguous F32 in a mapped file); marks it used.
    func floatTensor(_ key: String, shape: [Int]) throws -> Tensor {
        guard let entry = entries[key] else { throw WeightError.missingKey(key, file: source) }
        guard entry.shape == shape else { throw WeightError.shapeMismatch(key: key, expected: shape, found: entry.shape) }
        markUsed(key)
        switch entry {
        case let .raw(r): return try r.floatTensor(key: key)
        case let .tensor(t): return t
        }
    }

    /// The entry as integers (buffers such as position ids); marks it used.
    func int64s(_ key: String, shape: [Int]) throws -> [Int64] {
        guard let entry = entries[key] else { throw WeightError.missingKey(key, file: source) }
        guard entry.shape == shape else { throw WeightError.shapeMismatch(key: key, expected: shape, found: entry.shape) }
        markUsed(key)
        switch entry {
        case let .raw(r): return try r.int64Array(key: key)
        case let .tensor(t):
            return try t.array.enumerated().map { i, f in
                guard let v = Int64(exactly: f.rounded(.towardZero)) else {
                    throw WeightError.notInteger(key: key, index: i, value: Double(f))
                }
                return v
            }
        }
    }

    /// The entry as Float32 without a shape check and without marking it used (inspection, conversions).
    public func peek(_ key: String) throws -> Tensor {
        guard let entry = entries[key] else { throw WeightError.missingKey(key, file: source) }
        switch entry {
        case let .raw(r): return try r.floatTensor(key: key)
        case let .tensor(t): return t
        }
    }
}

/// The keys of a `WeightStore` under one prefix, e.g. `store.scope("decoder").scope("layers.0")`.
public struct WeightScope: @unchecked Sendable {
    public let store: WeightStore
    /// Empty, or ends in ".".
    public let prefix: String

    init(store: WeightStore, prefix: String) {
        self.store = store
        self.prefix = prefix
    }

    static func join(_ prefix: String, _ p: String) -> String {
        if p.isEmpty { return prefix }
        return prefix + (p.hasSuffix(".") ? p : p + ".")
    }

    /// The full key of `name` in this scope.
    public func key(_ name: String) -> String { prefix + name }

    public func scope(_ p: String) -> WeightScope { WeightScope(store: store, prefix: WeightScope.join(prefix, p)) }

    /// The tensor `name` with exactly `shape`; marks it used. Errors name the full key.
    public func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        try store.floatTensor(key(name), shape: shape)
    }

    /// An integer tensor (e.g. a registered index buffer) with exactly `shape`; marks it used.
    public func int64s(_ name: String, shape: [Int]) throws -> [Int64] {
        try store.int64s(key(name), shape: shape)
    }

    /// Whether the key exists (does not mark it used).
    public func has(_ name: String) -> Bool { store.shape(of: key(name)) != nil }

    /// The stored shape of `name`, or nil (does not mark it used). For sizes that only the checkpoint knows.
    public func shape(of name: String) -> [Int]? { store.shape(of: key(name)) }

    /// All full keys under this scope, sorted.
    public var keys: [String] { store.keys.filter { $0.hasPrefix(prefix) } }

    /// A weight that may be stored with weight normalisation, folded to a plain weight of `shape`:
    /// `w = g · v / ‖v‖`, the norm taken over every dimension except 0 (torch's default `dim=0`).
    /// Accepted layouts, in this order:
    ///   * `<name>_g` / `<name>_v` (torch.nn.utils.weight_norm),
    ///   * `parametrizations.<name>.original0` / `.original1` (torch.nn.utils.parametrizations.weight_norm),
    ///   * plain `<name>` (weight norm already removed).
    /// `transposed` marks a ConvTranspose1d weight, stored (in, out, k): weight_norm's default dim 0 is then
    /// the *input* channel axis and the fold is still over dims 1…; the flag only labels error messages.
    public func weightNormed(_ name: String = "weight", shape: [Int], transposed: Bool = false) throws -> Tensor {
        let gShape = [shape.first ?? 1] + Array(repeating: 1, count: max(shape.count - 1, 0))
        let label = transposed ? "ConvTranspose weight (in, out, k)" : "weight"
        let pairs = [(name + "_g", name + "_v"),
                     ("parametrizations.\(name).original0", "parametrizations.\(name).original1")]
        for (gName, vName) in pairs where has(gName) || has(vName) {
            guard has(gName) else { throw WeightError.missingKey(key(gName), file: store.source) }
            guard has(vName) else { throw WeightError.missingKey(key(vName), file: store.source) }
            let v = try tensor(vName, shape: shape)
            // g is stored (d0, 1, 1, …); accept a flat (d0,) too.
            let g: Tensor
            if let gs = self.shape(of: gName), gs == [gShape[0]] {
                g = try tensor(gName, shape: [gShape[0]])
            } else {
                g = try tensor(gName, shape: gShape)
            }
            return try WeightNorm.fold(g: g, v: v, key: key(name), label: label)
        }
        return try tensor(name, shape: shape)
    }
}
