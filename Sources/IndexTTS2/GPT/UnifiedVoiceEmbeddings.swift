// UnifiedVoice's input tables (indextts/gpt/model_v2.py):
//   text_embedding (number_text_tokens·types + 1, D), mel_embedding (number_mel_codes, D),
//   text_pos_embedding.emb (max_text_tokens + 2, D), mel_pos_embedding.emb (max_mel_tokens + 3, D)
//   (LearnedPositionEmbeddings: row i is position i), speed_emb (2, D).
import Foundation
import Neural
import Tensors

struct UnifiedVoiceEmbeddings: @unchecked Sendable {
    let text: Embedding
    let mel: Embedding
    let textPositions: Embedding
    let melPositions: Embedding
    let speed: Embedding

    init(_ scope: WeightScope, config c: UnifiedVoiceConfig) throws {
        text = try Embedding(scope.scope("text_embedding"), count: c.textVocab, dim: c.modelDim)
        mel = try Embedding(scope.scope("mel_embedding"), count: c.numberMelCodes, dim: c.modelDim)
        textPositions = try Embedding(scope.scope("text_pos_embedding.emb"), count: c.textPositions, dim: c.modelDim)
        melPositions = try Embedding(scope.scope("mel_pos_embedding.emb"), count: c.melPositions, dim: c.modelDim)
        speed = try Embedding(scope.scope("speed_emb"), count: 2, dim: c.modelDim)
    }

    var dim: Int { text.dim }

    /// text_embedding(ids) + text_pos_embedding(0..<n) → (n, D)
    func textWithPositions(_ ids: [Int]) throws -> Tensor {
        guard ids.count <= textPositions.count else {
            throw GPTError.tooLong(what: "\(ids.count) text tokens (with start/stop)", needed: ids.count, limit: textPositions.count)
        }
        return try text(ids) + textPositions(Array(0..<ids.count)) // (n, D)
    }

    /// mel_embedding(codes[i]) + mel_pos_embedding(positions[i]) → (n, D)
    func melWithPositions(_ codes: [Int], positions: [Int]) throws -> Tensor {
        if let p = positions.max(), p >= melPositions.count {
            throw GPTError.tooLong(what: "mel position \(p)", needed: p + 1, limit: melPositions.count)
        }
        return try mel(codes) + melPositions(positions) // (n, D)
    }

    /// Writes mel_embedding(code) + mel_pos_embedding(position) into `out` (D values).
    func melRow(_ code: Int, position: Int, into out: UnsafeMutablePointer<Float>) throws {
        guard code >= 0 && code < mel.count else { throw GPTError.badInput("mel code \(code) outside 0..<\(mel.count)") }
        guard position >= 0 && position < melPositions.count else {
            throw GPTError.tooLong(what: "mel position \(position)", needed: position + 1, limit: melPositions.count)
        }
        let d = dim, e = mel.table.pointer + code * d, p = melPositions.table.pointer + position * d
        for j in 0..<d { out[j] = e[j] + p[j] }
    }
}
