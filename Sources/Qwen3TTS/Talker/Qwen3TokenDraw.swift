// One sampled pick of the generation loop (HF `_sample` with do_sample: the processor chain of GenerationSettings,
// softmax, one TokenSampler draw) in reused buffers, computing the same Float32 values as the generic path
// (`LogitsProcessorList.process` → `Logits.softmax` → `sampler.sample`) and so the same token and RNG advance:
//   * processors before the warpers (RepetitionPenalty, MinLength, MinNewTokens, SuppressTokens) run as they are;
//   * Temperature: s[i] / t, as Temperature.process;
//   * TopK: the threshold from Logits.kthLargest (the same function), s[i] < threshold → −∞, as TopK.process;
//   * softmax: exp(s[i] − max) only for the entries top-k kept. Every removed entry is −∞, whose exp is exactly 0:
//     it adds +0.0 to the Double sum (which leaves the sum unchanged) and gets probability 0 · r = 0 — so skipping
//     them gives the generic path's sum, reciprocal and probabilities bit for bit, for ≈ 50 exps instead of 2 048
//     (code predictor) or 3 072 (talker).
// Anything else (TopP, no top-k, a NaN or +∞ score, all entries −∞) goes through the generic path unchanged.
import Foundation
import Neural

/// Reused buffers and the split processor chain of one generation level (talker or code predictor).
final class Qwen3TokenDraw {
    /// The whole chain (the generic path).
    let processors: LogitsProcessorList
    /// The chain up to the warpers; nil when the fused path does not apply (see the header).
    private let leading: LogitsProcessorList?
    private let temperature: Temperature?
    private let topK: TopK?
    /// Processed scores of the last pick (vocab).
    private(set) var scores: [Float] = []
    private var probabilities: [Float] = []
    private var kept: [Int] = []

    init(_ settings: GenerationSettings) throws {
        processors = try settings.processors(promptLength: 0)
        var list = processors.processors
        let k = list.last as? TopK
        if k != nil { list.removeLast() }
        let t = list.last as? Temperature
        if t != nil { list.removeLast() }
        let warpers = list.contains { $0 is TopK || $0 is TopP || $0 is Temperature }
        temperature = t
        topK = k
        leading = settings.doSample && k != nil && !warpers ? LogitsProcessorList(list) : nil
    }

    /// Draws one token from `logits` (vocab) with `sampler`; `scores` holds the processed scores afterwards.
    func sample<S: TokenSampler>(_ logits: UnsafeBufferPointer<Float>, history: [Int], sampler: inout S) throws -> Int {
        let n = logits.count
        if scores.count != n {
            scores = [Float](repeating: 0, count: n)
            probabilities = [Float](repeating: 0, count: n)
        }
        scores.withUnsafeMutableBufferPointer { s in _ = s.initialize(from: logits) }
        guard let leading, let topK, n > 0 else {
            try processors.process(&scores, history: history)
            return try sampler.sample(Logits.softmax(scores))
        }
        try leading.process(&scores, history: history)
        var finite = true
        scores.withUnsafeMutableBufferPointer { s in
            if let t = temperature?.temperature { for i in 0..<n { s[i] = s[i] / t } }
            for i in 0..<n where s[i].isNaN || s[i] == .infinity { finite = false }
        }
        guard finite else {
            // The generic warper on the same scores (temperature already applied).
            try topK.process(&scores, history: history)
            return try sampler.sample(Logits.softmax(scores))
        }
        let threshold = Logits.kthLargest(scores, Swift.min(topK.k, n))
        kept.removeAll(keepingCapacity: true)
        var m = -Float.infinity
        scores.withUnsafeMutableBufferPointer { s in
            for i in 0..<n {
                if s[i] < threshold {
                    s[i] = -.infinity
                } else {
                    kept.append(i)
                    if s[i] > m { m = s[i] } // the first largest, as Sequence.max()
                }
            }
        }
        guard m > -.infinity else { return try sampler.sample(Logits.softmax(scores)) } // every entry −∞: as the generic path
        probabilities.withUnsafeMutableBufferPointer { p in
            p.update(repeating: 0)
            var sum = 0.0
            scores.withUnsafeBufferPointer { s in
                for i in kept {
                    let v = Foundation.exp(s[i] - m)
                    p[i] = v
                    sum += Double(v)
                }
            }
            let r = 1 / Float(sum)
            for i in kept { p[i] = p[i] * r }
        }
        return try sampler.sample(probabilities)
    }
}
