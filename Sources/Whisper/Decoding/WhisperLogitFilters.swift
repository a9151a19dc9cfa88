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
                WhisperMath.mask(&logits, timestampBegin..<v) // has to be non-timestamp
            } else {
                WhisperMath.mask(&logits, 0..<eot) // cannot be normal text tokens
            }
        }
        let timestamps = sampled.filter { $0 >= timestampBegin }
        if let last = timestamps.last {
            // Timestamps never decrease; a segment after a pair has nonzero length.
            let timestampLast = (lastWasTimestamp && !penultimateWasTimestamp) ? last : last + 1
            if timestampLast > timestampBegin { WhisperMath.mask(&logits, timestampBegin..<min(timestampLast, v)) }
        }
        if tokens.count == sampleBegin {
            WhisperMath.mask(&logits, 0..<timestampBegin) // start with a timestamp
            if let m = maxInitialTimestampIndex {
                let lastAllowed = timestampBegin + m
                if lastAllowed + 1 < v { WhisperMath.mask(&logits, (lastAllowed + 1)..<v) }
            }
        }
        // If the timestamps together are likelier than any single text token, sample a timestamp. The log-softmax
        // values (x − max) − log Σ exp(x − max) are formed on the fly, in the order torch forms them.
        let suppressText = logits.withUnsafeBufferPointer { p -> Bool in
            let m = WhisperMath.max(p)
            guard m > -.infinity else { return false }
            let logSum = Float(log(WhisperMath.sumExp(p, minus: m)))
            let text = UnsafeBufferPointer(rebasing: p[..<timestampBegin]), stamps = UnsafeBufferPointer(rebasing: p[timestampBegin...])
            // The map x ↦ (x − m) − logSum is monotonic, so the max of the log-probabilities is the map of the max.
            let maxText = text.isEmpty ? -Float.infinity : (WhisperMath.max(text) - m) - logSum
            let m2 = stamps.isEmpty ? -Float.infinity : (WhisperMath.max(stamps) - m) - logSum
            guard m2 > -.infinity else { return false }
            var s = 0.0
            var i = 0
            while i < stamps.count { s += Double(expf(((stamps[i] - m) - logSum) - m2)); i += 1 }
            return m2 + Float(log(s)) > maxText
        }
        if suppressText { WhisperMath.mask(&logits, 0..<timestampBegin) }
    }
}
