// Batched generation loop: several prompts decode together, each exactly as Qwen3Generator's loop decodes one
// (same processors, same draw order c0ₖ, cₖ,₁…cₖ,G−1, one sampler / RNG stream per sequence), so a segment's codes
// never depend on what else is in the batch.
//   * Layout: no padding. Each sequence keeps its own KV cache and positions (prompt lengths differ), so a decode
//     step is a "ragged" batch of one row per live sequence; attention is per sequence (its own mask is its own
//     cache length), projections are one batch-invariant product over all rows (Qwen3RowKernel).
//   * Prefill: per sequence, through the ordinary decoder path (the same call a lone sequence makes).
//   * EOS: a sequence that samples EOS (or reaches its frame cap, or fails) leaves the batch at once; it
//     contributes no rows to later steps.
// A batch of one is the single-segment path of the engine, so "decoded alone" and "decoded in a batch" run the
// same arithmetic per row.
import Foundation
import Logging
import Neural
import Tensors

public struct Qwen3BatchGenerator: Sendable {
    public let talker: Qwen3Talker
    public let settings: Qwen3SamplingSettings
    public let eos: Int
    /// Draw through the generic chain (processors → Logits.softmax → sampler) instead of Qwen3TokenDraw: the reference
    /// the bench and the tests compare the fused draw's codes with.
    var genericSampling = false
    private static let log = Logger(label: "bookvox.qwen3tts.batch-generator")

    public init(talker: Qwen3Talker, tokens: Qwen3TTSTokens, settings: Qwen3SamplingSettings) {
        self.talker = talker
        self.settings = settings
        eos = tokens.codecEos
    }

    init(talker: Qwen3Talker, settings: Qwen3SamplingSettings, eos: Int) {
        self.talker = talker
        self.settings = settings
        self.eos = eos
    }

    /// Frames (F, groups) until EOS for every prompt. `maxFrames[i]` caps prompt i (reaching it fails that item with
    /// `Qwen3TTSError.frameCapReached`); `samplers[i]` makes every draw of prompt i; `traces[i]` records it.
    /// Errors of one item (bad prompt, cap, sampler) fail only that item. `onStep` is called after every batched
    /// talker step (benchmarks time the interval between calls).
    public func generate<S: TokenSampler>(prompts: [Qwen3Prompt], maxFrames: [Int], samplers: inout [S],
                                          traces: [Qwen3GenerationTrace?]? = nil,
                                          onStep: (() -> Void)? = nil) throws -> [Result<[[Int]], Error>] {
        let n = prompts.count, h = talker.hidden, vocab = talker.vocab
        guard maxFrames.count == n, samplers.count == n, traces.map({ $0.count == n }) ?? true else {
            throw Qwen3TTSError.shape(what: "frame caps / samplers / traces per prompt", expected: [n],
                                      found: [maxFrames.count, samplers.count, traces?.count ?? n])
        }
        let talkerProcessors = try settings.talker.processors(promptLength: 0)
        let predictorProcessors = try settings.codePredictor.processors(promptLength: 0)
        // Sampled picks in reused buffers, the same values as processors → softmax → draw (Qwen3TokenDraw).
        let talkerDraw = try Qwen3TokenDraw(settings.talker), predictorDraw = try Qwen3TokenDraw(settings.codePredictor)
        var results = [Result<[[Int]], Error>?](repeating: nil, count: n)
        var states = [Qwen3DecoderState?](repeating: nil, count: n)
        var hidden = [[Float]](repeating: [], count: n), logits = [[Float]](repeating: [], count: n)
        var history = [[Int]](repeating: [], count: n), frames = [[[Int]]](repeating: [], count: n)
        let trace: (Int) -> Qwen3GenerationTrace? = { traces?[$0] ?? nil }

        // Prefill, one sequence at a time.
        for i in 0..<n {
            do {
                let p = prompts[i]
                guard p.embeds.rank == 2, p.embeds.shape[1] == h, p.embeds.shape[0] > 0 else {
                    throw Qwen3TTSError.shape(what: "prompt embeddings", expected: [-1, h], found: p.embeds.shape)
                }
                guard p.trailing.rank == 2, p.trailing.shape[1] == h, p.ttsPad.count == h else {
                    throw Qwen3TTSError.shape(what: "trailing text rows / TTS_PAD", expected: [-1, h], found: p.trailing.shape)
                }
                let length = p.embeds.shape[0]
                let state = talker.makeState(capacity: length + Swift.max(maxFrames[i], 0))
                let out = try talker.forward(p.embeds, state: state) // (L, hidden)
                hidden[i] = Array(UnsafeBufferPointer(start: out.pointer + (length - 1) * h, count: h))
                logits[i] = [Float](repeating: 0, count: vocab)
                hidden[i].withUnsafeBufferPointer { hb in
                    logits[i].withUnsafeMutableBufferPointer {
                        talker.stepLogits(hb.baseAddress!, rows: 1, out: $0.baseAddress!)
                    }
                }
                states[i] = state
            } catch { results[i] = .failure(error) }
        }

        let predictorState = Qwen3CodePredictorBatchState(predictor: talker.codePredictor)
        let talkerScratch = Qwen3BatchScratch(shape: talker.shape)
        var active = (0..<n).filter { results[$0] == nil }
        while !active.isEmpty {
            // Codebook 0 of every live sequence.
            var stepping: [Int] = [], firstCodes: [Int] = []
            for i in active {
                do {
                    let c0: Int, scores: [Float]
                    if settings.talker.doSample && genericSampling {
                        var s = logits[i]
                        try talkerProcessors.process(&s, history: history[i])
                        c0 = try samplers[i].sample(Logits.softmax(s))
                        scores = s
                    } else if settings.talker.doSample {
                        c0 = try logits[i].withUnsafeBufferPointer {
                            try talkerDraw.sample($0, history: history[i], sampler: &samplers[i])
                        }
                        scores = trace(i) != nil ? talkerDraw.scores : []
                    } else {
                        (c0, scores) = try SequenceStep.greedy(logits: logits[i], history: history[i], processors: talkerProcessors)
                    }
                    if let t = trace(i) {
                        t.talkerLogits.append(logits[i])
                        t.talkerScores.append(scores)
                        t.firstCodes.append(c0)
                        t.talkerHidden.append(hidden[i])
                    }
                    history[i].append(c0)
                    if c0 == eos {
                        results[i] = .success(frames[i])
                    } else if frames[i].count >= maxFrames[i] {
                        Self.log.warning("no EOS after \(frames[i].count) frames; stopping at the cap")
                        results[i] = .failure(Qwen3TTSError.frameCapReached(cap: maxFrames[i], codes: frames[i]))
                    } else {
                        stepping.append(i)
                        firstCodes.append(c0)
                    }
                } catch { results[i] = .failure(error) }
            }
            guard !stepping.isEmpty else { break }

            // Codebooks 1…G−1, all stepping sequences together.
            var failed = Set<Int>()
            var cpLogits = [[[Float]]](repeating: [], count: stepping.count)
            let rest = try withRows(stepping.map { hidden[$0] }) { hiddenRows in
                try talker.codePredictor.predictBatch(
                    hidden: hiddenRows, code0Embedding: firstCodes.map { talker.codecRow($0) },
                    state: predictorState) { b, _, row in
                        let i = stepping[b]
                        if trace(i) != nil { cpLogits[b].append(row) }
                        guard !failed.contains(b) else { return 0 } // item already failed: its frame is dropped below
                        do {
                            if settings.codePredictor.doSample && genericSampling {
                                var s = row
                                try predictorProcessors.process(&s, history: [])
                                return try samplers[i].sample(Logits.softmax(s))
                            } else if settings.codePredictor.doSample {
                                return try row.withUnsafeBufferPointer { try predictorDraw.sample($0, history: [], sampler: &samplers[i]) }
                            }
                            return try SequenceStep.greedy(logits: row, history: [], processors: predictorProcessors).token
                        } catch {
                            results[i] = .failure(error)
                            failed.insert(b)
                            return 0
                        }
                    }
            }

            // Next talker inputs and one batched talker step.
            var next: [Int] = []
            var inputs: [Float] = []
            for (b, i) in stepping.enumerated() where !failed.contains(b) {
                let frame = [firstCodes[b]] + rest[b]
                frames[i].append(frame)
                let k = frames[i].count - 1
                var row = [Float](repeating: 0, count: h)
                do {
                    try row.withUnsafeMutableBufferPointer { rb in
                        let x = rb.baseAddress!
                        try talker.frameEmbedding(frame, into: x)
                        let p = prompts[i]
                        let text = k < p.trailing.shape[0] ? p.trailing.pointer + k * h : p.ttsPad.pointer
                        for t in 0..<h { x[t] += text[t] }
                    }
                } catch {
                    results[i] = .failure(error)
                    continue
                }
                if let t = trace(i) {
                    t.codePredictorLogits.append(cpLogits[b])
                    t.stepEmbeds.append(row)
                    t.stepPositions.append(states[i]!.length)
                }
                inputs += row
                next.append(i)
            }
            guard !next.isEmpty else { break }
            var out = [Float](repeating: 0, count: next.count * h)
            var stepLogits = [Float](repeating: 0, count: next.count * vocab)
            try inputs.withUnsafeBufferPointer { ib in
                try out.withUnsafeMutableBufferPointer { ob in
                    try talker.decoder.forwardBatch(ib.baseAddress!, segments: next.map { Qwen3BatchSegment(state: states[$0]!, rows: 1) },
                                                    scratch: talkerScratch, output: ob.baseAddress!) // (B, hidden)
                    stepLogits.withUnsafeMutableBufferPointer {
                        talker.stepLogits(ob.baseAddress!, rows: next.count, out: $0.baseAddress!) // (B, vocab)
                    }
                }
            }
            for (b, i) in next.enumerated() {
                hidden[i] = Array(out[(b * h)..<((b + 1) * h)])
                logits[i] = Array(stepLogits[(b * vocab)..<((b + 1) * vocab)])
            }
            active = next
            onStep?()
        }
        return results.map { $0 ?? .failure(Qwen3TTSError.config("batch item finished without a result")) }
    }

    /// Runs `body` with stable pointers to each row.
    private func withRows<R>(_ rows: [[Float]], _ body: ([UnsafePointer<Float>]) throws -> R) rethrows -> R {
        let flat = rows.flatMap { $0 }
        let width = rows.first?.count ?? 0
        return try flat.withUnsafeBufferPointer { fb in
            try body((0..<rows.count).map { fb.baseAddress! + $0 * width })
        }
    }
}
