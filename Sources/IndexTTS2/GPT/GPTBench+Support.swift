// The GPT decode benchmark's support: seeded random weights in the checkpoint's layout (uniform with the variance of
// N(0, 1/fan_in); timing only, never a model) and the timing helpers (wall samples with a warm-up, process CPU time,
// one report row).
import Foundation
import Neural
import Tensors

extension GPTBench {
    /// Random checkpoint-layout weights for the GPT-2 blocks, the heads and the embeddings the bench uses.
    static func weights(_ c: UnifiedVoiceConfig, rng: inout SeededRNG) throws -> [String: Tensor] {
        let h = c.modelDim, inner = 4 * h
        var t: [String: Tensor] = [:]
        for l in 0..<c.layers {
            let p = "gpt.h.\(l)."
            for ln in ["ln_1", "ln_2"] {
                t[p + ln + ".weight"] = Tensor(shape: [h], repeating: 1)
                t[p + ln + ".bias"] = Tensor(zeros: [h])
            }
            for (name, k, n) in [("attn.c_attn", h, 3 * h), ("attn.c_proj", h, h), ("mlp.c_fc", h, inner), ("mlp.c_proj", inner, h)] {
                t[p + name + ".weight"] = uniform([k, n], fanIn: k, rng: &rng)
                t[p + name + ".bias"] = Tensor(zeros: [n])
            }
        }
        t["gpt.ln_f.weight"] = Tensor(shape: [h], repeating: 1)
        t["gpt.ln_f.bias"] = Tensor(zeros: [h])
        t["final_norm.weight"] = Tensor(shape: [h], repeating: 1)
        t["final_norm.bias"] = Tensor(zeros: [h])
        t["mel_head.weight"] = uniform([c.numberMelCodes, h], fanIn: h, rng: &rng)
        var bias = Tensor(zeros: [c.numberMelCodes])
        bias[flat: c.stopMelToken] = -100 // fixed-length generation, as the baseline's random model
        t["mel_head.bias"] = bias
        t["text_head.weight"] = Tensor(zeros: [c.textVocab, h])
        t["text_head.bias"] = Tensor(zeros: [c.textVocab])
        t["text_embedding.weight"] = Tensor(zeros: [c.textVocab, h])
        t["mel_embedding.weight"] = uniform([c.numberMelCodes, h], fanIn: 1, rng: &rng)
        t["text_pos_embedding.emb.weight"] = Tensor(zeros: [c.textPositions, h])
        t["mel_pos_embedding.emb.weight"] = uniform([c.melPositions, h], fanIn: 50, rng: &rng)
        t["speed_emb.weight"] = Tensor(zeros: [2, h])
        return t
    }

    /// Uniform with the variance of N(0, 1/fanIn).
    static func uniform(_ shape: [Int], fanIn: Int, rng: inout SeededRNG) -> Tensor {
        let a = (3 / Float(max(fanIn, 1))).squareRoot()
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * a } }
        return t
    }

    static func time(_ runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
        try body() // warm-up
        return try (0..<max(runs, 1)).map { _ in
            let t0 = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        }
    }

    /// CPU seconds used by the whole process so far (all threads).
    static func cpuTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func timing(_ name: String, _ samples: [Double], cpu: [Double], bytes: Double) -> GPTBenchTiming {
        let sorted = samples.sorted(), cpuSorted = cpu.sorted()
        let median = sorted.isEmpty ? .nan : sorted[sorted.count / 2]
        let t = GPTBenchTiming(name: name, medianSeconds: median, minSeconds: sorted.first ?? .nan, runs: samples.count,
                               gigabytesPerSecond: bytes > 0 ? bytes / median * 1e-9 : 0,
                               medianCPUSeconds: cpuSorted.isEmpty ? .nan : cpuSorted[cpuSorted.count / 2])
        log.info("\(name): median \(String(format: "%.2f", median * 1e3)) ms, \(String(format: "%.1f", t.gigabytesPerSecond)) GB/s")
        return t
    }
}
