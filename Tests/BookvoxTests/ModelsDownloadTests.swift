// ModelDownloader / ModelStore against the local fake hub: full download, resume after a dropped
// connection and from an earlier run's .part, corruption found by verify and repaired, 404, checksum
// and manifest/server mismatches, a server that ignores Range, and the store's engine-facing errors.
@testable import Bookvox
import Foundation
import XCTest

/// A fake repository of a few KB on the fake hub and a manifest describing it.
struct FakeModel {
    static let repo = "test-org/tiny-model"
    static let aux = "test-org/aux"
    static let rev = "0123456789abcdef0123456789abcdef01234567"

    let big = FakeModel.bytes(24_000, seed: 1)    // LFS, exact size + sha256 in the manifest
    let small = Data("{\"hidden\": 8}\n".utf8)     // plain git file, size in the manifest, no sha256
    let nested = FakeModel.bytes(9_000, seed: 2)  // LFS in another repo, size/sha256 from the server only

    static func bytes(_ n: Int, seed: UInt8) -> Data {
        var x = UInt32(seed) &* 2_654_435_761 &+ 1
        return Data((0..<n).map { _ in
            x = x &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: x >> 24)
        })
    }

    func publish(on hub: FakeHub) {
        hub.add(repo: Self.repo, revision: Self.rev, path: "weights.bin", data: big, lfs: true)
        hub.add(repo: Self.repo, revision: Self.rev, path: "config.json", data: small, lfs: false)
        hub.add(repo: Self.aux, revision: Self.rev, path: "sub/model.safetensors", data: nested, lfs: true)
    }

    var manifest: ModelManifest {
        ModelManifest(name: "tiny-model", engine: "tiny", summary: "test model", files: [
            ModelFileSpec(repo: Self.repo, revision: Self.rev, path: "weights.bin", local: "weights.bin",
                          size: Int64(big.count), sha256: FakeHub.File(data: big, lfs: true).sha256),
            ModelFileSpec(repo: Self.repo, revision: Self.rev, path: "config.json", local: "config.json",
                          size: Int64(small.count)),
            ModelFileSpec(repo: Self.aux, revision: Self.rev, path: "sub/model.safetensors", local: "aux/model.safetensors",
                          approxSize: 9_000),
        ])
    }
}

/// A fake hub serving FakeModel and a fresh workspace for every test.
class FakeHubTestCase: XCTestCase {
    var hub: FakeHub!
    var ws: TestWorkspace!
    let model = FakeModel()

    override func setUpWithError() throws {
        hub = try FakeHub()
        model.publish(on: hub)
        ws = try TestWorkspace()
    }

    override func tearDown() {
        hub.stop()
        hub = nil
        ws = nil
    }
}

final class ModelsDownloadTests: FakeHubTestCase {

    func store(_ manifests: [ModelManifest]? = nil) -> ModelStore {
        ModelStore(root: ws.root.appendingPathComponent("models"), catalog: ModelCatalog(manifests: manifests ?? [model.manifest]))
    }

    func downloader(_ store: ModelStore, events: @escaping (ModelDownloadEvent) -> Void = { _ in }) -> ModelDownloader {
        var o = ModelDownloadOptions(endpoint: URL(string: hub.endpoint)!)
        o.retryDelay = 0.01
        o.idleTimeout = 10
        return ModelDownloader(store: store, options: o, events: events)
    }

    func contents(_ store: ModelStore, _ local: String) -> Data? {
        FileManager.default.contents(atPath: store.directory(for: "tiny-model").appendingPathComponent(local).path)
    }

    func testFullDownloadVerifiesAndSecondRunSkips() throws {
        let s = store()
        let r = try downloader(s).download(model.manifest)
        XCTAssertEqual(r.downloaded, 3)
        XCTAssertEqual(r.bytesTransferred, Int64(model.big.count + model.small.count + model.nested.count))
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
        XCTAssertEqual(contents(s, "config.json"), model.small)
        XCTAssertEqual(contents(s, "aux/model.safetensors"), model.nested)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.directory(for: "tiny-model").path + "/weights.bin.part"))
        // The sha256 of the server-only file was taken from X-Linked-ETag and recorded.
        let record = VerifiedRecord.load(from: s.directory(for: "tiny-model"))
        XCTAssertEqual(record.files["aux/model.safetensors"]?.sha256, FakeHub.File(data: model.nested, lfs: true).sha256)
        XCTAssertEqual(try s.verify(model.manifest).map(\.state), [.ok, .ok, .ok])
        XCTAssertEqual(try s.require(model: "tiny-model").directory, s.directory(for: "tiny-model"))
        // HEAD stops at the hub's redirect (the CDN refuses HEAD, like a URL presigned for GET).
        XCTAssertFalse(hub.requests.contains { $0.method == "HEAD" && $0.path.hasPrefix("/cdn/") })
        XCTAssertEqual(hub.requests.filter { $0.method == "HEAD" }.count, 3)

        hub.clearLog()
        let again = try downloader(s).download(model.manifest)
        XCTAssertEqual(again.skipped, 3)
        XCTAssertEqual(again.downloaded, 0)
        XCTAssertTrue(hub.requests.isEmpty, "verified files must not be requested again: \(hub.requests.map(\.path))")
    }

    func testDroppedConnectionResumesWithRange() throws {
        hub.dropConnection(repo: FakeModel.repo, revision: FakeModel.rev, path: "weights.bin", after: [7_000, 3_000])
        var retries = 0
        let s = store()
        try downloader(s) { if case .retry = $0 { retries += 1 } }.download(model.manifest)
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
        XCTAssertEqual(retries, 2)
        let ranges = hub.gets(path: "weights.bin", data: model.big, lfs: true).map { $0.range ?? "none" }
        XCTAssertEqual(ranges, ["none", "bytes=7000-", "bytes=10000-"])
        XCTAssertEqual(try s.verify(model.manifest).map(\.state), [.ok, .ok, .ok])
    }

    func testPartFileOfEarlierRunResumes() throws {
        let s = store()
        let dir = s.directory(for: "tiny-model")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try model.big.prefix(5_000).write(to: dir.appendingPathComponent("weights.bin.part"))
        var resumedAt: Int64 = -1
        try downloader(s) { if case let .fileStart(f, _, _, _, from) = $0, f.local == "weights.bin" { resumedAt = from } }
            .download(model.manifest)
        XCTAssertEqual(resumedAt, 5_000)
        XCTAssertEqual(hub.gets(path: "weights.bin", data: model.big, lfs: true).map(\.range), ["bytes=5000-"])
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
    }

    func testServerIgnoringRangeRestartsFromZero() throws {
        hub.ignoreRange = true
        let s = store()
        let dir = s.directory(for: "tiny-model")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try model.big.prefix(5_000).write(to: dir.appendingPathComponent("weights.bin.part"))
        try downloader(s).download(model.manifest)
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
    }

    func testCorruptFileIsFoundByVerifyAndDownloadedAgain() throws {
        let s = store()
        try downloader(s).download(model.manifest)
        let url = s.directory(for: "tiny-model").appendingPathComponent("weights.bin")
        var bad = model.big
        bad[12_345] ^= 0xFF
        try bad.write(to: url)
        let checks = try s.verify(model.manifest)
        guard case let .corrupt(expected, found) = checks[0].state else { return XCTFail("expected corrupt, got \(checks[0].state)") }
        XCTAssertEqual(expected, FakeHub.File(data: model.big, lfs: true).sha256)
        XCTAssertEqual(found, FakeHub.File(data: bad, lfs: true).sha256)
        XCTAssertEqual(checks[1].state, .ok)
        XCTAssertEqual(ModelStore.firstProblem(checks, model: "tiny-model")?.description,
                       "model file is corrupt: \(url.path) (sha256 \(found), expected \(expected)). Fix: bookvox models download tiny-model")

        hub.clearLog()
        let r = try downloader(s).download(model.manifest)
        XCTAssertEqual(r.downloaded, 1)
        XCTAssertEqual(r.skipped, 2)
        XCTAssertEqual(hub.gets(path: "weights.bin", data: model.big, lfs: true).count, 1)
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
        XCTAssertEqual(try s.verify(model.manifest).map(\.state), [.ok, .ok, .ok])
    }

    func testNotFoundNamesFileAndURL() throws {
        hub.remove(repo: FakeModel.aux, revision: FakeModel.rev, path: "sub/model.safetensors")
        let s = store()
        XCTAssertThrowsError(try downloader(s).download(model.manifest)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("404"), text)
            XCTAssertTrue(text.contains("sub/model.safetensors"), text)
            XCTAssertTrue(text.contains("\(hub.endpoint)/\(FakeModel.aux)/resolve/\(FakeModel.rev)/sub/model.safetensors"), text)
        }
        // The files before it were installed and stay verified.
        XCTAssertEqual(contents(s, "weights.bin"), model.big)
    }

    func testChecksumMismatchRemovesTheFileAndSaysRerun() throws {
        var m = model.manifest
        m.files[1].sha256 = String(repeating: "ab", count: 32)  // plain file: the server gives no sha256
        let s = store([m])
        XCTAssertThrowsError(try downloader(s).download(m)) { error in
            guard case ModelDownloadError.checksumMismatch = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("Re-run"), "\(error)")
        }
        let dir = s.directory(for: "tiny-model")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json.part").path))
    }

    func testManifestDisagreeingWithServerFailsBeforeDownloading() throws {
        var m = model.manifest
        m.files[0].size = 23_999
        let s = store([m])
        XCTAssertThrowsError(try downloader(s).download(m)) { error in
            guard case let ModelDownloadError.manifestServerMismatch(file, what, _, server) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "weights.bin")
            XCTAssertEqual(what, "size")
            XCTAssertEqual(server, "24000")
        }
        XCTAssertTrue(hub.gets(path: "weights.bin", data: model.big, lfs: true).isEmpty)
    }

    func testStoreErrorsNameTheFileAndTheFix() throws {
        let s = store()
        XCTAssertThrowsError(try s.require(engine: "tiny")) { error in
            XCTAssertEqual("\(error)", "model 'tiny-model' is not installed (expected in \(s.directory(for: "tiny-model").path)). "
                + "Fix: bookvox models download tiny-model")
        }
        try downloader(s).download(model.manifest)
        XCTAssertTrue(s.isInstalled(engine: "tiny"))
        let missing = s.directory(for: "tiny-model").appendingPathComponent("aux/model.safetensors")
        try FileManager.default.removeItem(at: missing)
        XCTAssertFalse(s.isInstalled(engine: "tiny"))
        XCTAssertThrowsError(try s.require(engine: "tiny")) { error in
            XCTAssertEqual("\(error)", "model file missing: \(missing.path). Fix: bookvox models download tiny-model")
        }
    }

    func testCustomDirectoryIsRecorded() throws {
        let s = store()
        let custom = ws.root.appendingPathComponent("elsewhere/tiny")
        try downloader(s).download(model.manifest, into: custom)
        XCTAssertEqual(s.directory(for: "tiny-model").standardizedFileURL.path, custom.standardizedFileURL.path)
        XCTAssertEqual(try s.require(engine: "tiny").directory.standardizedFileURL.path, custom.standardizedFileURL.path)
    }
}

final class ModelsTransferDetailTests: XCTestCase {
    func testTokenGoesToTheEndpointHostOnly() throws {
        let hub = try FakeHub()
        defer { hub.stop() }
        let model = FakeModel()
        model.publish(on: hub)
        hub.cdnHost = "localhost"
        let ws = try TestWorkspace()
        let store = ModelStore(root: ws.root, catalog: ModelCatalog(manifests: [model.manifest]))
        var o = ModelDownloadOptions(endpoint: URL(string: hub.endpoint)!, token: "hf_secret")
        o.retryDelay = 0.01
        try ModelDownloader(store: store, options: o).download(model.manifest)
        let resolve = hub.requests.filter { $0.path.contains("/resolve/") }
        let cdn = hub.requests.filter { $0.path.hasPrefix("/cdn/") }
        XCTAssertFalse(resolve.isEmpty)
        XCTAssertFalse(cdn.isEmpty)
        XCTAssertTrue(resolve.allSatisfy { $0.authorization == "Bearer hf_secret" }, "\(resolve)")
        XCTAssertTrue(cdn.allSatisfy { $0.authorization == nil }, "\(cdn)")
        XCTAssertEqual(FileManager.default.contents(atPath: store.directory(for: "tiny-model").path + "/weights.bin"), model.big)
    }

    func testFullDiskIsReportedAsDiskFull() throws {
        // A write failing with ENOSPC or EDQUOT is a disk-full error naming the file; others are I/O errors.
        let ws = try TestWorkspace()
        let scratch = try PartFile(ws.root.appendingPathComponent("x.part"))
        for code in [ENOSPC, EDQUOT] {
            guard case ModelDownloadError.diskFull = scratch.error(code) else { return XCTFail("errno \(code)") }
        }
        guard case ModelDownloadError.io = scratch.error(EACCES) else { return XCTFail("EACCES") }
        #if os(Linux)
        // End to end on Linux's /dev/full, where every write fails with ENOSPC.
        let part = try PartFile(URL(fileURLWithPath: "/dev/full"))
        XCTAssertThrowsError(try part.append(Data(repeating: 1, count: 4096))) { error in
            guard case ModelDownloadError.diskFull = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("disk full while writing /dev/full"), "\(error)")
            XCTAssertTrue("\(error)".contains("re-run"), "\(error)")
        }
        #endif
    }

    func testEndpointAndURLs() throws {
        let o = try ModelDownloadOptions.standard(endpoint: nil, environment: ["BOOKVOX_HF_ENDPOINT": "http://mirror.test/hf/", "HF_TOKEN": "t"])
        XCTAssertEqual(o.token, "t")
        let f = ModelFileSpec(repo: "org/name", revision: "abc", path: "dir/file name.bin", local: "x")
        XCTAssertEqual(o.url(for: f).absoluteString, "http://mirror.test/hf/org/name/resolve/abc/dir/file%20name.bin")
        XCTAssertEqual(try ModelDownloadOptions.standard(endpoint: nil, environment: [:]).endpoint.absoluteString,
                       "https://huggingface.co")
        XCTAssertThrowsError(try ModelDownloadOptions.standard(endpoint: "file:///tmp", environment: [:]))
        XCTAssertEqual(ModelStore.defaultRoot(environment: ["HOME": "/home/u"]).path, "/home/u/.local/share/bookvox/models")
        XCTAssertEqual(ModelStore.defaultRoot(environment: ["HOME": "/home/u", "BOOKVOX_MODELS": "/m"]).path, "/m")
        XCTAssertEqual(ModelStore.defaultRoot(environment: ["HOME": "/home/u", "XDG_DATA_HOME": "/x"]).path, "/x/bookvox/models")
    }
}

final class ModelsLockTests: XCTestCase {
    func testSecondDownloadIntoTheSameDirectoryIsRefused() throws {
        let ws = try TestWorkspace()
        let held = try DirectoryLock(ws.root)
        XCTAssertThrowsError(try DirectoryLock(ws.root)) { error in
            guard case ModelDownloadError.busy = error else { return XCTFail("\(error)") }
        }
        held.release()
        XCTAssertNoThrow(try DirectoryLock(ws.root).release())
    }
}
