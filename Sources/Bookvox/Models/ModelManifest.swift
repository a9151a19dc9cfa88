// A model manifest (manifests/<name>.json): every file an engine reads, where it comes from on the
// Hugging Face hub (repo, revision, path), where it goes under the model directory, and its size and
// sha256 where they are known exactly. `size`/`sha256` = null means "not known here": the downloader
// then trusts what the server reports (X-Linked-Size / X-Linked-ETag) and records what it computed.
import Foundation

public struct ModelFileSpec: Codable, Equatable, Sendable {
    /// Hugging Face repository id, e.g. "IndexTeam/IndexTTS-2".
    public var repo: String
    /// Git revision (commit) the file is pinned to.
    public var revision: String
    /// Path of the file inside the repository.
    public var path: String
    /// Path under the model directory.
    public var local: String
    /// Exact size in bytes, when known.
    public var size: Int64?
    /// Estimated size in bytes (display only) when `size` is unknown.
    public var approxSize: Int64?
    /// Exact sha256 (lower-case hex), when known.
    public var sha256: String?
    /// Whether the engine needs the file (false: downloaded for completeness, not checked by the store).
    public var required: Bool
    /// Where the size / sha256 values come from.
    public var source: String?

    enum CodingKeys: String, CodingKey {
        case repo, revision, path, local, size, sha256, required, source
        case approxSize = "approx_size"
    }

    public init(repo: String, revision: String, path: String, local: String, size: Int64? = nil,
                approxSize: Int64? = nil, sha256: String? = nil, required: Bool = true, source: String? = nil) {
        self.repo = repo
        self.revision = revision
        self.path = path
        self.local = local
        self.size = size
        self.approxSize = approxSize
        self.sha256 = sha256
        self.required = required
        self.source = source
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        repo = try c.decode(String.self, forKey: .repo)
        revision = try c.decode(String.self, forKey: .revision)
        path = try c.decode(String.self, forKey: .path)
        local = try c.decode(String.self, forKey: .local)
        size = try c.decodeIfPresent(Int64.self, forKey: .size)
        approxSize = try c.decodeIfPresent(Int64.self, forKey: .approxSize)
        sha256 = try c.decodeIfPresent(String.self, forKey: .sha256)?.lowercased()
        required = try c.decodeIfPresent(Bool.self, forKey: .required) ?? true
        source = try c.decodeIfPresent(String.self, forKey: .source)
    }

    /// Exact size, else the estimate (for display and free-space checks).
    public var displaySize: Int64? { size ?? approxSize }
}

public struct ModelManifest: Codable, Equatable, Sendable {
    public var schema: Int
    /// The name used on the command line: `bookvox models download <name>`.
    public var name: String
    /// The engine that reads this model ("indextts2", "qwen3-tts").
    public var engine: String
    /// Preference among the installed models of one engine (lower first).
    public var rank: Int
    public var summary: String
    public var license: String?
    public var layout: String?
    /// How to read the size / sha256 values (which are exact).
    public var values: String?
    public var files: [ModelFileSpec]

    public init(schema: Int = 1, name: String, engine: String, rank: Int = 0, summary: String, license: String? = nil,
                layout: String? = nil, values: String? = nil, files: [ModelFileSpec]) {
        self.schema = schema
        self.name = name
        self.engine = engine
        self.rank = rank
        self.summary = summary
        self.license = license
        self.layout = layout
        self.values = values
        self.files = files
    }

    /// Decodes and validates a manifest; `origin` names it in errors.
    public static func decode(_ data: Data, origin: String) throws -> ModelManifest {
        let manifest: ModelManifest
        do {
            manifest = try JSONDecoder().decode(ModelManifest.self, from: data)
        } catch {
            throw ModelStoreError.invalidManifest(origin: origin, reason: "\(error)")
        }
        try manifest.validate(origin: origin)
        return manifest
    }

    /// Checks the fields a download relies on: safe relative paths, hex digests, positive sizes.
    public func validate(origin: String) throws {
        func fail(_ reason: String) -> ModelStoreError { .invalidManifest(origin: origin, reason: reason) }
        guard schema == 1 else { throw fail("schema \(schema) is not supported (expected 1)") }
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw fail("name '\(name)' must be non-empty letters, digits, '-', '_' or '.'")
        }
        guard !files.isEmpty else { throw fail("no files") }
        var seen = Set<String>()
        for f in files {
            for (label, p) in [("local", f.local), ("path", f.path)] {
                let parts = p.split(separator: "/", omittingEmptySubsequences: false)
                guard !p.isEmpty, !p.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == ".." || $0 == "." })
                else { throw fail("file \(label) '\(p)' must be a relative path without '.' or '..'") }
            }
            guard seen.insert(f.local).inserted else { throw fail("local path '\(f.local)' listed twice") }
            if let s = f.size, s < 0 { throw fail("\(f.local): negative size") }
            if let h = f.sha256, h.count != 64 || !h.allSatisfy(\.isHexDigit) {
                throw fail("\(f.local): sha256 '\(h)' is not 64 hex digits")
            }
            guard !f.repo.isEmpty, !f.revision.isEmpty else { throw fail("\(f.local): repo and revision are required") }
        }
    }

    /// Sum of exact sizes, plus estimates where the size is unknown; `exact` says whether every size is known.
    public var totalSize: (bytes: Int64, exact: Bool) {
        var total: Int64 = 0
        var exact = true
        for f in files {
            if let s = f.size { total += s } else {
                exact = false
                total += f.approxSize ?? 0
            }
        }
        return (total, exact)
    }
}
