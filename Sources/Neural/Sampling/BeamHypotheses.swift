// Finished-hypothesis bookkeeping of HF transformers 4.52 beam search
// (generation/beam_search.py: BeamHypotheses and BeamSearchScorer.process/finalize), batch size 1.
// Scores are Python floats (Double); candidate scores arrive as Float32 like torch's `.item()` of a
// float tensor, and the returned sequence score is stored back as Float32.
import Foundation

/// HF `early_stopping`: `true` stops as soon as `num_beams` hypotheses exist; `false` (the default)
/// stops when the best running candidate cannot beat the worst kept hypothesis at the current length;
/// `never` uses the best attainable score at `max_length` when `length_penalty > 0`.
public enum EarlyStopping: Sendable { case heuristic, onFull, never }

public struct BeamHypothesis: Sendable {
    public let score: Double
    /// prompt + generated tokens, without the EOS that closed it.
    public let tokens: [Int]
    /// The beam row chosen at every step (HF `beam_indices`).
    public let beamIndices: [Int]
}

public struct BeamHypotheses: Sendable {
    public let numBeams: Int
    public let lengthPenalty: Double
    public let earlyStopping: EarlyStopping
    public let maxLength: Int?
    public private(set) var beams: [BeamHypothesis] = []
    public private(set) var worstScore: Double = 1e9

    public init(numBeams: Int, lengthPenalty: Double, earlyStopping: EarlyStopping, maxLength: Int?) {
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.maxLength = maxLength
    }

    public var count: Int { beams.count }

    /// score = sumLogprobs / generatedLength^lengthPenalty; keeps the best `numBeams`.
    public mutating func add(tokens: [Int], sumLogprobs: Double, beamIndices: [Int], generatedLength: Int) {
        let score = sumLogprobs / Foundation.pow(Double(generatedLength), lengthPenalty)
        guard beams.count < numBeams || score > worstScore else { return }
        beams.append(BeamHypothesis(score: score, tokens: tokens, beamIndices: beamIndices))
        if beams.count > numBeams {
            // Python: sorted([(s, idx)]) — ascending score, ties by position; drop the first.
            let order = beams.indices.sorted { (beams[$0].score, $0) < (beams[$1].score, $1) }
            let secondWorst = beams[order[1]].score
            beams.remove(at: order[0])
            worstScore = secondWorst
        } else {
            worstScore = min(score, worstScore)
        }
    }

    public func isDone(bestSumLogprobs: Double, currentLength: Int, promptLength: Int) -> Bool {
        guard beams.count >= numBeams else { return false }
        switch earlyStopping {
        case .onFull:
            return true
        case .heuristic:
            return worstScore >= bestSumLogprobs / Foundation.pow(Double(currentLength - promptLength), lengthPenalty)
        case .never:
            let denominator: Double
            if lengthPenalty > 0, let maxLength {
                denominator = Foundation.pow(Double(maxLength - promptLength), lengthPenalty)
            } else {
                denominator = Foundation.pow(Double(currentLength - promptLength), lengthPenalty)
            }
            return worstScore >= bestSumLogprobs / denominator
        }
    }

    /// The best hypothesis: Python's stable ascending sort then pop(), so among equal scores the
    /// one added last wins.
    public var best: BeamHypothesis? {
        beams.indices.max { (beams[$0].score, $0) < (beams[$1].score, $1) }.map { beams[$0] }
    }
}
