// The known models: the manifests built into the binary (copies of manifests/*.json, see
// BuiltinManifests.swift), plus any *.json manifests in $BOOKVOX_MANIFESTS (same name replaces).
import Foundation

public struct ModelCatalog: Sendable {
    public private(set) var manifests: [ModelManifest]

    public init(manifests: [ModelManifest]) {
        self.manifests = manifests
    }

    /// The built-in manifests, decoded and validated.
    public static func builtin() throws -> ModelCatalog {
        let list = try BuiltinManifests.json.map { name, text in
            try ModelManifest.decode(Data(text.utf8), origin: "built-in \(name).json")
        }
        return ModelCatalog(manifests: list)
    }

    /// Built-in manifests plus those of `BOOKVOX_MANIFESTS` (a directory of *.json) from `environment`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelCatalog {
        var catalog = try builtin()
        if let dir = environment["BOOKVOX_MANIFESTS"], !dir.isEmpty {
            for m in try loadDirectory(URL(fileURLWithPath: dir)) { catalog.add(m) }
        }
        return catalog
    }

    /// Every `*.json` model manifest in `dir` (files that are not manifests, like a model's own
    /// config copy, are recognized by their lack of a "files" array and skipped).
    public static func loadDirectory(_ dir: URL) throws -> [ModelManifest] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw ModelStoreError.unreadable(path: dir.path, reason: "\(error.localizedDescription) (BOOKVOX_MANIFESTS)")
        }
        var out: [ModelManifest] = []
        for name in names {
            let url = dir.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ModelStoreError.unreadable(path: url.path, reason: "not readable")
            }
            guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any], obj["files"] is [Any] else {
                continue
            }
            out.append(try ModelManifest.decode(data, origin: url.path))
        }
        return out
    }

    /// Adds a manifest, replacing one of the same name.
    public mutating func add(_ m: ModelManifest) {
        if let i = manifests.firstIndex(where: { $0.name == m.name }) { manifests[i] = m } else { manifests.append(m) }
    }

    public var names: [String] { manifests.map(\.name) }

    public func manifest(named name: String) throws -> ModelManifest {
        guard let m = manifests.first(where: { $0.name == name }) else {
            throw ModelStoreError.unknownModel(name: name, known: names)
        }
        return m
    }

    /// The manifests of one engine, most preferred first.
    public func manifests(forEngine engine: String) -> [ModelManifest] {
        manifests.filter { $0.engine == engine }.sorted { ($0.rank, $0.name) < ($1.rank, $1.name) }
    }
}
