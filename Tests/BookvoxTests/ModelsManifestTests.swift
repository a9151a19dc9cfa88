// The shipped manifests: the copies built into the binary equal manifests/*.json, they validate,
// and their local layout is the one of the test checkpoints (Tests/Fixtures/*/e2e_tiny/checkpoint).
@testable import Bookvox
import Foundation
import TestSupport
import Whisper
import XCTest

final class ModelsManifestTests: XCTestCase {
    func testBuiltinManifestsEqualTheRepositoryFiles() throws {
        let onDisk = try ModelCatalog.loadDirectory(Fixtures.repoRoot.appendingPathComponent("manifests"))
        let builtin = try ModelCatalog.builtin().manifests
        XCTAssertEqual(onDisk.map(\.name).sorted(), builtin.map(\.name).sorted(),
                       "run scripts/embed-model-manifests.sh after changing manifests/")
        for m in onDisk {
            XCTAssertEqual(builtin.first { $0.name == m.name }, m, "\(m.name): run scripts/embed-model-manifests.sh")
        }
    }

    func testKnownModelsAndEngines() throws {
        let c = try ModelCatalog.builtin()
        XCTAssertEqual(Set(c.names), ["indextts2", "qwen3-tts-0.6b-base", "qwen3-tts-0.6b-customvoice", "qwen3-tts-1.7b-base",
                                      "qwen3-tts-1.7b-customvoice", "qwen3-tts-1.7b-voicedesign", "whisper-tiny", "whisper-tiny.en",
                                      "whisper-base", "whisper-base.en", "whisper-small", "whisper-small.en"])
        XCTAssertEqual(c.manifests(forEngine: "whisper").first?.name, "whisper-base.en")
        XCTAssertEqual(c.manifests(forEngine: "indextts2").map(\.name), ["indextts2"])
        XCTAssertEqual(c.manifests(forEngine: "qwen3-tts").first?.name, "qwen3-tts-1.7b-base")
        for m in c.manifests {
            for f in m.files {
                XCTAssertTrue(f.size != nil || f.approxSize != nil, "\(m.name)/\(f.local): needs size or approx_size")
                XCTAssertEqual(f.revision.count, 40, "\(m.name)/\(f.local): revision must be a commit")
                XCTAssertFalse(f.source?.isEmpty ?? true, "\(m.name)/\(f.local): source of the values")
            }
            // The weights, the large files, always carry an exact size and sha256.
            for f in m.files where (f.displaySize ?? 0) > 10_000_000 {
                XCTAssertNotNil(f.size, "\(m.name)/\(f.local)")
                XCTAssertNotNil(f.sha256, "\(m.name)/\(f.local)")
            }
        }
    }

    func testIndexTTS2LayoutMatchesTheTestCheckpoint() throws {
        let m = try ModelCatalog.builtin().manifest(named: "indextts2")
        let checkpoint = Fixtures.caseDir("indextts2/e2e_tiny/checkpoint")
        let fixtureFiles = Set(try files(under: checkpoint)).subtracting(["README.md", "tiny_dims.json"])
        XCTAssertEqual(Set(m.files.map(\.local)), fixtureFiles)
        XCTAssertFalse(m.files.contains { $0.path.hasPrefix("qwen0.6bemo4-merge") })
    }

    func testQwen3LayoutMatchesTheTestCheckpoint() throws {
        let checkpoint = Fixtures.caseDir("qwen3tts/e2e_tiny/checkpoint")
        let fixtureFiles = Set(try files(under: checkpoint))
        for m in try ModelCatalog.builtin().manifests(forEngine: "qwen3-tts") {
            for f in m.files where f.required {
                XCTAssertTrue(fixtureFiles.contains(f.local), "\(m.name): \(f.local) is not in the test checkpoint layout")
            }
            XCTAssertTrue(m.files.contains { $0.local == "speech_tokenizer/model.safetensors" })
        }
    }

    /// The real manifest's repo → local mapping, exercised end to end: the hub serves the tiny
    /// checkpoint's files under the real repos/revisions/paths (sizes and hashes swapped for the tiny
    /// files'), and the download recreates the checkpoint layout that the engine tests load.
    func testDownloadRecreatesTheTestCheckpointLayout() throws {
        let real = try ModelCatalog.builtin().manifest(named: "indextts2")
        let checkpoint = Fixtures.caseDir("indextts2/e2e_tiny/checkpoint")
        let hub = try FakeHub()
        defer { hub.stop() }
        var m = real
        for i in m.files.indices {
            let data = try Data(contentsOf: checkpoint.appendingPathComponent(m.files[i].local))
            hub.add(repo: m.files[i].repo, revision: m.files[i].revision, path: m.files[i].path, data: data, lfs: data.count > 4096)
            m.files[i].size = Int64(data.count)
            m.files[i].sha256 = FakeHub.File(data: data, lfs: true).sha256
        }
        let ws = try TestWorkspace()
        let store = ModelStore(root: ws.root, catalog: ModelCatalog(manifests: [m]))
        var o = ModelDownloadOptions(endpoint: URL(string: hub.endpoint)!)
        o.retryDelay = 0.01
        try ModelDownloader(store: store, options: o).download(m)
        let installed = try store.require(engine: "indextts2")
        for f in m.files {
            XCTAssertEqual(FileManager.default.contents(atPath: installed.url(f.local).path),
                           FileManager.default.contents(atPath: checkpoint.appendingPathComponent(f.local).path), f.local)
        }
    }

    /// Every Whisper manifest lists files of the published layout, which the transformers-written test model has.
    func testWhisperLayoutMatchesTheTestModelDirectory() throws {
        for m in try ModelCatalog.builtin().manifests(forEngine: "whisper") {
            let dir = Fixtures.caseDir(m.name.hasSuffix(".en") ? "whisper/transcribe_tiny_en/hf" : "whisper/transcribe_tiny_multi/hf")
            let fixtureFiles = Set(try files(under: dir))
            for f in m.files { XCTAssertTrue(fixtureFiles.contains(f.local), "\(m.name): \(f.local) is not in \(dir.path)") }
            for f in WhisperModel.requiredFiles { XCTAssertTrue(m.files.contains { $0.local == f && $0.required }, "\(m.name): \(f)") }
        }
    }

    /// `models download whisper-base.en` through the real manifest against the fake hub serving the tiny test model
    /// under the real repo/revision/paths: the downloaded directory loads as a Whisper model.
    func testWhisperDownloadGivesALoadableModel() throws {
        var m = try ModelCatalog.builtin().manifest(named: "whisper-base.en")
        let source = Fixtures.caseDir("whisper/transcribe_tiny_en/hf")
        let hub = try FakeHub()
        defer { hub.stop() }
        for i in m.files.indices {
            let data = try Data(contentsOf: source.appendingPathComponent(m.files[i].local))
            let lfs = m.files[i].local == "model.safetensors"
            hub.add(repo: m.files[i].repo, revision: m.files[i].revision, path: m.files[i].path, data: data, lfs: lfs)
            // The real sizes/hashes are for the real model; the tiny model's come from the server.
            m.files[i].size = nil
            m.files[i].sha256 = nil
        }
        let ws = try TestWorkspace()
        let store = ModelStore(root: ws.root, catalog: ModelCatalog(manifests: [m]))
        var o = ModelDownloadOptions(endpoint: URL(string: hub.endpoint)!)
        o.retryDelay = 0.01
        let report = try ModelDownloader(store: store, options: o).download(m)
        XCTAssertEqual(report.downloaded, m.files.count)
        let installed = try store.require(engine: "whisper")
        XCTAssertEqual(installed.directory, store.directory(for: "whisper-base.en"))
        let model = try WhisperModel.load(directory: installed.directory)
        XCTAssertEqual(model.config.vocabSize, 51864)
        XCTAssertFalse(model.tokenizer.isMultilingual)
        XCTAssertEqual(try store.verify(m).map(\.state), Array(repeating: .ok, count: m.files.count))
    }

    func testInvalidManifestsAreRejected() {
        let bad = #"{"schema":1,"name":"x","engine":"e","rank":0,"summary":"s","files":[{"repo":"r","revision":"v","path":"a","local":"../a"}]}"#
        XCTAssertThrowsError(try ModelManifest.decode(Data(bad.utf8), origin: "bad.json")) { error in
            XCTAssertTrue("\(error)".contains("bad.json"), "\(error)")
            XCTAssertTrue("\(error)".contains(".."), "\(error)")
        }
        let badHash = #"{"schema":1,"name":"x","engine":"e","rank":0,"summary":"s","files":[{"repo":"r","revision":"v","path":"a","local":"a","sha256":"xyz"}]}"#
        XCTAssertThrowsError(try ModelManifest.decode(Data(badHash.utf8), origin: "h.json"))
    }

    private func files(under dir: URL) throws -> [String] {
        let base = dir.standardizedFileURL.path + "/"
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let rel = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + rel, isDirectory: &isDir), !isDir.boolValue { out.append(rel) }
        }
        return out
    }
}
