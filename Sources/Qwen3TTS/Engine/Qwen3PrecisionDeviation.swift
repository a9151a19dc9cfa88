// How far `--precision fast` moves the Qwen3 decode loop from exact, stage by stage (docs/precision.md).
// Teacher-forced, so errors do not compound: both talkers prefill the same prompt, then for every frame of a
// reference run (the exact model's codes) each computes, from its own state,
//   * the talker's post-norm hidden state and codec_head logits (codebook 0),
//   * the code predictor's lm_head logits for codebooks 1…G−1, fed the reference codes,
// and both then step on the reference frame. Reported per stage: relative L2 error ‖fast − exact‖ / ‖exact‖
// (max and mean over steps), the smallest cosine similarity, the largest element error relative to max|exact|,
// and the fraction of steps whose top-k index set (k = the sampling top_k) is unchanged.
// `freeRunningAgreement` compares whole greedy runs: how many leading frames the two modes pick identically.
import Foundation
import Neural
import Tensors

/// Deviation figures of one stage.
public struct Qwen3StageDeviation: Codable, Sendable, Equatable {
    public var steps = 0
    public var maxRelativeError = 0.0
    public var meanRelativeError = 0.0
    public var minCosine = 1.0
    /// max over steps of max|fast − exact| / max|exact|.
    public var maxElementError = 0.0
    /// Fraction of steps whose top-k set is unchanged (nil for hidden states).
    public var topKUnchanged: Double?
    /// Fraction of steps whose argmax is unchanged (nil for hidden states).
    public var argmaxUnchanged: Double?

    private var sumRelative = 0.0, topKSame = 0, argmaxSame = 0

    enum CodingKeys: String, CodingKey {
        case steps, maxRelativeError, meanRelativeError, minCosine, maxElementError, topKUnchanged, argmaxUnchanged
    }

    public init() {}

    /// Adds one step (`topK` > 0: the vectors are logits).
    mutating func add(fast: [Float], exact: [Float], topK: Int) {
        var diff = 0.0, norm = 0.0, normFast = 0.0, dot = 0.0, maxDiff = 0.0, maxRef = 0.0
        for (a, b) in zip(fast, exact) {
            let d = Double(a) - Double(b)
            diff += d * d
            norm += Double(b) * Double(b)
            normFast += Double(a) * Double(a)
            dot += Double(a) * Double(b)
            maxDiff = Swift.max(maxDiff, abs(d))
            maxRef = Swift.max(maxRef, abs(Double(b)))
        }
        let rel = norm > 0 ? (diff / norm).squareRoot() : (diff > 0 ? .infinity : 0)
        steps += 1
        sumRelative += rel
        maxRelativeError = Swift.max(maxRelativeError, rel)
        meanRelativeError = sumRelative / Double(steps)
        let cosine = norm > 0 && normFast > 0 ? dot / (norm * normFast).squareRoot() : (diff == 0 ? 1 : 0)
        minCosine = Swift.min(minCosine, cosine)
        maxElementError = Swift.max(maxElementError, maxRef > 0 ? maxDiff / maxRef : (maxDiff > 0 ? .infinity : 0))
        if topK > 0 {
            let k = Swift.min(topK, exact.count)
            if Set(Logits.topK(fast, k).indices) == Set(Logits.topK(exact, k).indices) { topKSame += 1 }
            if Logits.argmax(fast) == Logits.argmax(exact) { argmaxSame += 1 }
            topKUnchanged = Double(topKSame) / Double(steps)
            argmaxUnchanged = Double(argmaxSame) / Double(steps)
        }
    }
}

/// Per-stage deviation of a fast talker from the exact one.
public struct Qwen3PrecisionDeviation: Codable, Sendable, Equatable {
    /// Post-norm talker hidden state after each decode step.
    public var talkerHidden = Qwen3StageDeviation()
    /// codec_head logits (codebook 0), prefill row included.
    public var talkerLogits = Qwen3StageDeviation()
    /// Code-predictor lm_head logits, every codebook 1…G−1 of every frame.
    public var codePredictorLogits = Qwen3StageDeviation()

    public init() {}

    /// Teacher-forced comparison over `frames` (F, groups) of `prompt`; top-k sets with k = `topK` (talker) and
    /// `predictorTopK` (code predictor).
    public static func measure(exact: Qwen3Talker, fast: Qwen3Talker, prompt: Qwen3Prompt, frames: [[Int]],
                               topK: Int, predictorTopK: Int) throws -> Qwen3PrecisionDeviation {
        var d = Qwen3PrecisionDeviation()
        let h = exact.hidden, length = prompt.embeds.shape[0]
        let models = [exact, fast]
        let states = models.map { $0.makeState(capacity: length + frames.count + 1) }
        var hidden = try zip(models, states).map { m, s -> [Float] in
            let out = try m.forward(prompt.embeds, state: s) // (L, hidden)
            return Array(UnsafeBufferPointer(start: out.pointer + (length - 1) * h, count: h))
        }
        let scratch = models.map { Qwen3BatchScratch(shape: $0.shape) }
        let predictor = models.map { Qwen3CodePredictorBatchState(predictor: $0.codePredictor) }
        for (k, frame) in frames.enumerated() {
            let logits = models.indices.map { i -> [Float] in
                var l = [Float](repeating: 0, count: exact.vocab)
                hidden[i].withUnsafeBufferPointer { hb in
                    l.withUnsafeMutableBufferPointer { models[i].stepLogits(hb.baseAddress!, rows: 1, out: $0.baseAddress!) }
                }
                return l
            }
            d.talkerLogits.add(fast: logits[1], exact: logits[0], topK: topK)
            var cp: [[[Float]]] = [[], []]
            for i in models.indices {
                _ = try hidden[i].withUnsafeBufferPointer { hb in
                    try models[i].codePredictor.predictBatch(hidden: [hb.baseAddress!], code0Embedding: [models[i].codecRow(frame[0])],
                                                             state: predictor[i]) { _, j, row in
                        cp[i].append(row)
                        return frame[j]
                    }
                }
            }
            for (a, b) in zip(cp[1], cp[0]) { d.codePredictorLogits.add(fast: a, exact: b, topK: predictorTopK) }
            var row = [Float](repeating: 0, count: h)
            try row.withUnsafeMutableBufferPointer { rb in
                try exact.frameEmbedding(frame, into: rb.baseAddress!)
                let text = k < prompt.trailing.shape[0] ? prompt.trailing.pointer + k * h : prompt.ttsPad.pointer
                for t in 0..<h { rb[t] += text[t] }
            }
            for i in models.indices {
                var out = [Float](repeating: 0, count: h)
                try row.withUnsafeBufferPointer { rb in
                    try out.withUnsafeMutableBufferPointer { ob in
                        try models[i].decoder.forwardBatch(rb.baseAddress!, segments: [Qwen3BatchSegment(state: states[i], rows: 1)],
                                                           scratch: scratch[i], output: ob.baseAddress!) // (1, hidden)
                    }
                }
                hidden[i] = out
            }
            d.talkerHidden.add(fast: hidden[1], exact: hidden[0], topK: 0)
        }
        return d
    }

    /// Leading frames two greedy runs share, and the frame counts of both runs.
    public static func freeRunningAgreement(exact: [[Int]], fast: [[Int]]) -> (sameLeading: Int, exactFrames: Int, fastFrames: Int) {
        var same = 0
        while same < Swift.min(exact.count, fast.count) && exact[same] == fast[same] { same += 1 }
        return (same, exact.count, fast.count)
    }
}
