import Foundation
import Neural
import Qwen3TTS
import TestSupport
import XCTest

final class Qwen3TalkerParityTests: XCTestCase {
    static let caseName = "qwen3tts/talker_tiny"

    func testTalkerTinyParity() throws {
        let c = try Fixtures.load(Self.caseName)
        let runner = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])
        let reports = try runner(c)
        for r in reports { print(r) }
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "every output of the case is checked")
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }

    /// An instance whose CustomVoice modes carry an instruction (made by scripts/fixtures/qwen3tts_talker.py): the
    /// instruction rows are part of the prompt, so every output passes only when the request includes them.
    func testCustomVoiceWithInstructionParity() throws {
        let c = try ParityCase(directory: Fixtures.caseDir("qwen3tts/talker_tiny_instruct"))
        XCTAssertEqual(c.name, Self.caseName, "another instance of the same case")
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(c)
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "every output of the case is checked")
        for r in reports { XCTAssertTrue(r.passed, r.description) }
        XCTAssertEqual(Set(c.consumedInputs), Set(c.inputNames), "every input is used")
        XCTAssertTrue(c.consumedInputs.contains("custom_instruct.instruct_ids"))
    }

    /// A mode whose config names an instruction but whose ids are missing is an error naming the input.
    func testInstructionWithoutIdsIsAnError() throws {
        let src = Fixtures.caseDir("qwen3tts/talker_tiny_instruct")
        let dir = try Qwen3FixtureCopy.copyCase("qwen3tts/talker_tiny_instruct")
        defer { try? FileManager.default.removeItem(at: dir) }
        let io = try SafeTensorsFile(path: src.appendingPathComponent("io.safetensors").path)
        var values: [String: SafeTensorsWriter.Value] = [:]
        for (key, raw) in io.tensors where key != "in.custom_instruct.instruct_ids" {
            values[key] = raw.dtype == .i64 ? .int64(shape: raw.shape, values: raw.int64Array()) : .float32(try raw.floatTensor(key: key))
        }
        try SafeTensorsWriter.write(values: values, to: dir.appendingPathComponent("io.safetensors"))
        XCTAssertThrowsError(try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(try ParityCase(directory: dir))) { error in
            XCTAssertTrue("\(error)".contains("custom_instruct.instruct_ids"), "\(error)")
        }
    }

    /// A changed expected value must fail, and the report must name that output (float and exact integer outputs).
    func testPerturbedExpectedValuesFailNamingTheOutput() throws {
        let dir = try Qwen3FixtureCopy.copyCase(Self.caseName)
        defer { try? FileManager.default.removeItem(at: dir) }
        let io = dir.appendingPathComponent("io.safetensors")
        try Qwen3FixtureCopy.perturb(io, key: "out.icl.prefill_logits", flatIndex: 5 * 1088 + 17, floatDelta: 0.1)
        try Qwen3FixtureCopy.perturb(io, key: "out.xvec.codes", flatIndex: 3 * 16 + 7, intDelta: 1)
        try Qwen3FixtureCopy.perturb(io, key: "out.design.talker_scores", flatIndex: 2 * 1088 + 3, floatDelta: 0.1)
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(try ParityCase(directory: dir))
        let failed = Set(reports.filter { !$0.passed }.map(\.name))
        XCTAssertEqual(failed, ["icl.prefill_logits", "xvec.codes", "design.talker_scores"])
        let logits = try XCTUnwrap(reports.first { $0.name == "icl.prefill_logits" })
        XCTAssertEqual(logits.maxAbs, 0.1, accuracy: 0.01)
        XCTAssertTrue(logits.description.contains("icl.prefill_logits"))
    }

    /// A -inf in the reference where we produce a finite score fails (suppressed positions must match).
    func testMovedSuppressionFails() throws {
        let dir = try Qwen3FixtureCopy.copyCase(Self.caseName)
        defer { try? FileManager.default.removeItem(at: dir) }
        let io = dir.appendingPathComponent("io.safetensors")
        try Qwen3FixtureCopy.setFloat(io, key: "out.xvec.talker_scores", flatIndex: 10, value: -.infinity)
        let reports = try XCTUnwrap(Qwen3Parity.cases[Self.caseName])(try ParityCase(directory: dir))
        XCTAssertEqual(reports.filter { !$0.passed }.map(\.name), ["xvec.talker_scores"])
    }
}

/// Copies a fixture case to a temporary directory and edits values of its io.safetensors in place.
enum Qwen3FixtureCopy {
    static func copyCase(_ name: String) throws -> URL {
        let dst = FileManager.default.temporaryDirectory.appendingPathComponent("qwen3-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixtures.caseDir(name), to: dst)
        return dst
    }

    /// Byte offset of element `flatIndex` of `key`, and its dtype.
    static func locate(_ data: Data, key: String, flatIndex: Int) throws -> (offset: Int, dtype: String) {
        let headerLength = data.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        let header = try XCTUnwrap(try JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let entry = try XCTUnwrap(header[key] as? [String: Any], "no \(key) in io.safetensors")
        let dtype = try XCTUnwrap(entry["dtype"] as? String)
        let start = try XCTUnwrap((entry["data_offsets"] as? [Int])?.first)
        let size = dtype == "F32" ? 4 : 8
        return (8 + headerLength + start + flatIndex * size, dtype)
    }

    static func perturb(_ url: URL, key: String, flatIndex: Int, floatDelta: Float = 0, intDelta: Int64 = 0) throws {
        var data = try Data(contentsOf: url)
        let (offset, dtype) = try locate(data, key: key, flatIndex: flatIndex)
        if dtype == "F32" {
            var v = data.subdata(in: offset..<(offset + 4)).withUnsafeBytes { $0.loadUnaligned(as: Float.self) }
            v += floatDelta
            data.replaceSubrange(offset..<(offset + 4), with: withUnsafeBytes(of: v) { Data($0) })
        } else {
            var v = data.subdata(in: offset..<(offset + 8)).withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
            v += intDelta
            data.replaceSubrange(offset..<(offset + 8), with: withUnsafeBytes(of: v) { Data($0) })
        }
        try data.write(to: url)
    }

    static func setFloat(_ url: URL, key: String, flatIndex: Int, value: Float) throws {
        var data = try Data(contentsOf: url)
        let (offset, dtype) = try locate(data, key: key, flatIndex: flatIndex)
        XCTAssertEqual(dtype, "F32")
        data.replaceSubrange(offset..<(offset + 4), with: withUnsafeBytes(of: value) { Data($0) })
        try data.write(to: url)
    }
}
