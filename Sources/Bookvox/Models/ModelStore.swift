// Where models are installed and whether an installation is complete. Engines' registrations use it:
//   let model = try ModelStore.standard().require(engine: "indextts2")   // → InstalledModel(dir, manifest)
// Default root: $BOOKVOX_MODELS, else $XDG_DATA_HOME/bookvox/models, else ~/.local/share/bookvox/models;
// model NAME lives in <root>/NAME unless it was downloaded with --dir (recorded in <root>/locations.json).
import Foundation

public struct InstalledModel: Sendable {
    public var manifest: ModelManifest
    public var directory: URL

    /// Absolute URL of a manifest file (by its local path) in this installation.
    public func url(_ local: String) -> URL { directory.appendingPathComponent(local) }
}

/// State of one file found by a quick (no hashing) check or a full verification.
public enum ModelFileState: Equatable, Sendable {
    case ok
    /// Present with the expected size, but no sha256 is known to check it against.
    case unchecked
    case missing
    case wrongSize(expected: Int64, found: Int64)
    case corrupt(expected: String, found: String)
    /// A `.part` file of an unfinished download exists (the file itself is missing).
    case partial(bytes: Int64)
}

public struct ModelFileCheck: Sendable {
    public var file: ModelFileSpec
    public var url: URL
    public var state: ModelFileState
}

public struct ModelStore: Sendable {
    public var root: URL
    public var catalog: ModelCatalog

    public init(root: URL, catalog: ModelCatalog) {
        self.root = root
        self.catalog = catalog
    }

    /// The store at the default root with the standard catalog, both read from `environment`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ModelStore {
        ModelStore(root: defaultRoot(environment: environment), catalog: try .standard(environment: environment))
    }

    public static func defaultRoot(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let r = environment["BOOKVOX_MODELS"], !r.isEmpty { return URL(fileURLWithPath: r) }
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty {
            return URL(fileURLWithPath: x).appendingPathComponent("bookvox/models")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/bookvox/models")
    }

    // MARK: locations

    private var locationsURL: URL { root.appendingPathComponent("locations.json") }

    private func locations() -> [String: String] {
        guard let data = FileManager.default.contents(atPath: locationsURL.path),
              let map = try? JSONDecoder().decode([String: String].self, from: data) else { return [:] }
        return map
    }

    /// The directory model `name` is installed in (or would be by default).
    public func directory(for name: String) -> URL {
        if let p = locations()[name] { return URL(fileURLWithPath: p) }
        return root.appendingPathComponent(name)
    }

    /// Remembers that `name` was installed in `dir` (a --dir outside the root); the default location clears it.
    public func recordLocation(_ name: String, directory dir: URL) throws {
        var map = locations()
        let standard = root.appendingPathComponent(name).standardizedFileURL.path
        if dir.standardizedFileURL.path == standard { map[name] = nil } else { map[name] = dir.standardizedFileURL.path }
        if map.isEmpty && !FileManager.default.fileExists(atPath: locationsURL.path) { return }
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(map).write(to: locationsURL, options: .atomic)
        } catch {
            throw ModelDownloadError.io(path: locationsURL.path, reason: error.localizedDescription)
        }
    }

    // MARK: checks

    /// Quick check of every file (existence and size; sizes come from the manifest or the record
    /// of the last verification). No hashing.
    public func quickCheck(_ m: ModelManifest, in dir: URL? = nil) -> [ModelFileCheck] {
        let dir = dir ?? directory(for: m.name)
        let record = VerifiedRecord.load(from: dir)
        return m.files.map { f in
            let url = dir.appendingPathComponent(f.local)
            guard let st = FileStat(url) else {
                let part = FileStat(URL(fileURLWithPath: url.path + ".part"))
                return ModelFileCheck(file: f, url: url, state: part.map { .partial(bytes: $0.size) } ?? .missing)
            }
            let expected = f.size ?? record.files[f.local]?.size
            if let expected, expected != st.size {
                return ModelFileCheck(file: f, url: url, state: .wrongSize(expected: expected, found: st.size))
            }
            let known = f.sha256 ?? record.files[f.local]?.sha256
            return ModelFileCheck(file: f, url: url, state: known == nil ? .unchecked : .ok)
        }
    }

    /// Full check: re-hashes every present file and compares with the manifest's sha256, else the
    /// sha256 recorded at download. Updates the record for files that verify.
    public func verify(_ m: ModelManifest, in dir: URL? = nil,
                       progress: ((ModelFileSpec, Int64) -> Void)? = nil) throws -> [ModelFileCheck] {
        let dir = dir ?? directory(for: m.name)
        var record = VerifiedRecord.load(from: dir)
        var out: [ModelFileCheck] = []
        for var check in quickCheck(m, in: dir) {
            if check.state == .ok || check.state == .unchecked {
                let f = check.file
                let sha = try FileHasher.sha256(of: check.url) { progress?(f, $0) }
                if let expected = f.sha256 ?? record.files[f.local]?.sha256 {
                    if sha == expected {
                        check.state = .ok
                        record.record(f.local, at: check.url, sha256: sha)
                    } else {
                        check.state = .corrupt(expected: expected, found: sha)
                        record.files[f.local] = nil
                    }
                }
            }
            out.append(check)
        }
        if FileManager.default.fileExists(atPath: dir.path) { try? record.save(to: dir) }
        return out
    }

    /// The first problem of a required file as a store error, or nil when all required files are usable.
    public static func firstProblem(_ checks: [ModelFileCheck], model: String) -> ModelStoreError? {
        for c in checks where c.file.required {
            switch c.state {
            case .ok, .unchecked: continue
            case .missing, .partial: return .fileMissing(path: c.url.path, model: model)
            case let .wrongSize(e, f): return .sizeMismatch(path: c.url.path, expected: e, found: f, model: model)
            case let .corrupt(e, f): return .checksumMismatch(path: c.url.path, expected: e, found: f, model: model)
            }
        }
        return nil
    }

    // MARK: engine-facing API

    /// Model `name`, if every required file is present with the right size (quick check).
    public func require(model name: String) throws -> InstalledModel {
        let m = try catalog.manifest(named: name)
        let dir = directory(for: name)
        guard FileManager.default.fileExists(atPath: dir.path) else {
            throw ModelStoreError.notInstalled(model: name, directory: dir.path)
        }
        if let problem = Self.firstProblem(quickCheck(m, in: dir), model: name) { throw problem }
        return InstalledModel(manifest: m, directory: dir)
    }

    /// The most preferred complete installation for `engine`; otherwise the error of the preferred
    /// model that was started (directory exists), else "not installed" naming the preferred one.
    public func require(engine: String) throws -> InstalledModel {
        let candidates = catalog.manifests(forEngine: engine)
        guard let preferred = candidates.first else {
            throw ModelStoreError.noModelForEngine(engine: engine, known: [])
        }
        if let ok = installed(engine: engine) { return ok }
        for m in candidates where FileManager.default.fileExists(atPath: directory(for: m.name).path) {
            _ = try require(model: m.name)
        }
        throw ModelStoreError.notInstalled(model: preferred.name, directory: directory(for: preferred.name).path)
    }

    /// The most preferred complete installation for `engine`, or nil.
    public func installed(engine: String) -> InstalledModel? {
        for m in catalog.manifests(forEngine: engine) {
            if let ok = try? require(model: m.name) { return ok }
        }
        return nil
    }

    public func isInstalled(engine: String) -> Bool { installed(engine: engine) != nil }
}

extension ModelStore {
    /// For `EngineRegistration.isInstalled`: whether the standard store (environment at call time)
    /// has a complete model for `engine`.
    public static func installedCheck(engine: String) -> @Sendable () -> Bool {
        { (try? ModelStore.standard())?.isInstalled(engine: engine) ?? false }
    }
}
