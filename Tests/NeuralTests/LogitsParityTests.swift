// The weight-free sampling parity cases, run through the registry as `bookvox dev parity` does,
// and a check that a perturbed reference makes the runner fail naming the output.
import Foundation
import XCTest
import Neural
import Tensors
import TestSupport

final class LogitsParityTests: XCTestCase {
    func run(_ name: String, directory: URL? = nil) throws -> [OutputReport] {
        let c = try directory.map { try ParityCase(directory: $0) } ?? Fixtures.load(name)
        guard let runner = NeuralParity.cases[c.name] else { throw ParityError.unknownCase(c.name) }
        return try runner(c)
    }

    func assertAllPass(_ name: String) throws {
        let reports = try run(name)
        let c = try Fixtures.load(name)
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "\(name): every output is checked")
        for r in reports {
            XCTAssertTrue(r.passed, "\(name): \(r)")
        }
        print("parity \(name):\n" + reports.map { "  \($0)" }.joined(separator: "\n"))
    }

    func testIndexTTS2LogitsProcessing() throws { try assertAllPass("indextts2/logits_processing") }

    func testQwen3Sampling() throws { try assertAllPass("qwen3tts/sampling") }

    /// Copies a case with one expected output changed; the runner must fail on exactly that output.
    func perturbed(_ name: String, output: String, change: (inout [Float]) -> Void) throws -> URL {
        let src = Fixtures.caseDir(name)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-perturb-\(getpid())-\(output)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: src.appendingPathComponent("manifest.json"), to: dir.appendingPathComponent("manifest.json"))
        let io = try SafeTensorsFile(path: src.appendingPathComponent("io.safetensors").path)
        var values: [String: SafeTensorsWriter.Value] = [:]
        for (key, raw) in io.tensors {
            if raw.dtype == .i64 {
                var v = raw.int64Array()
                if key == "out." + output {
                    var f = v.map(Float.init); change(&f); v = f.map { Int64($0) }
                }
                values[key] = .int64(shape: raw.shape, values: v)
            } else {
                var t = try raw.floatTensor(key: key)
                if key == "out." + output { var a = t.array; change(&a); t = Tensor(shape: t.shape, data: a) }
                values[key] = .float32(t)
            }
        }
        try SafeTensorsWriter.write(values: values, to: dir.appendingPathComponent("io.safetensors"))
        return dir
    }

    func testPerturbedOutputFailsByName() throws {
        let cases: [(String, String, (inout [Float]) -> Void)] = [
            ("indextts2/logits_processing", "sample_after_top_p", { a in
                let i = a.firstIndex { $0.isFinite }!; a[i] += 1e-3 }),
            ("indextts2/logits_processing", "beam_topk_token", { a in a[0] += 1 }),
            ("indextts2/logits_processing", "sample_after_top_k", { a in
                let i = a.firstIndex { $0.isFinite }!; a[i] = -.infinity }),  // a -inf position moved
            ("qwen3tts/sampling", "h6.probs", { a in a[a.count - 1] += 1e-4 }),
        ]
        for (name, output, change) in cases {
            let reports = try run(name, directory: perturbed(name, output: output, change: change))
            let failed = reports.filter { !$0.passed }.map(\.name)
            XCTAssertEqual(failed, [output], "\(name): only the perturbed output fails")
            XCTAssertTrue(reports.first { $0.name == output }.map { "\($0)".contains(output) && "\($0)".contains("FAIL") } ?? false)
        }
    }
}
