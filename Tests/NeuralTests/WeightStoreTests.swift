// Strict loading: missing, unused and misshapen weights are errors naming the key;
// weight-norm folding; concurrent reads; the safetensors writer.
import Foundation
import XCTest
import Neural
import Tensors
import TestSupport

final class WeightStoreTests: XCTestCase {
    func store(_ t: [String: Tensor]) -> WeightStore { WeightStore(tensors: t, source: "test.safetensors") }

    func testMissingKeyNamesFullKey() {
        let s = store(["decoder.proj.weight": Tensor(zeros: [2, 3])])
        XCTAssertThrowsError(try s.scope("decoder").scope("proj").tensor("bias", shape: [2])) { error in
            guard case let WeightError.missingKey(key, file)? = error as? WeightError else { return XCTFail("\(error)") }
            XCTAssertEqual(key, "decoder.proj.bias")
            XCTAssertEqual(file, "test.safetensors")
            XCTAssertTrue("\(error)".contains("decoder.proj.bias"))
        }
    }

    func testMisshapenTensorNamesKeyAndShapes() {
        let s = store(["conv.weight": Tensor(zeros: [4, 2, 3])])
        XCTAssertThrowsError(try s.scope("conv.").tensor("weight", shape: [4, 2, 5])) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("conv.weight") && text.contains("[4, 2, 3]") && text.contains("[4, 2, 5]"), text)
        }
    }

    func testUnusedKeysAreReportedUnlessIgnored() throws {
        let s = store(["a.weight": Tensor(zeros: [1]), "a.extra": Tensor(zeros: [1]),
                       "opt.m": Tensor(zeros: [1]), "opt2.m": Tensor(zeros: [1]), "buf": Tensor(zeros: [1])])
        _ = try s.scope("a").tensor("weight", shape: [1])
        XCTAssertThrowsError(try s.finish()) { error in
            guard case let WeightError.unusedKeys(keys, _)? = error as? WeightError else { return XCTFail("\(error)") }
            XCTAssertEqual(keys, ["a.extra", "buf", "opt.m", "opt2.m"])
            XCTAssertTrue("\(error)".contains("a.extra"))
        }
        // "opt." is a prefix (not matching opt2.), "opt2*" a glob, "buf" exact.
        XCTAssertThrowsError(try s.finish(ignoring: ["opt.", "buf"])) { error in
            guard case let WeightError.unusedKeys(keys, _)? = error as? WeightError else { return XCTFail("\(error)") }
            XCTAssertEqual(keys, ["a.extra", "opt2.m"])
        }
        XCTAssertNoThrow(try s.finish(ignoring: ["opt.", "opt2*", "buf", "a.extra"]))
        XCTAssertTrue(s.root.has("buf"))
        XCTAssertFalse(s.root.has("nope"))
    }

    func testPthFixtureMissingExtraMisshapen() throws {
        let c = try Fixtures.load("indextts2/bigvgan_tiny")
        let s = try WeightStore(path: c.weightsPthURL!.path, rootKey: "generator")
        // A module that declares a key the file lacks.
        XCTAssertThrowsError(try s.scope("conv_pre").tensor("weight_q", shape: [1])) {
            XCTAssertTrue("\($0)".contains("conv_pre.weight_q"), "\($0)")
        }
        // A module that expects another shape.
        let vShape = s.root.shape(of: "conv_pre.weight_v")!
        XCTAssertThrowsError(try s.scope("conv_pre").tensor("weight_v", shape: vShape.map { $0 + 1 })) {
            XCTAssertTrue("\($0)".contains("conv_pre.weight_v"), "\($0)")
        }
        // A module that reads only part of the file: the rest is named as unused.
        _ = try s.scope("conv_pre").weightNormed(shape: vShape)
        XCTAssertThrowsError(try s.finish()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("unused") && text.contains("activation_post.act.alpha"), text)
            XCTAssertFalse(text.contains("conv_pre.weight_g"), text)
        }
    }

    func testWeightNormFoldBothLayouts() throws {
        // v (2, 2, 2) rows [1,2,2,4] (‖·‖ = 5) and [0,3,0,4] (‖·‖ = 5); g = [10, -2].
        let v = Tensor(shape: [2, 2, 2], data: [1, 2, 2, 4, 0, 3, 0, 4])
        let g = Tensor(shape: [2, 1, 1], data: [10, -2])
        let want: [Float] = [2, 4, 4, 8, 0, -1.2, 0, -1.6]
        let old = store(["c.weight_g": g, "c.weight_v": v])
        XCTAssertEqual(try old.scope("c").weightNormed(shape: [2, 2, 2]).array, want)
        XCTAssertNoThrow(try old.finish())
        let param = store(["c.parametrizations.weight.original0": g, "c.parametrizations.weight.original1": v])
        XCTAssertEqual(try param.scope("c").weightNormed(shape: [2, 2, 2], transposed: true).array, want)
        XCTAssertNoThrow(try param.finish())
        let plain = store(["c.weight": v])
        XCTAssertEqual(try plain.scope("c").weightNormed(shape: [2, 2, 2]).array, v.array)
        // Half a pair is an error naming the missing half.
        let half = store(["c.weight_v": v])
        XCTAssertThrowsError(try half.scope("c").weightNormed(shape: [2, 2, 2])) {
            XCTAssertTrue("\($0)".contains("c.weight_g"), "\($0)")
        }
    }

    func testWeightNormOnFixtureConvTranspose() throws {
        // ups.0.0 is a ConvTranspose1d stored (in, out, k); weight_g is (in, 1, 1): the norm runs over dims 1, 2.
        let c = try Fixtures.load("indextts2/bigvgan_tiny")
        let s = try WeightStore(path: c.weightsURL!.path)
        let scope = s.scope("ups.0.0")
        let shape = scope.shape(of: "weight_v")!
        XCTAssertEqual(scope.shape(of: "weight_g"), [shape[0], 1, 1])
        let w = try scope.weightNormed(shape: shape, transposed: true)
        let v = try s.peek("ups.0.0.weight_v").array, g = try s.peek("ups.0.0.weight_g").array
        let inner = shape[1] * shape[2]
        for r in [0, shape[0] - 1] {
            let row = v[(r * inner)..<((r + 1) * inner)]
            let norm = row.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            for i in [0, inner - 1] {
                XCTAssertEqual(Double(w[flat: r * inner + i]), Double(g[r]) * Double(v[r * inner + i]) / norm, accuracy: 1e-7)
            }
        }
    }

    func testConcurrentReadsAllMarked() throws {
        var t: [String: Tensor] = [:]
        for i in 0..<200 { t["layer.\(i).w"] = Tensor(shape: [1], repeating: Float(i)) }
        let s = store(t)
        DispatchQueue.concurrentPerform(iterations: 200) { i in
            _ = try? s.scope("layer.\(i)").tensor("w", shape: [1])
        }
        XCTAssertNoThrow(try s.finish())
    }

    func testSafeTensorsWriterRoundTrip() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-writer-\(getpid()).safetensors")
        let a = Tensor(shape: [2, 3], data: [1, -2, 3.5, .infinity, -0.0, 1e-30])
        let b = Tensor(shape: [5], data: [0, 1, 2, 3, 4])
        try SafeTensorsWriter.write(values: ["a": .float32(a), "z.b": .float32(b), "codes": .int64(shape: [1, 3], values: [5, -1, 8192])],
                                    metadata: ["format": "pt", "voice": "abc"], to: url)
        let f = try SafeTensorsFile(path: url.path)
        XCTAssertEqual(f.keys, ["a", "codes", "z.b"])
        XCTAssertEqual(f.metadata, ["format": "pt", "voice": "abc"])
        XCTAssertEqual(try f.tensor("a").array.map(\.bitPattern), a.array.map(\.bitPattern))
        XCTAssertEqual(try f.tensor("a").shape, [2, 3])
        XCTAssertEqual(try f.tensor("z.b").array, b.array)
        XCTAssertEqual(try f.int64s("codes"), [5, -1, 8192])
        XCTAssertEqual(f.tensors["codes"]?.dtype, .i64)
        // Header length is a multiple of 8 (the format's alignment rule).
        let data = try Data(contentsOf: url)
        let headerLen = data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        XCTAssertEqual(headerLen % 8, 0)
        // Overwriting replaces the file.
        try SafeTensorsWriter.write(["only": b], to: url)
        XCTAssertEqual(try SafeTensorsFile(path: url.path).keys, ["only"])
        // A WeightStore over the written file.
        let s = try WeightStore(path: url.path)
        XCTAssertEqual(try s.root.tensor("only", shape: [5]).array, b.array)
        try s.finish()
    }
}
