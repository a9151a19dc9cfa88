// Decode-speed benchmark of the talker step and the code-predictor frame at a given config (the real 0.6B /
// 1.7B sizes, or tiny ones in tests). Weights are seeded uniform values with the variance of N(0, 1/fan_in)
// and unit norms — timing only, never a model. The talker is timed over `talkerLayers` layers (the step time
// is linear in the layer count) plus codec_head, at an attention length of `context`; numbers compare with
// shared/perf/baseline.md §5 (PyTorch: 0.6B talker step 124 ms, code predictor 356 ms per frame).
import Foundation
import Logging
import Neural
import Tensors

public struct Qwen3BenchTiming: Codable, Sendable {
    public var name: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var runs: Int
    /// Weight bytes streamed per call divided by the median time.
    public var gigabytesPerSecond: Double
}

public enum Qwen3Bench {
    static let log = Logger(label: "bookvox.qwen3tts.bench")

    /// Talker decode step over `talkerLayers` layers (+ codec_head) at attention length `context`, scaled to
    /// all layers, and one code-predictor frame (groups − 1 codes, greedy).
    public static func run(talker c: Qwen3TalkerConfig, talkerLayers: Int, context: Int, repetitions: Int,
                           seed: UInt64 = 20_261_121) throws -> [Qwen3BenchTiming] {
        var rng = SeededRNG(seed: seed)
        var shape = try Qwen3DecoderShape(talker: c)
        let fullLayers = shape.layers
        shape.layers = min(talkerLayers, fullLayers)
        var out: [Qwen3BenchTiming] = []

        do {
            let store = WeightStore(tensors: decoderWeights(shape, prefix: "m.", rng: &rng)
                .merging(["head.weight": uniform([c.vocabSize, shape.hidden], rng: &rng)]) { a, _ in a }, source: "bench")
            let decoder = try Qwen3Decoder(store.scope("m"), shape: shape)
            let head = try store.scope("head").tensor("weight", shape: [c.vocabSize, shape.hidden])
            let state = decoder.makeState(capacity: context + repetitions + 8)
            let prefill = uniform([context, shape.hidden], rng: &rng)
            _ = try decoder.forward(prefill, state: state)
            var x = [Float](repeating: 0.1, count: shape.hidden), h = x, logits = [Float](repeating: 0, count: c.vocabSize)
            let samples = try time(repetitions) {
                try x.withUnsafeBufferPointer { xb in
                    try h.withUnsafeMutableBufferPointer { hb in
                        try decoder.forward(xb.baseAddress!, rows: 1, state: state, output: hb.baseAddress!)
                        logits.withUnsafeMutableBufferPointer { Qwen3Kernels.linear(hb.baseAddress!, rows: 1, weight: head, bias: nil, out: $0.baseAddress!) }
                    }
                }
                x[0] = h[0]
            }
            let layerBytes = Double(shape.qkvWidth + shape.qWidth + 3 * shape.intermediate) * Double(shape.hidden) * 4
            let headBytes = Double(c.vocabSize * shape.hidden * 4)
            // Scale the layer part to the full depth: t_full = t · (L·layer + head) / (l·layer + head).
            let scale = (Double(fullLayers) * layerBytes + headBytes) / (Double(shape.layers) * layerBytes + headBytes)
            out.append(timing("talker step (\(fullLayers) layers from \(shape.layers), context \(context))",
                              samples.map { $0 * scale }, bytes: Double(fullLayers) * layerBytes + headBytes))
        }

        do {
            let p = c.codePredictorConfig
            let cpShape = try Qwen3DecoderShape(codePredictor: p)
            var tensors = decoderWeights(cpShape, prefix: "model.", rng: &rng)
            for j in 0..<(p.numCodeGroups - 1) {
                tensors["model.codec_embedding.\(j).weight"] = uniform([p.vocabSize, c.hiddenSize], rng: &rng)
                tensors["lm_head.\(j).weight"] = uniform([p.vocabSize, p.hiddenSize], rng: &rng)
            }
            if p.hiddenSize != c.hiddenSize {
                tensors["small_to_mtp_projection.weight"] = uniform([p.hiddenSize, c.hiddenSize], rng: &rng)
                tensors["small_to_mtp_projection.bias"] = Tensor(zeros: [p.hiddenSize])
            }
            let predictor = try Qwen3CodePredictor(WeightStore(tensors: tensors, source: "bench").root, config: p,
                                                   talkerHidden: c.hiddenSize)
            tensors = [:]
            let state = Qwen3CodePredictorBatchState(predictor: predictor)
            let hidden = uniform([c.hiddenSize], rng: &rng), code0 = uniform([c.hiddenSize], rng: &rng)
            let samples = try time(repetitions) {
                _ = try predictor.predictBatch(hidden: [hidden.pointer], code0Embedding: [code0.pointer], state: state) { _, _, l in
                    Logits.argmax(l)
                }
            }
            let layerBytes = Double(cpShape.qkvWidth + cpShape.qWidth + 3 * cpShape.intermediate) * Double(cpShape.hidden) * 4
            let perPass = Double(cpShape.layers) * layerBytes + Double(p.vocabSize * p.hiddenSize * 4)
            out.append(timing("code predictor frame (\(p.numCodeGroups - 1) codes)", samples,
                              bytes: perPass * Double(p.numCodeGroups - 1)))
        }
        return out
    }

    static func decoderWeights(_ s: Qwen3DecoderShape, prefix: String, rng: inout SeededRNG) -> [String: Tensor] {
        var t: [String: Tensor] = [prefix + "norm.weight": Tensor(shape: [s.hidden], repeating: 1)]
        for l in 0..<s.layers {
            let p = prefix + "layers.\(l)."
            t[p + "input_layernorm.weight"] = Tensor(shape: [s.hidden], repeating: 1)
            t[p + "post_attention_layernorm.weight"] = Tensor(shape: [s.hidden], repeating: 1)
            t[p + "self_attn.q_norm.weight"] = Tensor(shape: [s.headDim], repeating: 1)
            t[p + "self_attn.k_norm.weight"] = Tensor(shape: [s.headDim], repeating: 1)
            t[p + "self_attn.q_proj.weight"] = uniform([s.qWidth, s.hidden], rng: &rng)
            t[p + "self_attn.k_proj.weight"] = uniform([s.kvWidth, s.hidden], rng: &rng)
            t[p + "self_attn.v_proj.weight"] = uniform([s.kvWidth, s.hidden], rng: &rng)
            t[p + "self_attn.o_proj.weight"] = uniform([s.hidden, s.qWidth], rng: &rng)
            t[p + "mlp.gate_proj.weight"] = uniform([s.intermediate, s.hidden], rng: &rng)
            t[p + "mlp.up_proj.weight"] = uniform([s.intermediate, s.hidden], rng: &rng)
            t[p + "mlp.down_proj.weight"] = uniform([s.hidden, s.intermediate], rng: &rng)
            if s.attentionBias {
                for (n, w) in [("q", s.qWidth), ("k", s.kvWidth), ("v", s.kvWidth), ("o", s.hidden)] {
                    t[p + "self_attn.\(n)_proj.bias"] = Tensor(zeros: [w])
                }
            }
        }
        return t
    }

    /// Uniform with the variance of N(0, 1/fan_in) (fan_in = last dimension).
    static func uniform(_ shape: [Int], rng: inout SeededRNG) -> Tensor {
        let a = (3 / Float(shape.last ?? 1)).squareRoot()
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * a } }
        return t
    }

    static func time(_ runs: Int, _ body: () throws -> Void) throws -> [Double] {
        try body() // warm-up
        return try (0..<max(runs, 1)).map { _ in
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        }
    }

    static func timing(_ name: String, _ samples: [Double], bytes: Double) -> Qwen3BenchTiming {
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let t = Qwen3BenchTiming(name: name, medianSeconds: median, minSeconds: sorted[0], runs: samples.count,
                                 gigabytesPerSecond: bytes / median * 1e-9)
        log.info("\(name): median \(String(format: "%.1f", median * 1e3)) ms, \(String(format: "%.1f", t.gigabytesPerSecond)) GB/s")
        return t
    }
}
