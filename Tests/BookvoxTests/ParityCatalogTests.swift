// Runs every shipped reference case that bookvox implements through the same path as
// `bookvox dev parity`, and checks the runner's failure modes.
import Bookvox
import Foundation
import Neural
import Tensors
import TestSupport
import XCTest

final class ParityCatalogTests: XCTestCase {
    func testEveryImplementedCasePasses() throws {
        var ran = Set<String>()
        for dir in Fixtures.allCases() {
            let c = try ParityCase(directory: dir)
            guard ParityCatalog.cases[c.name] != nil else { continue }
            let result = ParityCatalog.run(directory: dir)
            ran.insert(c.name)
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("checkpoint").path) {
                XCTAssertTrue(result.reports.contains { $0.name.hasSuffix("[checkpoint]") }, "\(c.name): checkpoint/ is checked too")
            }
            XCTAssertTrue(result.passed, "\(dir.lastPathComponent) (\(c.name)): \(result.error ?? "") \(result.reports.filter { !$0.passed })")
        }
        // Every case this build implements must have at least one instance in Tests/Fixtures.
        XCTAssertEqual(ran.sorted(), ParityCatalog.cases.keys.sorted(), "a registered case has no fixture directory")
    }

    /// A case instance with an input its runner never reads fails, naming the input (like an unused weight).
    func testUnconsumedInputFailsNamingIt() throws {
        let dir = try copyCase("indextts2/fbank_campplus") { values in
            values["in.extra_probe"] = .float32(Tensor(shape: [3], data: [1, 2, 3]))
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = ParityCatalog.run(directory: dir)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.reports.allSatisfy(\.passed), "the case's own outputs still match")
        let error = try XCTUnwrap(result.error)
        XCTAssertTrue(error.contains("inputs not used: in.extra_probe"), error)
        XCTAssertFalse(result.consumedInputs.contains("extra_probe"))
    }

    /// An expected output nobody reads fails too (here one with a name no runner knows).
    func testUnreadOutputFailsNamingIt() throws {
        let dir = try copyCase("indextts2/fbank_campplus") { values in
            values["out.extra_output"] = .float32(Tensor(shape: [2], data: [0, 0]))
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = ParityCatalog.run(directory: dir)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.error?.contains("extra_output") ?? false, result.error ?? "")
    }

    /// The runner reports what it consumed; informational inputs are listed with their reason, not as consumed.
    func testConsumedInputsAreReported() throws {
        let result = ParityCatalog.run(directory: Fixtures.caseDir("qwen3tts/talker_tiny_instruct"))
        XCTAssertTrue(result.passed, result.error ?? "")
        XCTAssertTrue(result.consumedInputs.contains("custom_instruct.instruct_ids"))
        XCTAssertEqual(Set(result.consumedInputs), Set(try ParityCase(directory: Fixtures.caseDir("qwen3tts/talker_tiny_instruct")).inputNames))
        XCTAssertNotNil(InformationalInputs.inputs(case: "indextts2/e2e_tiny")["audio_24k"])
    }

    /// Copies a case directory to a temporary one, letting `edit` change the io.safetensors entries.
    private func copyCase(_ name: String, edit: (inout [String: SafeTensorsWriter.Value]) -> Void) throws -> URL {
        let src = Fixtures.caseDir(name)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("parity-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for file in try FileManager.default.contentsOfDirectory(atPath: src.path) where file != "io.safetensors" {
            try FileManager.default.copyItem(at: src.appendingPathComponent(file), to: dir.appendingPathComponent(file))
        }
        let io = try SafeTensorsFile(path: src.appendingPathComponent("io.safetensors").path)
        var values: [String: SafeTensorsWriter.Value] = [:]
        for (key, raw) in io.tensors {
            values[key] = raw.dtype == .i64 ? .int64(shape: raw.shape, values: raw.int64Array()) : .float32(try raw.floatTensor(key: key))
        }
        edit(&values)
        try SafeTensorsWriter.write(values: values, to: dir.appendingPathComponent("io.safetensors"))
        return dir
    }

    func testUnknownCaseIsAFailureNotASkip() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("parity-unknown-\(getpid())")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let src = Fixtures.caseDir("indextts2/mel_22k")
        try FileManager.default.copyItem(at: src.appendingPathComponent("io.safetensors"), to: tmp.appendingPathComponent("io.safetensors"))
        try #"{"case": "nobody/implements_this", "config": {}}"#.write(to: tmp.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
        let result = ParityCatalog.run(directory: tmp)
        XCTAssertFalse(result.passed)
        XCTAssertTrue(result.error?.contains("nobody/implements_this") ?? false)
    }

    func testOverriddenToleranceIsReported() throws {
        let c = try Fixtures.load("indextts2/fbank_campplus")
        let t = c.tolerance(for: "feat")
        XCTAssertNotNil(t.overrideReason)
        XCTAssertTrue(t.description.contains("OVERRIDE"))
        XCTAssertNil(c.tolerance(for: "fbank").overrideReason)
    }

    /// Multi-mode cases name outputs "<mode>.<output>"; the manifest's per-output rules apply to them.
    func testPerOutputRulesApplyToModePrefixedNames() throws {
        let c = try Fixtures.load("qwen3tts/e2e_tiny")
        XCTAssertTrue(c.tolerance(for: "icl.codes").exact)
        XCTAssertTrue(c.tolerance(for: "xvec.cut_index").exact)
        XCTAssertEqual(c.tolerance(for: "icl.wav").atol, 2e-4)
        XCTAssertEqual(c.tolerance(for: "xvec.wav_full").atol, 2e-4)
        XCTAssertEqual(c.tolerance(for: "icl.ref_mel").atol, 0.01)
        let plain = c.tolerance(for: "icl.talker_hidden")
        XCTAssertFalse(plain.exact)
        XCTAssertEqual(plain.atol, 1e-4)
    }
}
