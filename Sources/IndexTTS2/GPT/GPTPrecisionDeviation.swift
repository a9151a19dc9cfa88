// How far `--precision fast` moves the IndexTTS2 GPT's decode steps from exact (docs/precision.md).
// Teacher-forced: the exact and the fast model prefill the same rows (fp32 in both modes, so their caches agree),
// then step in lockstep, both fed the same codes each step (chosen by the caller from the exact logits, or a
// recorded reference), so errors do not compound. Per decode-step row (each beam of each step): relative L2 error
// ‖fast − exact‖ / ‖exact‖ and cosine of the hidden state entering mel_head (final_norm(ln_f(h))) and of the logits,
// and whether the logits' argmax and top-k index set are unchanged.
import Foundation
import Neural
import Tensors

public struct GPTDeviationStage: Codable, Sendable, Equatable {
    public var name: String
    public var maxRelativeError: Double
    public var meanRelativeError: Double
    public var minCosine: Double
    /// Fractions of rows whose argmax / top-k set is unchanged (logits only).
    public var argmaxSame: Double?
    public var topKSame: Double?
    public var topK: Int?
    /// Decode-step rows compared (steps × beams).
    public var rows: Int
}

public enum GPTPrecisionDeviation {
    /// The parts of one model the decode loop uses.
    struct Model {
        let gpt: GPT2Model
        let heads: UnifiedVoiceHeads
        let embeddings: UnifiedVoiceEmbeddings
    }

    /// Prefills `prefixRows` ((P + 1, D): the prefix and start_mel at mel position 0) in both models, then runs
    /// decode steps of `beams` rows: `next(step, exactLogits)` gives the codes (one per beam) fed to both at mel
    /// position step + 2 (as the generation loop places the k-th code), or nil to stop.
    static func measure(exact: Model, fast: Model, prefixRows: Tensor, beams: Int, topK: Int,
                        next: (Int, [Float]) throws -> [Int]?) throws -> [GPTDeviationStage] {
        let d = exact.gpt.shape.hidden, v = exact.heads.vocab
        var hidden = Accumulator(), logits = Accumulator()
        var states: [GPT2State] = []
        var lastExact: [Float] = []
        for m in [exact, fast] {
            let state = m.gpt.makeState(batch: beams, capacity: prefixRows.shape[0] + m.embeddings.melPositions.count)
            var x = prefixRows
            var out = [Float](repeating: 0, count: v)
            try x.withUnsafeMutableBufferPointer { xb in
                let rows = prefixRows.shape[0]
                try m.gpt.forward(xb.baseAddress!, sequences: 1, rows: rows, state: state)
                let last = xb.baseAddress! + (rows - 1) * d
                m.gpt.finalLayerNorm(last, rows: 1, out: last)
                m.heads.finalNorm(last, rows: 1, out: last)
                out.withUnsafeMutableBufferPointer { m.heads.melLogits(last, rows: 1, out: $0.baseAddress!) }
            }
            states.append(state)
            if lastExact.isEmpty { lastExact = Array(repeating: out, count: beams).flatMap { $0 } }
        }
        var step = 0
        while let codes = try next(step, lastExact) {
            guard codes.count == beams else { throw GPTError.badInput("\(codes.count) codes for \(beams) beams") }
            guard states[0].length < states[0].capacity else { break }
            var outs: [([Float], [Float])] = []
            for (i, m) in [exact, fast].enumerated() {
                var x = [Float](repeating: 0, count: beams * d), out = [Float](repeating: 0, count: beams * v)
                try x.withUnsafeMutableBufferPointer { xb in
                    for b in 0..<beams { try m.embeddings.melRow(codes[b], position: step + 2, into: xb.baseAddress! + b * d) }
                    try m.gpt.forward(xb.baseAddress!, sequences: beams, rows: 1, state: states[i])
                    m.gpt.finalLayerNorm(xb.baseAddress!, rows: beams, out: xb.baseAddress!)
                    m.heads.finalNorm(xb.baseAddress!, rows: beams, out: xb.baseAddress!)
                    out.withUnsafeMutableBufferPointer { m.heads.melLogits(xb.baseAddress!, rows: beams, out: $0.baseAddress!, decodeStep: true) }
                }
                outs.append((x, out))
            }
            for b in 0..<beams {
                hidden.add(Array(outs[0].0[b * d..<(b + 1) * d]), Array(outs[1].0[b * d..<(b + 1) * d]), topK: nil)
                logits.add(Array(outs[0].1[b * v..<(b + 1) * v]), Array(outs[1].1[b * v..<(b + 1) * v]), topK: topK)
            }
            lastExact = outs[0].1
            step += 1
        }
        return [hidden.stage("GPT hidden (final_norm output)"), logits.stage("GPT logits (mel_head)", topK: topK)]
    }

    /// Teacher-forced deviation of `fast` (UnifiedVoiceGPT.reduced) from `exact` on one sequence fed `codes`
    /// (batch 1, as the greedy loop runs it): the parity cases' recorded codes.
    public static func measure(exact: UnifiedVoiceGPT, fast: UnifiedVoiceGPT, prefix: GPTPrefix, codes: [Int],
                               topK: Int) throws -> [GPTDeviationStage] {
        let rows = Tensor.concat([prefix.embeddings, try exact.embeddings.melWithPositions([exact.config.startMelToken], positions: [0])],
                                 axis: 0) // (P + 1, D)
        return try measure(exact: exact.parts, fast: fast.parts, prefixRows: rows, beams: 1, topK: topK) { step, _ in
            step < codes.count ? [codes[step]] : nil
        }
    }

    /// Teacher-forced 3-beam decode steps after `prefix` (how infer_v2 decodes): the beams are fed the exact
    /// model's top-3 codes of the prompt, then each beam its own exact argmax, for `steps` steps.
    public static func measureBeams(exact: UnifiedVoiceGPT, fast: UnifiedVoiceGPT, prefix: GPTPrefix, steps: Int,
                                    topK: Int) throws -> [GPTDeviationStage] {
        let rows = Tensor.concat([prefix.embeddings, try exact.embeddings.melWithPositions([exact.config.startMelToken], positions: [0])],
                                 axis: 0) // (P + 1, D)
        return try measure(exact: exact.parts, fast: fast.parts, prefixRows: rows, beams: 3, topK: topK,
                           next: beamReference(vocab: exact.vocab, steps: steps))
    }

    /// The codes of the 3-beam measurement: the top 3 of the shared prompt's logits, then each beam's argmax.
    static func beamReference(vocab v: Int, steps: Int) -> (Int, [Float]) -> [Int]? {
        { step, logits in
            guard step < steps else { return nil }
            if step == 0 { return Accumulator.top(Array(logits[0..<v]), 3) }
            return (0..<3).map { Logits.argmax(Array(logits[$0 * v..<($0 + 1) * v])) }
        }
    }

    struct Accumulator {
        var maxRel = 0.0, sumRel = 0.0, minCos = 1.0, argmaxSame = 0, topKSame = 0, count = 0

        mutating func add(_ e: [Float], _ f: [Float], topK: Int?) {
            var diff = 0.0, ee = 0.0, ff = 0.0, ef = 0.0
            for i in 0..<e.count {
                let a = Double(e[i]), b = Double(f[i])
                diff += (b - a) * (b - a)
                ee += a * a
                ff += b * b
                ef += a * b
            }
            let rel = (diff / max(ee, 1e-300)).squareRoot()
            maxRel = max(maxRel, rel)
            sumRel += rel
            minCos = min(minCos, ef / max((ee * ff).squareRoot(), 1e-300))
            if let k = topK {
                if Logits.argmax(e) == Logits.argmax(f) { argmaxSame += 1 }
                if Set(Self.top(e, k)) == Set(Self.top(f, k)) { topKSame += 1 }
            }
            count += 1
        }

        static func top(_ x: [Float], _ k: Int) -> [Int] {
            Array(x.indices.sorted { x[$0] != x[$1] ? x[$0] > x[$1] : $0 < $1 }.prefix(k))
        }

        func stage(_ name: String, topK: Int? = nil) -> GPTDeviationStage {
            let n = Double(max(count, 1))
            return GPTDeviationStage(name: name, maxRelativeError: maxRel, meanRelativeError: sumRel / n, minCosine: minCos,
                                     argmaxSame: topK == nil ? nil : Double(argmaxSame) / n,
                                     topKSame: topK == nil ? nil : Double(topKSame) / n, topK: topK, rows: count)
        }
    }
}

extension UnifiedVoiceGPT {
    var parts: GPTPrecisionDeviation.Model { GPTPrecisionDeviation.Model(gpt: gpt, heads: heads, embeddings: embeddings) }
}
