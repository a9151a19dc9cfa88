// `bookvox models list | download | verify` as a user runs them, against the fake hub; the test
// manifest comes in through $BOOKVOX_MANIFESTS and the models root through $BOOKVOX_MODELS.
import Bookvox
import Foundation
import XCTest

final class ModelsCLITests: FakeHubTestCase {
    override func setUpWithError() throws {
        try super.setUpWithError()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .prettyPrinted
        try FileManager.default.createDirectory(at: ws.root.appendingPathComponent("manifests"), withIntermediateDirectories: true)
        try encoder.encode(model.manifest).write(to: ws.root.appendingPathComponent("manifests/tiny-model.json"))
    }

    func bookvox(_ args: [String], extraEnv: [String: String] = [:]) throws -> CLIResult {
        var env = ProcessInfo.processInfo.environment
        env["BOOKVOX_MODELS"] = ws.path("models")
        env["BOOKVOX_MANIFESTS"] = ws.path("manifests")
        env["BOOKVOX_HF_ENDPOINT"] = hub.endpoint
        env["HF_TOKEN"] = nil
        for (k, v) in extraEnv { env[k] = v }
        return try CLIProcess.run(args, environment: env)
    }

    func testListDownloadVerifyRoundTrip() throws {
        var r = try bookvox(["models", "list"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let dir = ws.path("models/tiny-model")
        XCTAssertTrue(r.stdout.contains("tiny-model  [tiny]  not installed  ≈33.0 KB  \(dir)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("indextts2  [indextts2]  not installed  7.66 GB"), r.stdout)
        XCTAssertTrue(r.stdout.contains("qwen3-tts-1.7b-voicedesign  [qwen3-tts]  not installed  ≈"), r.stdout)

        r = try bookvox(["models", "download", "tiny-model"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("tiny-model: 3 file(s) downloaded"), r.stdout)
        XCTAssertTrue(r.stderr.contains("[1/3] weights.bin (24.0 KB) from test-org/tiny-model"), r.stderr)
        XCTAssertTrue(r.stderr.contains("aux/model.safetensors: done"), r.stderr)

        r = try bookvox(["models", "list"])
        XCTAssertTrue(r.stdout.contains("tiny-model  [tiny]  installed"), r.stdout)

        r = try bookvox(["models", "verify"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("tiny-model: OK (3 files verified in \(dir))"), r.stdout)

        r = try bookvox(["models", "download", "tiny-model"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("0 file(s) downloaded (0 B), 3 already verified"), r.stdout)
    }

    func testVerifyReportsCorruptAndMissingFilesWithTheFix() throws {
        XCTAssertEqual(try bookvox(["models", "download", "tiny-model", "--quiet"]).status, 0)
        let dir = ws.root.appendingPathComponent("models/tiny-model")
        var bad = model.big
        bad[0] ^= 1
        try bad.write(to: dir.appendingPathComponent("weights.bin"))
        try FileManager.default.removeItem(at: dir.appendingPathComponent("config.json"))

        var r = try bookvox(["models", "verify", "tiny-model"])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("  corrupt: \(dir.path)/weights.bin (sha256 "), r.stdout)
        XCTAssertTrue(r.stdout.contains("  missing: \(dir.path)/config.json"), r.stdout)
        XCTAssertTrue(r.stdout.contains("tiny-model: 2 of 3 files missing or corrupt. Fix: bookvox models download tiny-model"),
                      r.stdout)
        XCTAssertTrue(try bookvox(["models", "list"]).stdout.contains("tiny-model  [tiny]  incomplete (1 of 3 files missing or wrong; run `bookvox models download tiny-model`)"))  // quick check: sizes only

        r = try bookvox(["models", "download", "tiny-model"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 file(s) downloaded"), r.stdout)
        XCTAssertEqual(try bookvox(["models", "verify", "tiny-model"]).status, 0)
    }

    func testErrorsAndExitCodes() throws {
        var r = try bookvox(["models", "download", "no-such-model"])
        XCTAssertEqual(r.status, ExitCodes.badInput)
        XCTAssertTrue(r.stderr.contains("unknown model 'no-such-model'"), r.stderr)

        hub.remove(repo: FakeModel.repo, revision: FakeModel.rev, path: "config.json")
        r = try bookvox(["models", "download", "tiny-model", "--quiet"])
        XCTAssertEqual(r.status, ExitCodes.failure)
        XCTAssertTrue(r.stderr.contains("not found (HTTP 404): config.json at \(hub.endpoint)/\(FakeModel.repo)/resolve/"),
                      r.stderr)

        r = try bookvox(["models", "download", "tiny-model", "--endpoint", "ftp://example"])
        XCTAssertEqual(r.status, ExitCodes.badInput, r.stderr)

        // Nothing listens on a port just released: a connection error, not a hang.
        let closed = try FakeHub()
        let url = closed.endpoint
        closed.stop()
        r = try bookvox(["models", "download", "tiny-model", "--quiet", "--endpoint", url])
        XCTAssertEqual(r.status, ExitCodes.failure)
        XCTAssertTrue(r.stderr.contains("network error"), r.stderr)
    }
}
