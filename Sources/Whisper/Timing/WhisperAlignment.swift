// openai-whisper timing.py find_alignment: word timings of `textTokens` in one window.
//   tokens = sot_sequence + <|notimestamps|> + text + <|endoftext|> through the decoder (one pass) over the
//   window's audio features; token probabilities = softmax over ids < eot of the logits from the sot sequence on;
//   the alignment heads' cross-attention scores (pre-softmax q·kᵀ/√d) cut to num_frames/2 audio positions →
//   softmax over time → standardized over tokens (std_mean, biased) → median filter (width 7) over time → mean
//   over heads → rows of <|notimestamps|> and the text tokens → DTW of −matrix → the frame where each token row
//   starts; words from split_to_word_tokens, start/end = the jump times at the word boundaries (÷ 50 per s),
//   probability = mean of the word's token probabilities.
import Foundation
import Tensors

public struct WhisperWordTiming: Sendable, Equatable {
    public var word: String
    public var tokens: [Int]
    public var start: Double
    public var end: Double
    public var probability: Double
}

/// Intermediate values of one alignment (exposed for parity checks).
public struct WhisperAlignmentTrace: Sendable {
    public var dtwInput: [Double] // −matrix (N, M)
    public var rows: Int
    public var columns: Int
    public var textIndices: [Int]
    public var timeIndices: [Int]
}

extension WhisperModel {
    func findAlignment(textTokens: [Int], audioFeatures: Tensor, numFrames: Int, sotSequence: [Int], language: String?,
                       trace: ((WhisperAlignmentTrace) -> Void)? = nil) throws -> [WhisperWordTiming] {
        if textTokens.isEmpty { return [] }
        let tok = tokenizer
        let tokens = sotSequence + [tok.noTimestamps] + textTokens + [tok.eot]
        var byLayer: [Int: [Int]] = [:]
        for h in alignmentHeads { byLayer[h.layer, default: []].append(h.head) }
        let state = decoder.makeState(audioFeatures: audioFeatures)
        let (hidden, scores) = try decoder.forward(tokens, state: state, alignmentHeads: byLayer)

        // Probabilities of the text tokens (softmax over ids below <|endoftext|>).
        var probs: [Double] = []
        for (k, t) in textTokens.enumerated() {
            let row = decoder.logitsRow(hidden, row: sotSequence.count + k)
            probs.append(Double(WhisperMath.softmax(Array(row[..<tok.eot]))[t]))
        }

        let nTok = tokens.count
        let frames = min(numFrames / 2, config.maxSourcePositions)
        guard frames > 0 else { return [] }
        var matrix = [Float](repeating: 0, count: nTok * frames) // mean over heads
        for h in alignmentHeads {
            let qk = scores[[h.layer, h.head]]! // (nTok, S)
            let s = qk.shape[1]
            var w = [Float](repeating: 0, count: nTok * frames) // (tokens, frames)
            qk.withUnsafeBufferPointer { p in
                for r in 0..<nTok {
                    let sm = WhisperMath.softmax(Array(p[(r * s)..<(r * s + frames)]))
                    for c in 0..<frames { w[r * frames + c] = sm[c] }
                }
            }
            // standardize over tokens (torch.std_mean, unbiased=False)
            for c in 0..<frames {
                var mean = 0.0
                for r in 0..<nTok { mean += Double(w[r * frames + c]) }
                mean /= Double(nTok)
                var v = 0.0
                for r in 0..<nTok { let d = Double(w[r * frames + c]) - mean; v += d * d }
                let std = Float((v / Double(nTok)).squareRoot())
                let m = Float(mean)
                for r in 0..<nTok { w[r * frames + c] = (w[r * frames + c] - m) / std }
            }
            w = WhisperDTW.medianFilter(w, rowLength: frames, width: config.medianFilterWidth)
            for i in matrix.indices { matrix[i] += w[i] }
        }
        let heads = Float(alignmentHeads.count)
        for i in matrix.indices { matrix[i] /= heads }
        // rows sot_sequence.count ..< nTok − 1
        let first = sotSequence.count, rows = nTok - 1 - first
        var x = [Double](repeating: 0, count: rows * frames)
        for r in 0..<rows { for c in 0..<frames { x[r * frames + c] = -Double(matrix[(first + r) * frames + c]) } }
        let (textIndices, timeIndices) = WhisperDTW.align(x, rows: rows, columns: frames)
        trace?(WhisperAlignmentTrace(dtwInput: x, rows: rows, columns: frames, textIndices: textIndices, timeIndices: timeIndices))

        let (words, wordTokens) = try tok.splitToWordTokens(textTokens + [tok.eot], language: language)
        if wordTokens.count <= 1 { return [] }
        var boundaries = [0]
        for t in wordTokens.dropLast() { boundaries.append(boundaries[boundaries.count - 1] + t.count) }
        var jumpTimes: [Double] = []
        for k in textIndices.indices where k == 0 || textIndices[k] != textIndices[k - 1] {
            jumpTimes.append(Double(timeIndices[k]) / Double(Self.tokensPerSecond))
        }
        var out: [WhisperWordTiming] = []
        for w in 0..<(boundaries.count - 1) {
            let (a, b) = (boundaries[w], boundaries[w + 1])
            let p = probs[a..<b]
            out.append(WhisperWordTiming(word: words[w], tokens: wordTokens[w], start: jumpTimes[a], end: jumpTimes[b],
                                         probability: p.isEmpty ? .nan : p.reduce(0, +) / Double(p.count)))
        }
        return out
    }

    /// Audio positions per second after the encoder's stride-2 convolution (TOKENS_PER_SECOND).
    static let tokensPerSecond = WhisperLogMel.sampleRate / (WhisperLogMel.hopLength * 2)
}
