// The processor chain HF transformers 4.52 `GenerationMixin._get_logits_processor` builds, for the
// settings bookvox's engines use, in HF's order:
//   RepetitionPenalty → MinLength → MinNewTokens → SuppressTokens → (do_sample only:) Temperature → TopK → TopP
// Each entry is added under HF's condition (penalty ≠ 1, min_length > 0, temperature ≠ 1, top_k ≠ 0,
// top_p < 1); min_tokens_to_keep of the warpers is 1 + #eos (at least 2) with beams, else 1.
// Also the single-sequence step of `_sample` (num_beams = 1): processors on the raw logits, then
// argmax, or a draw from softmax with `do_sample`.
import Foundation

public struct GenerationSettings: Sendable, Codable, Equatable {
    public var doSample: Bool
    public var temperature: Double
    public var topK: Int
    public var topP: Double
    public var repetitionPenalty: Double
    public var numBeams: Int
    public var lengthPenalty: Double
    /// Total-length minimum (prompt included); 0 = off.
    public var minLength: Int
    /// Minimum generated tokens; 0 = off.
    public var minNewTokens: Int
    public var suppressTokens: [Int]
    public var eosTokenIds: [Int]

    public init(doSample: Bool, temperature: Double = 1, topK: Int = 0, topP: Double = 1, repetitionPenalty: Double = 1,
                numBeams: Int = 1, lengthPenalty: Double = 1, minLength: Int = 0, minNewTokens: Int = 0,
                suppressTokens: [Int] = [], eosTokenIds: [Int]) {
        self.doSample = doSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.numBeams = numBeams
        self.lengthPenalty = lengthPenalty
        self.minLength = minLength
        self.minNewTokens = minNewTokens
        self.suppressTokens = suppressTokens
        self.eosTokenIds = eosTokenIds
    }

    /// min_tokens_to_keep for the warpers.
    public var minTokensToKeep: Int { numBeams > 1 ? max(2, eosTokenIds.count + 1) : 1 }

    /// The chain for a sequence whose prompt (input_ids before generation) has `promptLength` ids.
    public func processors(promptLength: Int) throws -> LogitsProcessorList {
        var list: [any LogitsProcessor] = []
        if repetitionPenalty != 1 { list.append(try RepetitionPenalty(repetitionPenalty)) }
        if minLength > 0 && !eosTokenIds.isEmpty { list.append(MinLength(minLength, eosTokenIds: eosTokenIds)) }
        if minNewTokens > 0 && !eosTokenIds.isEmpty {
            list.append(MinNewTokens(promptLength: promptLength, minNewTokens: minNewTokens, eosTokenIds: eosTokenIds))
        }
        if !suppressTokens.isEmpty { list.append(SuppressTokens(suppressTokens)) }
        if doSample {
            if temperature != 1 { list.append(try Temperature(temperature)) }
            if topK != 0 { list.append(try TopK(topK, minTokensToKeep: minTokensToKeep)) }
            if topP < 1 { list.append(try TopP(topP, minTokensToKeep: minTokensToKeep)) }
        }
        return LogitsProcessorList(list)
    }
}

public enum SequenceStep {
    /// `_sample` with do_sample = false: processors on the raw logits, then torch.argmax.
    public static func greedy(logits: [Float], history: [Int], processors: LogitsProcessorList) throws -> (token: Int, scores: [Float]) {
        var s = logits
        try processors.process(&s, history: history)
        return (Logits.argmax(s), s)
    }

    /// `_sample` with do_sample = true: processors, softmax, one draw.
    public static func sample(logits: [Float], history: [Int], processors: LogitsProcessorList,
                              sampler: inout some TokenSampler) throws -> (token: Int, probabilities: [Float]) {
        var s = logits
        try processors.process(&s, history: history)
        let p = Logits.softmax(s)
        return (try sampler.sample(p), p)
    }
}

/// For deterministic beam search (`doSample == false`), where no draw is ever made.
public struct NoSampling: TokenSampler {
    public init() {}
    public mutating func sample(_ probabilities: [Float]) throws -> Int {
        throw SamplingError.invalidParameter("a token draw was requested but sampling is disabled (do_sample = false)")
    }
    public mutating func sampleWithoutReplacement(_ probabilities: [Float], count: Int) throws -> [Int] {
        throw SamplingError.invalidParameter("a token draw was requested but sampling is disabled (do_sample = false)")
    }
}
