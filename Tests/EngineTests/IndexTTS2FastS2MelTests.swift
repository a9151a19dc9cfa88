// `--precision fast` for IndexTTS2's S2Mel (DiT on bf16 oneDNN matmuls) and BigVGAN (ConvolutionPolicy.fast):
// deviation from exact on the s2mel_tiny and e2e_tiny parity cases within docs/precision.md's bounds ("S2Mel and
// BigVGAN in fast"), that fast really converted (and differs from exact), that exact and the fp32 path are
// untouched, batch == alone, and the engine's settings identity.
import AudioDSP
import Foundation
import XCTest
@testable import IndexTTS2
import Neural
import SpeechEngine
import Tensors
import TestSupport

final class IndexTTS2FastS2MelTests: XCTestCase {
    /// Bounds of docs/precision.md ("S2Mel and BigVGAN in fast", Bounds), set from the measurement on the parity cases
    /// (s2mel_tiny DiT call: max 5.26e-3, mean 2.52e-3, cosine 0.9999969, 52.0 dB; mels of s2mel_tiny / e2e_tiny: max
    /// 1.39e-3, mean 9.19e-4, cosine 0.9999996, 60.8 dB; e2e_tiny waveform: max 4.56e-5, mean 3.44e-5, 89.2 dB): 1.5×
    /// the largest relative error and 1 − cosine, SNRs 3.5 dB (1.5× in amplitude) under the smallest.
    struct Bounds {
        static let ditMaxRel = 8e-3, ditMeanRel = 3.8e-3, ditMinCos = 0.999995, ditMinSNR = 48.5
        static let melMaxRel = 2.1e-3, melMeanRel = 1.4e-3, melMinCos = 0.9999994, melMinSNR = 57.3
        static let wavMaxRel = 7e-5, wavMeanRel = 5.2e-5, wavMinSNR = 85.7
    }

    static let s2melCase = "indextts2/s2mel_tiny"

    func s2melTiny() throws -> (S2Mel, ParityCase, WeightStore) {
        let c = try Fixtures.load(Self.s2melCase)
        let store = try WeightStore(path: c.weightsURL!.path)
        return (try S2Mel(config: try IndexTTS2S2MelParity.config(c), weights: store.root), c, store)
    }

    /// The DiT's weight GEMMs: 4 per block and every block's skip_in_linear (only the receiving half runs it), 5
    /// estimator-level projections, the WaveNet's cond layer and 2 convolutions per layer.
    func expectedMatmuls(_ e: DiTEstimator) -> Int {
        let t = e.transformer
        return 4 * t.depth + (t.uvitSkip ? t.depth : 0) + 4 + (e.skipLinear == nil ? 0 : 1) + 1 + 2 * e.wavenet.inLayers.count
    }

    func check(_ d: S2MelDeviation, maxRel: Double, meanRel: Double, minCos: Double, minSNR: Double,
               file: StaticString = #filePath, line: UInt = #line) {
        print(String(format: "S2MEL-FAST %@: rel. error max %.2e mean %.2e  cosine %.7f  SNR %.1f dB  (%d rows)", d.name,
                     d.maxRelativeError, d.meanRelativeError, d.cosine, d.snrDB, d.rows))
        XCTAssertGreaterThan(d.maxRelativeError, 0, "\(d.name): fast equals exact — the bf16 path did not run", file: file, line: line)
        XCTAssertLessThanOrEqual(d.maxRelativeError, maxRel, d.name, file: file, line: line)
        XCTAssertLessThanOrEqual(d.meanRelativeError, meanRel, d.name, file: file, line: line)
        XCTAssertGreaterThanOrEqual(d.cosine, minCos, d.name, file: file, line: line)
        XCTAssertGreaterThanOrEqual(d.snrDB, minSNR, d.name, file: file, line: line)
    }

    /// s2mel_tiny: the first CFM step's estimator output and the whole CFM's mel, fast (bf16) against exact, on the
    /// case's recorded inputs and noise.
    func testS2MelTinyFastDeviationIsWithinTheBounds() throws {
        let (exact, c, _) = try s2melTiny()
        let fast = exact.converted(.bf16)
        XCTAssertEqual(fast.cfm.estimator.bf16MatmulCount, expectedMatmuls(exact.cfm.estimator))
        XCTAssertEqual(exact.cfm.estimator.bf16MatmulCount, 0)
        let steps = c.config["diffusion_steps"] as? Int ?? 25
        let cfgRate = (c.config["inference_cfg_rate"] as? Double) ?? 0.7
        let latent = try c.input("gpt_latent"), sRef = try c.input("S_ref"), refMel = try c.input("ref_mel")
        let style = try c.input("style"), noise = try c.input("noise")
        let codecConfig = try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec")
        let store = try WeightStore(path: c.weightsURL!.path)
        let quantizer = try ResidualVQ(store.scope("semantic_codec.quantizer"), inputDim: codecConfig.hiddenSize,
                                       numQuantizers: codecConfig.numQuantizers, codebookSize: codecConfig.codebookSize,
                                       codebookDim: codecConfig.codebookDim)
        let sVQ = try quantizer.vq2emb([try c.inputInts("codes").map { Int($0) }], batch: 1).transposed(1, 2) // (1, n, H)
        var outputs: [(step1: Tensor, mel: Tensor)] = []
        for model in [exact, fast] {
            let prompt = try model.promptCondition(semanticReference: sRef, referenceFrames: refMel.shape[2])
            let cond = try model.condition(latent: latent, semanticEmbedding: sVQ)
            var step1: Tensor?
            let out = try model.generate(promptCondition: prompt, cond: cond.cond, referenceMel: refMel, style: style, noise: noise,
                                         steps: steps, cfgRate: cfgRate) { if $0.index == 1 { step1 = $0.estimatorOutput } }
            outputs.append((try XCTUnwrap(step1), out.mel))
        }
        check(.frames("s2mel_tiny DiT call (step 1, CFG batch 2)", exact: outputs[0].step1, fast: outputs[1].step1),
              maxRel: Bounds.ditMaxRel, meanRel: Bounds.ditMeanRel, minCos: Bounds.ditMinCos, minSNR: Bounds.ditMinSNR)
        check(.frames("s2mel_tiny CFM \(steps) steps (mel)", exact: outputs[0].mel, fast: outputs[1].mel),
              maxRel: Bounds.melMaxRel, meanRel: Bounds.melMeanRel, minCos: Bounds.melMinCos, minSNR: Bounds.melMinSNR)
    }

    /// e2e_tiny through the engine's modules: the case's codes, its CFM noise, exact against fast modules
    /// (IndexTTS2Modules.fast: bf16 DiT, BigVGAN under ConvolutionPolicy.fast), mel and waveform.
    func testE2ETinyFastDeviationIsWithinTheBounds() throws {
        let c = try Fixtures.load("indextts2/e2e_tiny")
        let models = try IndexTTS2Models(path: IndexTTS2EngineTests.checkpoint)
        let fast = models.fastModules(.bf16)
        XCTAssertTrue(fast.s2mel === models.fastModules(.bf16).s2mel, "built once per model and path")
        XCTAssertEqual(fast.s2mel.cfm.estimator.bf16MatmulCount, expectedMatmuls(models.s2mel.cfm.estimator))
        // The tiny vocoder's channel counts are below ConvolutionPolicy.fast's oneDNN range, so its convolutions stay
        // im2col + sgemm here (the released BigVGAN's 96–768-channel k7/k11 layers go to oneDNN: bench).
        XCTAssertEqual(fast.bigvgan.oneDNNConvolutionCount, models.bigvgan.using(.fast).oneDNNConvolutionCount)
        let emotion = try models.preparer.emotion(audio16k: try c.input("emo_audio_16k").array)
        let voice = try models.preparer.prepare(audio22k: try c.input("audio_22k").array, emotion: emotion)
        let speaker = try SpeakerConditioning(voice, conditioner: models.conditioner)
        let conds = try models.modules.conditioningRows(speaker, emovec: try speaker.emovec(settings: EmotionSettings(), clipEmovec: nil,
                                                                                             matrices: nil))
        let codes = try c.expected("codes").int64Array().map { Int($0) }
        let text = try c.inputInts("text_tokens").map { Int($0) }
        let steps = Int(try IndexTTS2E2EParity.number(c, "diffusion_steps"))
        let cfgRate = try IndexTTS2E2EParity.number(c, "inference_cfg_rate")
        var results: [(mel: Tensor, wav: Tensor)] = []
        for m in [models.modules, fast] {
            let s = try m.melForPiece(textIds: text, codes: codes, conds: conds, speaker: speaker, noise: try c.input("cfm_noise"),
                                      steps: steps, cfgRate: cfgRate)
            results.append((s.mel, try m.vocode(s.mel)))
        }
        check(.frames("e2e_tiny CFM \(steps) steps (mel)", exact: results[0].mel, fast: results[1].mel),
              maxRel: Bounds.melMaxRel, meanRel: Bounds.melMeanRel, minCos: Bounds.melMinCos, minSNR: Bounds.melMinSNR)
        let w = S2MelDeviation.rows("e2e_tiny waveform", exact: results[0].wav.array, fast: results[1].wav.array, width: 256)
        print(String(format: "S2MEL-FAST %@: rel. error max %.2e mean %.2e  cosine %.7f  SNR %.1f dB  (%d rows)", w.name,
                     w.maxRelativeError, w.meanRelativeError, w.cosine, w.snrDB, w.rows))
        XCTAssertGreaterThan(w.maxRelativeError, 0)
        XCTAssertLessThanOrEqual(w.maxRelativeError, Bounds.wavMaxRel)
        XCTAssertLessThanOrEqual(w.meanRelativeError, Bounds.wavMeanRel)
        XCTAssertGreaterThanOrEqual(w.snrDB, Bounds.wavMinSNR)
    }

    /// The fp32 path is the exact estimator (same bytes); exact models carry no bf16 matmul.
    func testFP32PathIsExact() throws {
        let (exact, c, _) = try s2melTiny()
        let fp32 = exact.converted(.fp32)
        XCTAssertEqual(fp32.cfm.estimator.bf16MatmulCount, 0)
        let x = try c.input("noise"), t = x.shape[2]
        let cin = x.shape[1]
        let mu = Tensor(shape: [1, t, exact.config.dit.contentDim], repeating: 0.25)
        let style = Tensor(shape: [1, exact.config.styleDim], repeating: 0.5)
        let a = try exact.cfm.estimator(x: x, promptX: Tensor(zeros: [1, cin, t]), t: [0.3], style: style, mu: mu)
        let b = try fp32.cfm.estimator(x: x, promptX: Tensor(zeros: [1, cin, t]), t: [0.3], style: style, mu: mu)
        XCTAssertEqual(a.array, b.array)
    }

    /// The converted parts (attention with its bf16 projections, the SwiGLU feed-forward, the WaveNet with its bf16
    /// convolutions) give each batch item the same bytes as the item alone, and the same bytes run after run. (The
    /// whole estimator also runs small float32 products over the batch — time embedders, AdaLN modulations — that
    /// are exact's code in both modes.)
    func testFastPartsGiveBatchEqualsAloneAndAreDeterministic() throws {
        let (exact, c, _) = try s2melTiny()
        let fast = exact.converted(.bf16).cfm.estimator
        let t = try c.input("noise").shape[2]
        let block = fast.transformer.blocks[0]
        let d = block.attention.wqkv.shape[1], w = fast.wavenet.hidden
        var rng = SeededRNG(seed: 11)
        func random(_ shape: [Int]) -> Tensor {
            var x = Tensor(zeros: shape)
            x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextGaussian() } }
            return x
        }
        let x = random([2, t, d]), h = random([2, t, w]), g = random([2, w])
        let rope = DiTRoPE(length: t, headDim: d / block.attention.heads, base: fast.transformer.ropeBase)
        try BatchItemChecks.assertItemsEqualAlone([
            ("attention", x, { x, _ in try block.attention(x, rope: rope) }),
            ("feed-forward", x, { x, _ in try block.feedForward(x) }),
            ("wavenet", h, { x, b in try fast.wavenet(x, condition: b < 0 ? g : g.slice(axis: 0, start: b, end: b + 1)) }),
        ])
        XCTAssertNotNil(block.attention.fastQKV)
        XCTAssertNotNil(block.feedForward.fast13)
        XCTAssertNotNil(fast.wavenet.inLayers[0].fast)
    }

    /// Exact keeps its identity and stages; fast names the GPT kernel, the DiT path and the oneDNN convolutions, and
    /// renders with the fast stages (shared per model).
    func testEngineIdentityAndStagesPerPrecision() throws {
        var o = IndexTTS2EngineOptions(modelDir: IndexTTS2EngineTests.checkpoint, maxMelTokens: 40, diffusionSteps: 2)
        let exact = try IndexTTS2Engine(options: o)
        XCTAssertFalse(exact.settingsDescription.contains("s2mel="))
        XCTAssertTrue(exact.stages.s2mel === exact.models.s2mel && exact.stages.bigvgan === exact.models.bigvgan)
        o.fastKernel = .int8Portable
        for path in DiTFastPath.allCases {
            o.ditPath = path
            let fast = try IndexTTS2Engine(options: o, models: exact.models)
            XCTAssertEqual(fast.settingsDescription,
                           exact.settingsDescription + " precision=fast(int8-portable) s2mel=\(path == .bf16 ? "bf16" : "fp32-onednn") conv=onednn")
            XCTAssertFalse(fast.stages.s2mel === exact.models.s2mel)
            XCTAssertFalse(fast.stages.bigvgan === exact.models.bigvgan)
            XCTAssertEqual(fast.stages.s2mel.cfm.estimator.bf16MatmulCount,
                           path == .bf16 ? expectedMatmuls(exact.models.s2mel.cfm.estimator) : 0)
        }
        // Renders keep exact's DiT until bf16 measures faster (DiTFastPath.forThisCPU).
        XCTAssertEqual(IndexTTS2EngineOptions(modelDir: "m").ditPath, .fp32)
    }
}
