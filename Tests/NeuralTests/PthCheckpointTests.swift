// Real torch.save checkpoints: the IndexTTS2 release statistics, the fixture weights.pth files
// against their safetensors twins, and the e2e_tiny model directory in the published layout.
import Foundation
import XCTest
import Neural
import TestSupport

final class PthCheckpointTests: XCTestCase {
    func dataPath(_ name: String) -> String { Fixtures.data.appendingPathComponent("indextts2/" + name).path }

    /// Every key of `a` equals `b` bit for bit (dtype, shape, values).
    func assertIdentical(_ a: [String: RawTensor], _ b: [String: RawTensor], _ label: String,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(a.keys.sorted(), b.keys.sorted(), "\(label): key sets differ", file: file, line: line)
        for (key, x) in a {
            guard let y = b[key] else { continue }
            XCTAssertEqual(x.dtype, y.dtype, "\(label) \(key): dtype", file: file, line: line)
            XCTAssertEqual(x.shape, y.shape, "\(label) \(key): shape", file: file, line: line)
            if [.i64, .i32, .i16, .i8, .u8, .bool].contains(x.dtype) {
                XCTAssertEqual(x.int64Array(), y.int64Array(), "\(label) \(key): values", file: file, line: line)
            } else {
                let xv = try x.floatTensor(key: key).array.map(\.bitPattern)
                let yv = try y.floatTensor(key: key).array.map(\.bitPattern)
                XCTAssertEqual(xv, yv, "\(label) \(key): values", file: file, line: line)
            }
        }
    }

    func testSemanticStatsMatchPublishedTables() throws {
        let store = try WeightStore(path: dataPath("wav2vec2bert_stats.pt"))
        XCTAssertEqual(store.keys, ["mean", "var"])
        let mean = try store.root.tensor("mean", shape: [1024])
        let variance = try store.root.tensor("var", shape: [1024])
        try store.finish()
        let refMean = try NumpyFile.tensor(path: dataPath("semantic_mean.npy"))
        let refStd = try NumpyFile.tensor(path: dataPath("semantic_std.npy"))
        XCTAssertEqual(refMean.shape, [1024])
        XCTAssertEqual(mean.array.map(\.bitPattern), refMean.array.map(\.bitPattern), "mean must equal semantic_mean.npy exactly")
        // torch.sqrt on float32 is correctly rounded, as is Float.squareRoot().
        let std = variance.array.map { $0.squareRoot() }
        let maxDiff = zip(std, refStd.array).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertEqual(maxDiff, 0, "sqrt(var) vs semantic_std.npy")
    }

    func testFixturePthEqualsSafetensors() throws {
        for name in ["indextts2/bigvgan_tiny", "indextts2/gpt_tiny", "indextts2/s2mel_tiny"] {
            let c = try Fixtures.load(name)
            let root = c.manifest["pth_root_key"] as? String
            XCTAssertNotNil(root, "\(name) names its pth_root_key")
            let pth = try TorchCheckpoint(path: c.weightsPthURL!.path).tensors(rootKey: root)
            var st = try SafeTensorsFile(path: c.weightsURL!.path).tensors
            // s2mel_tiny's notes: weights.safetensors also holds 'semantic_codec.quantizer.*', which
            // weights.pth (like the real s2mel.pth) does not contain.
            if name == "indextts2/s2mel_tiny" {
                XCTAssertFalse(st.keys.filter { $0.hasPrefix("semantic_codec.") }.isEmpty)
                st = st.filter { !$0.key.hasPrefix("semantic_codec.") }
            }
            XCTAssertFalse(pth.isEmpty)
            try assertIdentical(pth, st, name)
            // The same through WeightStore: reading every key by its stored shape leaves nothing unused.
            let store = try WeightStore(path: c.weightsPthURL!.path, rootKey: root)
            for key in store.keys { _ = try store.root.tensor(key, shape: store.root.shape(of: key)!) }
            XCTAssertNoThrow(try store.finish())
        }
    }

    func testE2ECheckpointDirectoryMatchesWeights() throws {
        let dir = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint")
        let weights = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("weights.safetensors").path
        let all = try SafeTensorsFile(path: weights).tensors
        func under(_ prefix: String) -> [String: RawTensor] {
            Dictionary(uniqueKeysWithValues: all.filter { $0.key.hasPrefix(prefix + ".") }
                .map { (String($0.key.dropFirst(prefix.count + 1)), $0.value) })
        }
        try assertIdentical(try TorchCheckpoint(path: dir.appendingPathComponent("gpt.pth").path).tensors(), under("gpt"), "gpt.pth")
        try assertIdentical(try TorchCheckpoint(path: dir.appendingPathComponent("s2mel.pth").path).tensors(rootKey: "net"),
                            under("s2mel"), "s2mel.pth")
        try assertIdentical(try TorchCheckpoint(path: dir.appendingPathComponent("campplus/campplus_cn_common.bin").path).tensors(),
                            under("campplus"), "campplus_cn_common.bin")
        try assertIdentical(try TorchCheckpoint(path: dir.appendingPathComponent("bigvgan/bigvgan_generator.pt").path)
                                .tensors(rootKey: "generator"), under("bigvgan"), "bigvgan_generator.pt")
        try assertIdentical(try TorchCheckpoint(path: dir.appendingPathComponent("wav2vec2bert_stats.pt").path).tensors(),
                            under("w2v_stat"), "wav2vec2bert_stats.pt")
        // safetensors with rootKey selects and strips the prefix.
        let gpt = try WeightStore(path: weights, rootKey: "gpt")
        XCTAssertEqual(gpt.keys, under("gpt").keys.sorted())
    }

    func testBareTensorRequiringGrad() throws {
        // feat1.pt: torch.save of a (20, 192) float32 tensor with requires_grad=True.
        let path = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint/feat1.pt").path
        let store = try WeightStore(path: path)
        XCTAssertEqual(store.keys, [TorchCheckpoint.bareTensorKey])
        let t = try store.root.tensor(TorchCheckpoint.bareTensorKey, shape: [20, 192])
        // Reference values read from feat1/data/0 with numpy (np.frombuffer(..., '<f4')).
        XCTAssertEqual(Array(t.array.prefix(3)), [-0x1.55d8f4p-1, -0x1.5d549ep-3, -0x1.0a3e8ap+0])
        XCTAssertEqual(Array(t.array.suffix(2)), [0x1.1ece04p-4, -0x1.8ba7c4p-4])
        XCTAssertEqual(t.array.reduce(0.0) { $0 + Double($1) }, -42.17201639857376, accuracy: 1e-9)
        let feat2 = try WeightStore(path: Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint/feat2.pt").path)
        XCTAssertEqual(feat2.root.shape(of: ""), [20, 64])
    }
}
