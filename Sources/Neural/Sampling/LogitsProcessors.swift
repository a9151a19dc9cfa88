// Logits processors with the semantics of HF transformers 4.52 (generation/logits_process.py),
// applied to one row of scores (one sequence or one beam) at a time, in Float32 like torch on CPU.
//
// Quirks kept on purpose:
//   * RepetitionPenalty gathers over every id in the history (prompt included) and scatters back,
//     so each distinct id is penalised once: s < 0 ? s·p : s/p.
//   * TopK removes scores strictly below the k-th largest (ties with it survive); k = max(k, min_keep).
//   * TopP sorts ascending, takes the cumulative softmax (accumulated in Double like torch's CPU
//     cumsum) and removes entries with cum ≤ 1 − top_p, never the last `min_tokens_to_keep`;
//     the threshold is compared in Float32 (torch casts the Python scalar to the tensor dtype).
//   * filter values are −∞.
import Foundation

public enum SamplingError: Error, CustomStringConvertible {
    case tokenOutOfRange(token: Int, vocab: Int, processor: String)
    case invalidParameter(String)
    case noCandidates(String)

    public var description: String {
        switch self {
        case let .tokenOutOfRange(t, v, p): return "\(p): token id \(t) in the history is outside the vocabulary of \(v)"
        case let .invalidParameter(s): return "invalid sampling parameter: \(s)"
        case let .noCandidates(s): return "no token can be chosen: \(s)"
        }
    }
}

/// One step of the processor chain on one row. `history` is the row's input_ids (prompt + generated).
public protocol LogitsProcessor: Sendable {
    var name: String { get }
    func process(_ scores: inout [Float], history: [Int]) throws
}

/// HF `RepetitionPenaltyLogitsProcessor(penalty)`.
public struct RepetitionPenalty: LogitsProcessor {
    public let penalty: Float
    public var name: String { "RepetitionPenalty(\(penalty))" }
    public init(_ penalty: Double) throws {
        guard penalty > 0 else { throw SamplingError.invalidParameter("repetition penalty must be > 0, got \(penalty)") }
        self.penalty = Float(penalty)
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        var seen = Set<Int>()
        for id in history where seen.insert(id).inserted {
            guard id >= 0 && id < scores.count else { throw SamplingError.tokenOutOfRange(token: id, vocab: scores.count, processor: name) }
            let s = scores[id]
            scores[id] = s < 0 ? s * penalty : s / penalty
        }
    }
}

/// HF `TemperatureLogitsWarper(temperature)`: scores / t.
public struct Temperature: LogitsProcessor {
    public let temperature: Float
    public var name: String { "Temperature(\(temperature))" }
    public init(_ temperature: Double) throws {
        guard temperature > 0 else { throw SamplingError.invalidParameter("temperature must be > 0, got \(temperature)") }
        self.temperature = Float(temperature)
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        for i in scores.indices { scores[i] = scores[i] / temperature }
    }
}

/// HF `TopKLogitsWarper(top_k, min_tokens_to_keep)`.
public struct TopK: LogitsProcessor {
    public let k: Int
    public var name: String { "TopK(\(k))" }
    public init(_ k: Int, minTokensToKeep: Int = 1) throws {
        guard k > 0 else { throw SamplingError.invalidParameter("top_k must be a positive integer, got \(k)") }
        self.k = max(k, minTokensToKeep)
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        let k = min(self.k, scores.count)
        guard k > 0 else { return }
        let threshold = Logits.kthLargest(scores, k)
        for i in scores.indices where scores[i] < threshold { scores[i] = -.infinity }
    }
}

/// HF `TopPLogitsWarper(top_p, min_tokens_to_keep)`.
public struct TopP: LogitsProcessor {
    public let topP: Double
    public let minTokensToKeep: Int
    public var name: String { "TopP(\(topP))" }
    public init(_ topP: Double, minTokensToKeep: Int = 1) throws {
        guard topP >= 0 && topP <= 1 else { throw SamplingError.invalidParameter("top_p must be in [0, 1], got \(topP)") }
        guard minTokensToKeep >= 1 else { throw SamplingError.invalidParameter("min_tokens_to_keep must be ≥ 1") }
        self.topP = topP
        self.minTokensToKeep = minTokensToKeep
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        let n = scores.count
        // Ascending order; equal scores keep index order (torch's stable CPU sort).
        let order = scores.indices.sorted { scores[$0] < scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let sorted = order.map { scores[$0] }
        let probs = Logits.softmax(sorted)
        let threshold = Float(1 - topP)
        var cum = 0.0
        var remove = [Bool](repeating: false, count: n)
        for j in 0..<n {
            cum += Double(probs[j])
            remove[j] = Float(cum) <= threshold
        }
        for j in max(0, n - minTokensToKeep)..<n { remove[j] = false }
        for j in 0..<n where remove[j] { scores[order[j]] = -.infinity }
    }
}

/// HF `SuppressTokensLogitsProcessor(suppress_tokens)`: those ids → −∞ at every step.
public struct SuppressTokens: LogitsProcessor {
    public let tokens: [Int]
    public var name: String { "SuppressTokens(\(tokens.count) ids)" }
    public init(_ tokens: [Int]) { self.tokens = tokens }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        for t in tokens where t >= 0 && t < scores.count { scores[t] = -.infinity }
    }
}

/// HF `MinLengthLogitsProcessor(min_length, eos_token_id)`: EOS → −∞ while len(history) < min_length
/// (the length counts the prompt ids too).
public struct MinLength: LogitsProcessor {
    public let minLength: Int
    public let eosTokenIds: [Int]
    public var name: String { "MinLength(\(minLength))" }
    public init(_ minLength: Int, eosTokenIds: [Int]) {
        self.minLength = minLength
        self.eosTokenIds = eosTokenIds
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        guard history.count < minLength else { return }
        for e in eosTokenIds where e >= 0 && e < scores.count { scores[e] = -.infinity }
    }
}

/// HF `MinNewTokensLengthLogitsProcessor(prompt_length_to_skip, min_new_tokens, eos_token_id)`:
/// EOS → −∞ while len(history) − promptLength < minNewTokens.
public struct MinNewTokens: LogitsProcessor {
    public let promptLength: Int
    public let minNewTokens: Int
    public let eosTokenIds: [Int]
    public var name: String { "MinNewTokens(\(minNewTokens))" }
    public init(promptLength: Int, minNewTokens: Int, eosTokenIds: [Int]) {
        self.promptLength = promptLength
        self.minNewTokens = minNewTokens
        self.eosTokenIds = eosTokenIds
    }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        guard history.count - promptLength < minNewTokens else { return }
        for e in eosTokenIds where e >= 0 && e < scores.count { scores[e] = -.infinity }
    }
}

/// An ordered chain of processors, applied row by row.
public struct LogitsProcessorList: Sendable {
    public var processors: [any LogitsProcessor]
    public init(_ processors: [any LogitsProcessor] = []) { self.processors = processors }

    public var isEmpty: Bool { processors.isEmpty }

    public func process(_ scores: inout [Float], history: [Int]) throws {
        for p in processors { try p.process(&scores, history: history) }
    }

    /// Runs the chain and returns the scores after every processor (for parity checks).
    public func trace(_ scores: [Float], history: [Int]) throws -> [[Float]] {
        var s = scores
        var out: [[Float]] = []
        for p in processors {
            try p.process(&s, history: history)
            out.append(s)
        }
        return out
    }
}
