// IndexTTS2 model directory (published layout), config.yaml parsing, typed errors naming the file and the
// fix command, checkpoint-derived sizes, and the emotion options (parsing, alpha, matrices).
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import Tensors
import TestSupport

final class IndexTTS2EngineModelDirTests: XCTestCase {
    static let checkpoint = Fixtures.caseDir("indextts2/e2e_tiny").appendingPathComponent("checkpoint")

    func testOpensTheTinyCheckpointAndReadsConfigYaml() throws {
        let dir = try IndexTTS2ModelDirectory(path: Self.checkpoint.path)
        let c = dir.config
        XCTAssertEqual(c.bpeModel, "bpe.model")
        XCTAssertEqual(c.gptCheckpoint, "gpt.pth")
        XCTAssertEqual(c.s2melCheckpoint, "s2mel.pth")
        XCTAssertEqual(c.spkMatrix, "feat1.pt")
        XCTAssertEqual(c.emoMatrix, "feat2.pt")
        XCTAssertEqual(c.emoNum, [2, 4, 1, 3, 2, 2, 3, 3])
        XCTAssertEqual(c.version, 2.0)
        XCTAssertEqual(try c.gptConditioning.modelDim, 64)
        XCTAssertEqual(try c.semanticCodec.codebookSize, 128)
        let mel = try c.referenceMel
        XCTAssertEqual([mel.samplingRate, mel.nFFT, mel.winSize, mel.hopSize, mel.numMels], [22050, 1024, 1024, 256, 80])
        XCTAssertNil(mel.fmax)
        XCTAssertEqual(dir.requiredFiles.count, 14)
        XCTAssertEqual(try dir.fingerprint(), try dir.fingerprint())
    }

    func testSizesComeFromTensorShapes() throws {
        let dir = try IndexTTS2ModelDirectory(path: Self.checkpoint.path)
        let cam = try CheckpointShapes.campplus(try dir.weights(dir.campplusURL), file: "campplus")
        // The tiny checkpoint's README: growth_rate 6, bn_size 2, init_channels 24 (the release model: 32, 4, 128).
        XCTAssertEqual([cam.growthRate, cam.bnSize, cam.initChannels, cam.embeddingSize], [6, 2, 24, 192])
        let cond = try CheckpointShapes.conditioning(dir.config, gpt: try dir.gptWeights(), semanticHidden: 64, file: "gpt")
        XCTAssertEqual(cond.condInputDim, 64)
        XCTAssertEqual(cond.emoPerceiverDim, 48)
        XCTAssertEqual(SemanticEmbedder.hiddenStateIndex(layers: 24), 17)
        XCTAssertEqual(SemanticEmbedder.hiddenStateIndex(layers: 3), 2)
    }

    /// A copy of the checkpoint (symlinks) with `mutate` applied.
    func copy(_ mutate: (URL) throws -> Void) throws -> URL {
        let dst = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-itts-dir-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dst, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.checkpoint.path) {
            try FileManager.default.copyItem(at: Self.checkpoint.appendingPathComponent(name), to: dst.appendingPathComponent(name))
        }
        try mutate(dst)
        return dst
    }

    func testMissingFileNamesItAndTheFixCommand() throws {
        let dir = try copy { try FileManager.default.removeItem(at: $0.appendingPathComponent("campplus/campplus_cn_common.bin")) }
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertThrowsError(try IndexTTS2ModelDirectory(path: dir.path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("campplus_cn_common.bin"), text)
            XCTAssertTrue(text.contains("bookvox models download indextts2"), text)
        }
        XCTAssertThrowsError(try IndexTTS2ModelDirectory(path: dir.appendingPathComponent("nope").path)) {
            XCTAssertTrue("\($0)".contains("bookvox models download indextts2"))
        }
    }

    func testCorruptFileNamesIt() throws {
        let dir = try copy { d in
            let url = d.appendingPathComponent("feat2.pt")
            let data = try Data(contentsOf: url)
            try data.prefix(data.count / 2).write(to: url)
        }
        defer { try? FileManager.default.removeItem(at: dir) }
        let opened = try IndexTTS2ModelDirectory(path: dir.path)
        XCTAssertThrowsError(try opened.smallTensor(opened.emoMatrixURL, key: "")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("feat2.pt") && text.contains("corrupt"), text)
            XCTAssertTrue(text.contains("bookvox models download indextts2"), text)
        }
        let badYaml = try copy { try "gpt: [unclosed".write(to: $0.appendingPathComponent("config.yaml"), atomically: true, encoding: .utf8) }
        defer { try? FileManager.default.removeItem(at: badYaml) }
        XCTAssertThrowsError(try IndexTTS2ModelDirectory(path: badYaml.path)) { XCTAssertTrue("\($0)".contains("config.yaml"), "\($0)") }
    }

    func testEmotionParsing() throws {
        let v = try EmotionVector(parsing: " happy=0.2, Calm = 0.6 ")
        XCTAssertEqual(v.weights, [0.2, 0, 0, 0, 0, 0, 0, 0.6])
        for bad in ["", "joy=0.5", "happy", "happy=-1", "happy=0.1,happy=0.2", "happy=x"] {
            XCTAssertThrowsError(try EmotionVector(parsing: bad), bad)
        }
        // infer_v2: int(w·α·10000)/10000 in Python floats; 0.2·0.7·10000 = 1399.9999999999998 → 0.1399.
        XCTAssertEqual(v.scaled(alpha: 0.7).values, [0.1399, 0, 0, 0, 0, 0, 0, 0.42])
        XCTAssertEqual(v.scaled(alpha: 1).values, v.values)
        XCTAssertEqual(v.scaled(alpha: 3).values, v.values, "alpha is clamped to 1")
        let s = EmotionSettings(clipPath: "x.wav", vector: v, alpha: 0.6)
        XCTAssertNil(s.effectiveClip, "a vector discards the clip, as infer_v2 does")
        XCTAssertEqual(s.effectiveMergeAlpha, 1)
        XCTAssertThrowsError(try EmotionSettings(alpha: -1).validate())
    }

    func testEmotionMatricesPickTheMostSimilarRowPerGroup() throws {
        // Two groups of 2 rows; style (1, 0): group 0 row 1 = (2, 0.1) is closer than (0, 1); group 1 row 0 = (1, 1) wins
        // over (-1, 0).
        let spk = Tensor(shape: [4, 2], data: [0, 1, 2, 0.1, 1, 1, -1, 0])
        let emo = Tensor(shape: [4, 3], data: [1, 0, 0, 0, 1, 0, 0, 0, 1, 5, 5, 5])
        let m = try EmotionMatrices(speaker: spk, emotion: emo, groups: [2, 2])
        XCTAssertEqual(try m.nearestRows(style: Tensor(shape: [1, 2], data: [1, 0])), [1, 0])
        let mix = try m.emotionMix(weights: [0.5, 0.25], rows: [1, 0])
        XCTAssertEqual(mix.array, [0, 0.5, 0.25])
        XCTAssertThrowsError(try EmotionMatrices(speaker: spk, emotion: emo, groups: [2, 3]))
    }
}
