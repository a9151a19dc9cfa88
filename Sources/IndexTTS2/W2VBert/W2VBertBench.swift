// Speed benchmark of w2v-BERT 2.0 as IndexTTS2's voice preparation runs it: feature projection + the first
// `layers` (17) encoder layers → hidden_states[17], on (1, frames, 160) features with an all-ones attention mask
// (10 s of audio = 499 frames). Weights are random at the given config (default: facebook/w2v-bert-2.0):
// Linear / 1×1 / depthwise conv weights N(0, 1/fan_in), biases 0, LayerNorms at init (weight 1, bias 0),
// distance embeddings N(0, 1) (nn.Embedding init) — timing only, never a model. Compares with
// shared/perf/baseline.md §4.2 (PyTorch, all 24 layers: 5.07 s median).
import Foundation
import Neural
import Tensors

public enum W2VBertBench {
    /// Times `repetitions` forward passes (after one warm-up) and reports the median in seconds and GFLOP/s
    /// (multiply-adds counted as 2 FLOPs: every GEMM, attention scores/products, relative-key term, depthwise conv).
    public static func run(config: W2VBertConfig = W2VBertConfig(), layers: Int = 17, frames: Int = 499,
                           repetitions: Int = 3, seed: UInt64 = 20_261_121) throws -> BenchTiming {
        let store = randomWeights(config, layers: layers, seed: seed)
        let model = try W2VBertModel(config: config, weights: store.root, layerCount: layers)
        try store.finish(ignoring: W2VBertModel.ignoredKeys(config: config, layerCount: layers))
        var rng = SeededRNG(seed: seed &+ 1)
        let features = gaussian([1, frames, config.featureProjectionInputDim], std: 1, rng: &rng) // (1, T, F)
        let valid = [[Bool](repeating: true, count: frames)]
        var samples: [Double] = []
        for run in 0...max(repetitions, 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            _ = try model.hiddenState(layers, features: features, attentionMask: valid) // (1, T, H)
            if run > 0 { samples.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9) }
        }
        return Bench.timing("w2v-BERT 2.0 → hidden_states[\(layers)]", "features [1,\(frames),\(config.featureProjectionInputDim)]",
                            samples, work: flops(config, layers: layers, frames: frames), unit: "GFLOP/s")
    }

    /// Floating-point operations of one forward pass through `layers` layers on `frames` frames.
    public static func flops(_ c: W2VBertConfig, layers: Int, frames: Int) -> Double {
        let (t, h, i) = (Double(frames), Double(c.hiddenSize), Double(c.intermediateSize))
        let r = Double(c.distanceEmbeddingCount), k = Double(c.convDepthwiseKernelSize)
        let ffn = 2 * (2 * t * h * i * 2)          // two half-step FFNs, two Linears each
        let projections = 4 * (2 * t * h * h)      // q, k, v, out
        let attention = 2 * (2 * t * t * h)        // q·kᵀ and P·v over all heads
        let relative = 2 * t * r * h               // q·Eᵀ per head
        let conv = 2 * t * h * (2 * h) + 2 * t * h * h + 2 * t * h * k
        let perLayer = ffn + projections + attention + relative + conv
        return Double(layers) * perLayer + 2 * t * Double(c.featureProjectionInputDim) * h
    }

    /// A state dict for the feature projection and layers 0..<layers (HF key names), seeded.
    public static func randomWeights(_ c: W2VBertConfig, layers: Int, seed: UInt64) -> WeightStore {
        var rng = SeededRNG(seed: seed)
        let (h, i, f) = (c.hiddenSize, c.intermediateSize, c.featureProjectionInputDim)
        var t: [String: Tensor] = [:]
        func norm(_ key: String, _ dim: Int) {
            t[key + ".weight"] = Tensor(shape: [dim], repeating: 1)
            t[key + ".bias"] = Tensor(zeros: [dim])
        }
        func linear(_ key: String, _ out: Int, _ inp: Int, bias: Bool = true, kernel: Int? = nil) {
            let shape = kernel.map { [out, inp, $0] } ?? [out, inp]
            t[key + ".weight"] = gaussian(shape, std: 1 / Float(inp * (kernel ?? 1)).squareRoot(), rng: &rng)
            if bias { t[key + ".bias"] = Tensor(zeros: [out]) }
        }
        norm("feature_projection.layer_norm", f)
        linear("feature_projection.projection", h, f)
        for l in 0..<layers {
            let p = "encoder.layers.\(l)."
            for ffn in ["ffn1", "ffn2"] {
                norm(p + ffn + "_layer_norm", h)
                linear(p + ffn + ".intermediate_dense", i, h)
                linear(p + ffn + ".output_dense", h, i)
            }
            norm(p + "self_attn_layer_norm", h)
            for name in ["linear_q", "linear_k", "linear_v", "linear_out"] { linear(p + "self_attn." + name, h, h) }
            t[p + "self_attn.distance_embedding.weight"] = gaussian([c.distanceEmbeddingCount, c.headSize], std: 1, rng: &rng)
            norm(p + "conv_module.layer_norm", h)
            linear(p + "conv_module.pointwise_conv1", 2 * h, h, bias: false, kernel: 1)
            t[p + "conv_module.depthwise_conv.weight"] = gaussian([h, 1, c.convDepthwiseKernelSize],
                                                                  std: 1 / Float(c.convDepthwiseKernelSize).squareRoot(), rng: &rng)
            norm(p + "conv_module.depthwise_layer_norm", h)
            linear(p + "conv_module.pointwise_conv2", h, h, bias: false, kernel: 1)
            norm(p + "final_layer_norm", h)
        }
        return WeightStore(tensors: t, source: "random w2v-BERT weights (seed \(seed))")
    }

    /// Seeded N(0, std²) tensor, filled in parallel from per-chunk generators (one draw from `rng` seeds them).
    static func gaussian(_ shape: [Int], std: Float, rng: inout SeededRNG) -> Tensor {
        var x = Tensor(zeros: shape)
        let base = rng.next()
        x.withUnsafeMutableBufferPointer { buf in
            let p = buf.baseAddress!, n = buf.count, chunk = 1 << 16
            Tensors.parallelFor((n + chunk - 1) / chunk) { r in
                for c in r {
                    var g = SeededRNG(seed: base &+ UInt64(c) &* 0x9E37_79B9_7F4A_7C15)
                    for j in (c * chunk)..<min(n, (c + 1) * chunk) { p[j] = g.nextGaussian() * std }
                }
            }
        }
        return x
    }
}
