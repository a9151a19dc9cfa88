// `bookvox bench --engine indextts2`, voice-preparation part: the reference-audio path of prepareVoice at
// the released sizes with random weights, on a synthetic 5 s clip at 24 kHz (chirp + noise), stage by stage,
// next to the PyTorch medians of ../shared/perf/baseline.md §4.2 (10 s reference there: compare per second).
//   speaker path: librosa soxr → 22.05 kHz, sinc → 16 kHz, Seamless features, w2v-BERT 2.0 (17 of 24 layers,
//   1024 hidden) + stats, semantic codec quantize (released dims), reference mel, Kaldi fbank + CMN;
//   emotion path: librosa soxr → 16 kHz, Seamless features, w2v-BERT.
//   CAMPPlus (DTDNN defaults: growth 32, bn_size 4, init 128, embedding 192) on the fbank.
// The prompt length regulator (baseline 18 ms) is timed by the S2Mel bench; the conformer/perceiver conditioner
// that prepareVoice also runs (cached per voice here, recomputed per segment by infer_v2) is not timed yet.
import AudioDSP
import Dispatch
import Foundation
import Neural
import Tensors

public struct VoicePrepBenchTiming: Codable, Sendable {
    public var name: String
    public var shape: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var runs: Int
    /// PyTorch median from baseline.md, scaled to the same clip length where it is per-length.
    public var baselineSeconds: Double?
}

public enum VoicePrepBench {
    public static func run(clipSeconds: Double = 5, repetitions: Int = 3, seed: UInt64 = 20_261_121) throws -> [VoicePrepBenchTiming] {
        var rng = SeededRNG(seed: seed)
        let n24 = Int(clipSeconds * 24_000)
        let clip = AudioBuffer(samples: (0..<n24).map { i in
            let t = Double(i) / 24_000
            return Float(0.3 * sin(2 * Double.pi * (200 + 400 * t) * t)) + 0.01 * rng.nextGaussian()
        }, sampleRate: 24_000)
        let scale = clipSeconds / 10 // baseline §4.2 is for a 10 s reference
        var out: [VoicePrepBenchTiming] = []
        func time(_ name: String, _ shape: String, baseline: Double?, _ body: () throws -> Void) throws {
            try body() // warm-up
            var samples: [Double] = []
            for _ in 0..<repetitions {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try body()
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            }
            samples.sort()
            out.append(VoicePrepBenchTiming(name: name, shape: shape, medianSeconds: samples[samples.count / 2],
                                            minSeconds: samples[0], runs: repetitions, baselineSeconds: baseline))
        }

        let audio = try ReferenceAudio(melRate: 22_050, featureRate: 16_000)
        var a22: [Float] = [], a16: [Float] = [], emo16: [Float] = []
        try time("librosa soxr 24k→22.05k (speaker)", "\(n24)", baseline: 1.47e-3 * scale) { a22 = try audio.speaker(clip) }
        try time("torchaudio sinc 22.05k→16k", "\(a22.count)", baseline: 1.63e-3 * scale) { a16 = audio.speakerFeatureRate(a22) }
        try time("librosa soxr 24k→16k (emotion)", "\(n24)", baseline: 1.47e-3 * scale) { emo16 = try audio.emotion(clip) }
        let seamless = try SeamlessFeatureExtractor(config: SeamlessFeatureExtractorConfig())
        var features = try seamless.extract(a16)
        try time("SeamlessM4T features", "\(a16.count) → \(features.inputFeatures.shape)", baseline: 23.7e-3 * scale) {
            features = try seamless.extract(a16)
        }
        let w2vConfig = W2VBertConfig()
        let layer = SemanticEmbedder.hiddenStateIndex(layers: w2vConfig.numHiddenLayers)
        let w2v = try W2VBertModel(config: w2vConfig, weights: randomW2VBert(w2vConfig, layers: layer, rng: &rng).root, layerCount: layer)
        let stats = Tensor(shape: [w2vConfig.hiddenSize], repeating: 0.5)
        let embedder = try SemanticEmbedder(extractor: seamless, model: W2VBertHiddenStates(w2v), mean: stats, variance: stats,
                                            statsFile: "random")
        var spk = Tensor(zeros: [1])
        try time("w2v-BERT 2.0 hidden_states[\(layer)] + stats", "\(features.inputFeatures.shape)", baseline: 5.07 * scale) {
            spk = try embedder.embed(features)
        }
        let codecConfig = SemanticCodecConfig()
        let codec = try SemanticCodec(config: codecConfig, weights: randomCodec(codecConfig, rng: &rng))
        try time("semantic codec quantize", "\(spk.shape)", baseline: 171e-3 * scale) { _ = try codec.quantize(spk) }
        let mel = try LogMelSpectrogram(config: MelSpectrogramConfig(nFFT: 1024, winSize: 1024, hopSize: 256, numMels: 80,
                                                                     samplingRate: 22_050))
        try time("reference log-mel 22.05 kHz", "\(a22.count)", baseline: 14.8e-3 * scale) { _ = try mel.compute(a22) }
        let fbank = try KaldiFbank(options: VoicePreparer.campplusFbankOptions(melBins: 80, sampleRate: 16_000))
        try time("Kaldi fbank + CMN", "\(a16.count)", baseline: 10.7e-3 * scale) {
            _ = KaldiFbank.subtractingTimeMean(try fbank.compute(a16))
        }
        let campplusConfig = CAMPPlusConfig()
        let campplus = try CAMPPlus(config: campplusConfig, weights: randomCAMPPlus(campplusConfig, rng: &rng))
        let feat = KaldiFbank.subtractingTimeMean(try fbank.compute(a16))
        try time("CAMPPlus", "\(feat.shape)", baseline: 86.6e-3 * scale) { _ = try campplus(feat.reshaped([1] + feat.shape)) }
        try time("emotion path (features + w2v-BERT)", "\(emo16.count)", baseline: (23.7e-3 + 5.07) * scale) {
            _ = try embedder.embed(try embedder.features(emo16))
        }
        let total = out.reduce(0) { $0 + $1.medianSeconds }
        let baseTotal = out.reduce(0) { $0 + ($1.baselineSeconds ?? 0) }
        out.append(VoicePrepBenchTiming(name: "voice preparation, timed stages (sum of medians)", shape: "\(clipSeconds) s clip",
                                        medianSeconds: total, minSeconds: out.reduce(0) { $0 + $1.minSeconds }, runs: repetitions,
                                        baselineSeconds: baseTotal))
        return out
    }

    static func uniform(_ shape: [Int], fanIn: Int, _ rng: inout SeededRNG) -> Tensor {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in (rng.nextFloat() * 2 - 1) * bound })
    }

    static func norm(_ t: inout [String: Tensor], _ key: String, _ dim: Int) {
        t[key + ".weight"] = Tensor(shape: [dim], repeating: 1)
        t[key + ".bias"] = Tensor(shape: [dim], repeating: 0)
    }

    static func linear(_ t: inout [String: Tensor], _ key: String, _ out: Int, _ inp: Int, bias: Bool = true, _ rng: inout SeededRNG) {
        t[key + ".weight"] = uniform([out, inp], fanIn: inp, &rng)
        if bias { t[key + ".bias"] = uniform([out], fanIn: inp, &rng) }
    }

    /// Random w2v-BERT weights (HF key names) for the feature projection and the first `layers` layers.
    static func randomW2VBert(_ c: W2VBertConfig, layers: Int, rng: inout SeededRNG) -> WeightStore {
        var t: [String: Tensor] = [:]
        let h = c.hiddenSize, f = c.intermediateSize
        norm(&t, "feature_projection.layer_norm", c.featureProjectionInputDim)
        linear(&t, "feature_projection.projection", h, c.featureProjectionInputDim, &rng)
        for i in 0..<layers {
            let p = "encoder.layers.\(i)."
            for ffn in ["ffn1", "ffn2"] {
                norm(&t, p + ffn + "_layer_norm", h)
                linear(&t, p + ffn + ".intermediate_dense", f, h, &rng)
                linear(&t, p + ffn + ".output_dense", h, f, &rng)
            }
            norm(&t, p + "self_attn_layer_norm", h)
            for l in ["linear_q", "linear_k", "linear_v", "linear_out"] { linear(&t, p + "self_attn." + l, h, h, &rng) }
            t[p + "self_attn.distance_embedding.weight"] = uniform([c.distanceEmbeddingCount, c.headSize], fanIn: c.headSize, &rng)
            norm(&t, p + "conv_module.layer_norm", h)
            t[p + "conv_module.pointwise_conv1.weight"] = uniform([2 * h, h, 1], fanIn: h, &rng)
            t[p + "conv_module.depthwise_conv.weight"] = uniform([h, 1, c.convDepthwiseKernelSize], fanIn: c.convDepthwiseKernelSize, &rng)
            norm(&t, p + "conv_module.depthwise_layer_norm", h)
            t[p + "conv_module.pointwise_conv2.weight"] = uniform([h, h, 1], fanIn: h, &rng)
            norm(&t, p + "final_layer_norm", h)
        }
        return WeightStore(tensors: t, source: "random w2v-BERT")
    }

    static func batchNorm(_ t: inout [String: Tensor], _ key: String, _ c: Int, affine: Bool = true, _ rng: inout SeededRNG) {
        if affine { norm(&t, key, c) }
        t[key + ".running_mean"] = uniform([c], fanIn: 100, &rng)
        t[key + ".running_var"] = Tensor(shape: [c], data: (0..<c).map { _ in 0.5 + rng.nextFloat() })
    }

    /// Random CAMPPlus weights (FCM head, TDNN, CAM dense blocks, transits, dense) for `c` and the original architecture.
    static func randomCAMPPlus(_ c: CAMPPlusConfig, rng: inout SeededRNG) -> WeightStore {
        var t: [String: Tensor] = [:]
        let arch = CAMPPlusArchitecture.original, m = arch.fcmChannels
        t["head.conv1.weight"] = uniform([m, 1, 3, 3], fanIn: 9, &rng)
        batchNorm(&t, "head.bn1", m, &rng)
        for (li, blocks) in arch.fcmBlocks.enumerated() {
            for b in 0..<blocks {
                let p = "head.layer\(li + 1).\(b)."
                t[p + "conv1.weight"] = uniform([m, m, 3, 3], fanIn: m * 9, &rng)
                t[p + "conv2.weight"] = uniform([m, m, 3, 3], fanIn: m * 9, &rng)
                batchNorm(&t, p + "bn1", m, &rng)
                batchNorm(&t, p + "bn2", m, &rng)
                if b == 0 {
                    t[p + "shortcut.0.weight"] = uniform([m, m, 1, 1], fanIn: m, &rng)
                    batchNorm(&t, p + "shortcut.1", m, &rng)
                }
            }
        }
        t["head.conv2.weight"] = uniform([m, m, 3, 3], fanIn: m * 9, &rng)
        batchNorm(&t, "head.bn2", m, &rng)
        let fcmOut = m * (c.featDim / 8)
        t["xvector.tdnn.linear.weight"] = uniform([c.initChannels, fcmOut, 5], fanIn: fcmOut * 5, &rng)
        batchNorm(&t, "xvector.tdnn.nonlinear.batchnorm", c.initChannels, &rng)
        var channels = c.initChannels
        let bn = c.bottleneckChannels, g = c.growthRate
        for (bi, block) in arch.denseBlocks.enumerated() {
            for i in 0..<block.numLayers {
                let p = "xvector.block\(bi + 1).tdnnd\(i + 1).", cin = channels + i * g
                batchNorm(&t, p + "nonlinear1.batchnorm", cin, &rng)
                t[p + "linear1.weight"] = uniform([bn, cin, 1], fanIn: cin, &rng)
                batchNorm(&t, p + "nonlinear2.batchnorm", bn, &rng)
                t[p + "cam_layer.linear_local.weight"] = uniform([g, bn, block.kernelSize], fanIn: bn * block.kernelSize, &rng)
                linear(&t, p + "cam_layer.linear1", bn / 2, bn, &rng)
                t[p + "cam_layer.linear1.weight"] = t[p + "cam_layer.linear1.weight"]!.reshaped([bn / 2, bn, 1])
                linear(&t, p + "cam_layer.linear2", g, bn / 2, &rng)
                t[p + "cam_layer.linear2.weight"] = t[p + "cam_layer.linear2.weight"]!.reshaped([g, bn / 2, 1])
            }
            channels += block.numLayers * g
            batchNorm(&t, "xvector.transit\(bi + 1).nonlinear.batchnorm", channels, &rng)
            t["xvector.transit\(bi + 1).linear.weight"] = uniform([channels / 2, channels, 1], fanIn: channels, &rng)
            channels /= 2
        }
        batchNorm(&t, "xvector.out_nonlinear.batchnorm", channels, &rng)
        t["xvector.dense.linear.weight"] = uniform([c.embeddingSize, channels * 2, 1], fanIn: channels * 2, &rng)
        batchNorm(&t, "xvector.dense.nonlinear.batchnorm", c.embeddingSize, affine: false, &rng)
        return WeightStore(tensors: t, source: "random CAMPPlus")
    }

    /// Random RepCodec weights (encoder + quantizer; no decoder) at `c`'s sizes.
    static func randomCodec(_ c: SemanticCodecConfig, rng: inout SeededRNG) -> WeightStore {
        var t: [String: Tensor] = [:]
        let d = c.vocosDim, h = c.hiddenSize
        t["encoder.0.embed.weight"] = uniform([d, h, 7], fanIn: h * 7, &rng)
        t["encoder.0.embed.bias"] = uniform([d], fanIn: h * 7, &rng)
        norm(&t, "encoder.0.norm", d)
        for i in 0..<c.vocosNumLayers {
            let p = "encoder.0.convnext.\(i)."
            t[p + "dwconv.weight"] = uniform([d, 1, 7], fanIn: 7, &rng)
            t[p + "dwconv.bias"] = uniform([d], fanIn: 7, &rng)
            norm(&t, p + "norm", d)
            linear(&t, p + "pwconv1", c.vocosIntermediateDim, d, &rng)
            linear(&t, p + "pwconv2", d, c.vocosIntermediateDim, &rng)
            t[p + "gamma"] = Tensor(shape: [d], repeating: 0.1)
        }
        norm(&t, "encoder.0.final_layer_norm", d)
        linear(&t, "encoder.1", h, d, &rng)
        for q in 0..<c.numQuantizers {
            let p = "quantizer.quantizers.\(q)."
            t[p + "in_project.weight"] = uniform([c.codebookDim, h, 1], fanIn: h, &rng)
            t[p + "in_project.bias"] = uniform([c.codebookDim], fanIn: h, &rng)
            t[p + "codebook.weight"] = uniform([c.codebookSize, c.codebookDim], fanIn: 1, &rng)
            t[p + "out_project.weight"] = uniform([h, c.codebookDim, 1], fanIn: c.codebookDim, &rng)
            t[p + "out_project.bias"] = uniform([h], fanIn: c.codebookDim, &rng)
        }
        return WeightStore(tensors: t, source: "random semantic codec")
    }
}
