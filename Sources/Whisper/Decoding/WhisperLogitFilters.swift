// openai-whisper decoding.py logit filters, applied in this order to the last position's logits:
//   SuppressBlank      at the first sampled position: encode(" ") and <|endoftext|> → −∞;
//   SuppressTokens     the suppress list → −∞;
//   ApplyTimestampRules  <|notimestamps|> → −∞; timestamps in pairs (after a pair only text, after a lone
//     timestamp only timestamps or EOT); timestamps never decrease and a segment has nonzero length; the first
//     sampled token is a timestamp ≤ max_initial_timestamp; if the timestamps' total probability exceeds every
//     single text token's, only timestamps remain.
import Foundation

protocol WhisperLogitFilter: Sendable {
    /// logits of the next position; tokens = every token so far (initial tokens included).
    func apply(_ logits: inout [Float], tokens: [Int])
}

struct SuppressBlank: WhisperLogitFilter {
    let blank: [Int]
    let sampleBegin: Int

    func apply(_ logits: inout [Float], tokens: [Int]) {
        if tokens.count == sampleBegin { for t in blank { logits[t] = -.infinity } }
    }
}

struct SuppressTokens: WhisperLogitFilter {
    let ids: [Int]

    func apply(_ logits: inout [Float], tokens: [Int]) {
        for t in ids where t < logits.count { logits[t] = -.infinity }
    }
}

struct ApplyTimestampRules: WhisperLogitFilter {
    let eot: Int
    let noTimestamps: Int
    let timestampBegin: Int
    let sampleBegin: Int
    let maxInitialTimestampIndex: Int?

    func apply(_ logits: inout [Float], tokens: [Int]) {
        let v = logits.count
        logits[noTimestamps] = -.infinity
        let sampled = Array(tokens[sampleBegin...])
        let lastWasTimestamp = sampled.count >= 1 && sampled[sampled.count - 1] >= timestampBegin
        let penultimateWasTimestamp = sampled.count < 2 || sampled[sampled.count - 2] >= timestampBegin
        if lastWasTimestamp {
            if penultimateWasTimestamp {
                for i in timestampBegin..<v { logits[i] = -.infinity } // has to be non-timestamp
            } else {
                for i in 0..<eot { logits[i] = -.infinity } // cannot be normal text tokens
            }
        }
        let timestamps = sampled.filter { $0 >= timestampBegin }
        if let last = timestamps.last {
            // Timestamps never decrease; a segment after a pair has nonzero length.
            let timestampLast = (lastWasTimestamp && !penultimateWasTimestamp) ? last : last + 1
            if timestampLast > timestampBegin { for i in timestampBegin..<min(timestampLast, v) { logits[i] = -.infinity } }
        }
        if tokens.count == sampleBegin {
            for i in 0..<timestampBegin { logits[i] = -.infinity } // start with a timestamp
            if let m = maxInitialTimestampIndex {
                let lastAllowed = timestampBegin + m
                if lastAllowed + 1 < v { for i in (lastAllowed + 1)..<v { logits[i] = -.infinity } }
            }
        }
        // If the timestamps together are likelier than any single text token, sample a timestamp.
        let logprobs = WhisperMath.logSoftmax(logits)
        let timestampLogprob = WhisperMath.logSumExp(logprobs[timestampBegin...])
        let maxTextLogprob = logprobs[..<timestampBegin].max() ?? -.infinity
        if timestampLogprob > maxTextLogprob {
            for i in 0..<timestampBegin { logits[i] = -.infinity }
        }
    }
}
