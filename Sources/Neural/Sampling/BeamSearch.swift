// Beam search and beam sampling as HF transformers 4.52 `_beam_search` runs them (the loop vendored
// in IndexTTS2's transformers_generation_utils.py), batch size 1. One `step` per model call:
//   1. scores = log_softmax(logits) per beam row (Float32);
//   2. the processors run on each row with that row's history (repetition penalty sees the prompt);
//   3. + running beam score of the row; flatten to (num_beams · V);
//   4. n = max(2, 1 + #eos) · num_beams candidates: topk (greedy beams), or — with `do_sample` —
//      `sampler.sampleWithoutReplacement(softmax(flat), n)` with the candidates then sorted by score,
//      descending (torch.multinomial + gather + sort);
//   5. candidate → (beam = idx / V, token = idx % V); BeamSearchScorer.process: walking the candidates
//      in order, an EOS ranked < num_beams closes a hypothesis (EOS at rank ≥ num_beams is skipped),
//      other tokens fill the next beams until num_beams are chosen;
//   6. histories are reordered by the chosen beams and extended (the caller reorders its KV cache
//      with `BeamStep.sourceBeams`).
// Initial beam scores are [0, −1e9, …] so the first step only expands beam 0.
// When sampling leaves fewer than n positive-probability candidates (torch then fills the list with
// zero-probability entries in an unspecified tie order), the rest are the highest-scoring remaining
// entries, in score order.
import Foundation

public struct BeamSearchConfig: Sendable {
    public var numBeams: Int
    public var lengthPenalty: Double
    public var earlyStopping: EarlyStopping
    public var eosTokenIds: [Int]
    public var padTokenId: Int
    /// Total length limit, prompt included (HF `max_length`).
    public var maxLength: Int
    public var doSample: Bool

    public init(numBeams: Int, lengthPenalty: Double = 1.0, earlyStopping: EarlyStopping = .heuristic,
                eosTokenIds: [Int], padTokenId: Int, maxLength: Int, doSample: Bool) {
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.eosTokenIds = eosTokenIds
        self.padTokenId = padTokenId
        self.maxLength = maxLength
        self.doSample = doSample
    }

    /// Candidates kept per step: max(2, 1 + #eos) · num_beams.
    public var candidatesPerStep: Int { max(2, 1 + eosTokenIds.count) * numBeams }
}

/// What one step chose, plus its intermediates.
public struct BeamStep: Sendable {
    /// For each new beam, the old beam row it continues (reorder the KV cache with this).
    public let sourceBeams: [Int]
    /// The token appended to each new beam.
    public let tokens: [Int]
    /// Per old beam: log_softmax + processors, before the beam score is added (HF `scores`).
    public let processedScores: [[Float]]
    /// The candidates (flat index scores, descending) and their flat indices.
    public let candidateScores: [Float]
    public let candidateIndices: [Int]
}

public struct BeamSearchResult: Sendable {
    /// prompt + generated tokens (+ EOS when it fits under max_length), as HF `sequences`.
    public let sequence: [Int]
    public let generated: [Int]
    /// HF `sequences_scores` (Float32).
    public let score: Float
    /// The beam row per generation step (HF `beam_indices`, without the −1 padding).
    public let beamIndices: [Int]
}

public struct BeamSearch: Sendable {
    public let config: BeamSearchConfig
    public let promptLength: Int
    public private(set) var histories: [[Int]]
    public private(set) var beamScores: [Float]
    public private(set) var beamIndices: [[Int]]
    public private(set) var hypotheses: BeamHypotheses
    /// The scorer's `_done` flag.
    public private(set) var isDone = false

    public init(prompt: [Int], config: BeamSearchConfig) throws {
        guard config.numBeams > 1 else { throw SamplingError.invalidParameter("beam search needs num_beams > 1, got \(config.numBeams)") }
        self.config = config
        promptLength = prompt.count
        histories = Array(repeating: prompt, count: config.numBeams)
        beamScores = [0] + Array(repeating: -1e9, count: config.numBeams - 1)
        beamIndices = Array(repeating: [], count: config.numBeams)
        hypotheses = BeamHypotheses(numBeams: config.numBeams, lengthPenalty: config.lengthPenalty,
                                    earlyStopping: config.earlyStopping, maxLength: config.maxLength)
    }

    /// True once the scorer is done or the sequences reached `maxLength` (HF's loop condition).
    public var isFinished: Bool { isDone || (histories.first?.count ?? 0) >= config.maxLength }

    public mutating func step(logits: [[Float]], processors: LogitsProcessorList, sampler: inout some TokenSampler) throws -> BeamStep {
        guard logits.count == config.numBeams, let vocab = logits.first?.count, logits.allSatisfy({ $0.count == vocab }) else {
            throw SamplingError.invalidParameter("expected \(config.numBeams) logit rows of equal length, got \(logits.map(\.count))")
        }
        var processed: [[Float]] = []
        var flat: [Float] = []
        flat.reserveCapacity(vocab * config.numBeams)
        for b in 0..<config.numBeams {
            var s = Logits.logSoftmax(logits[b])
            try processors.process(&s, history: histories[b])
            processed.append(s)
            let bs = beamScores[b]
            flat.append(contentsOf: s.map { $0 + bs })
        }
        let n = config.candidatesPerStep
        var indices: [Int]
        if config.doSample {
            indices = try sampler.sampleWithoutReplacement(Logits.softmax(flat), count: n)
            if indices.count < n {
                let chosen = Set(indices)
                let rest = flat.indices.filter { !chosen.contains($0) }
                    .sorted { flat[$0] > flat[$1] || (flat[$0] == flat[$1] && $0 < $1) }
                indices += rest.prefix(n - indices.count)
            }
            // gather, then sort by score descending (ties keep draw order).
            indices = indices.enumerated().sorted { (a, b) in
                flat[a.element] > flat[b.element] || (flat[a.element] == flat[b.element] && a.offset < b.offset)
            }.map(\.element)
        } else {
            indices = Logits.topK(flat, n).indices
        }
        let scores = indices.map { flat[$0] }
        let (nextScores, nextTokens, nextBeams) = try process(scores: scores, tokens: indices.map { $0 % vocab },
                                                              beams: indices.map { $0 / vocab })
        let oldIndices = beamIndices
        histories = zip(nextBeams, nextTokens).map { histories[$0] + [$1] }
        beamIndices = nextBeams.map { oldIndices[$0] + [$0] }
        beamScores = nextScores
        return BeamStep(sourceBeams: nextBeams, tokens: nextTokens, processedScores: processed,
                        candidateScores: scores, candidateIndices: indices)
    }

    /// BeamSearchScorer.process for batch 1.
    private mutating func process(scores: [Float], tokens: [Int], beams: [Int]) throws -> ([Float], [Int], [Int]) {
        let k = config.numBeams
        if isDone {
            return (Array(repeating: 0, count: k), Array(repeating: config.padTokenId, count: k), Array(repeating: 0, count: k))
        }
        let currentLength = histories[0].count + 1
        var nextScores: [Float] = [], nextTokens: [Int] = [], nextBeams: [Int] = []
        for rank in scores.indices {
            if config.eosTokenIds.contains(tokens[rank]) {
                if rank >= k { continue }
                hypotheses.add(tokens: histories[beams[rank]], sumLogprobs: Double(scores[rank]),
                               beamIndices: beamIndices[beams[rank]] + [beams[rank]],
                               generatedLength: currentLength - promptLength)
            } else {
                nextScores.append(scores[rank]); nextTokens.append(tokens[rank]); nextBeams.append(beams[rank])
            }
            if nextScores.count == k { break }
        }
        guard nextScores.count == k else {
            throw SamplingError.noCandidates("at most \(k) of the candidates \(tokens) may be EOS \(config.eosTokenIds)")
        }
        let best = Double(scores.max() ?? -.infinity)
        isDone = isDone || hypotheses.isDone(bestSumLogprobs: best, currentLength: currentLength, promptLength: promptLength)
        return (nextScores, nextTokens, nextBeams)
    }

    /// BeamSearchScorer.finalize for one returned sequence.
    public func finalize() throws -> BeamSearchResult {
        var hyps = hypotheses
        if !isDone {
            for b in 0..<config.numBeams {
                hyps.add(tokens: histories[b], sumLogprobs: Double(beamScores[b]), beamIndices: beamIndices[b],
                         generatedLength: histories[b].count - promptLength)
            }
        }
        guard let best = hyps.best else { throw SamplingError.noCandidates("beam search produced no hypothesis") }
        var sequence = best.tokens
        let maxLen = min(best.tokens.count + 1, config.maxLength)
        if sequence.count < maxLen, let eos = config.eosTokenIds.first { sequence.append(eos) }
        return BeamSearchResult(sequence: sequence, generated: Array(sequence.dropFirst(promptLength)),
                                score: Float(best.score), beamIndices: best.beamIndices)
    }
}
