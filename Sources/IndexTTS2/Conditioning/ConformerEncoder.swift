// WeNet `ConformerEncoder` (indextts/gpt/conformer_encoder.py) as UnifiedVoice builds it for the speaker and
// emotion conditioners: Conv2dSubsampling2 + RelPositionalEncoding, `num_blocks` Conformer blocks, after_norm
// (LayerNorm eps 1e-5). Input (B, T, D) with per-row lengths; output (B, T', C) and the subsampled validity
// mask (B, T') = (frame index < length)[2::2].
// Keys: embed.conv.0.*, embed.out.0.*, embed.pos_enc.pe, encoders.i.*, after_norm.*.
import Neural
import Tensors

struct ConformerEncoder: Sendable {
    let embed: Conv2dSubsampling2
    let layers: [ConformerEncoderLayer]
    let afterNorm: LayerNorm
    let inputSize: Int

    init(_ scope: WeightScope, inputSize: Int, module m: ConformerConditionModule, kernelSize: Int) throws {
        embed = try Conv2dSubsampling2(scope.scope("embed"), inputSize: inputSize, outputSize: m.outputSize)
        layers = try (0..<m.numBlocks).map {
            try ConformerEncoderLayer(scope.scope("encoders.\($0)"), size: m.outputSize, heads: m.attentionHeads,
                                      linearUnits: m.linearUnits, kernelSize: kernelSize)
        }
        afterNorm = try LayerNorm(scope.scope("after_norm"), dim: m.outputSize, eps: 1e-5)
        self.inputSize = inputSize
    }

    /// xs (B, T, D), lengths (B) → (out (B, T', C), valid [B][T'])
    func callAsFunction(_ xs: Tensor, lengths: [Int]) throws -> (Tensor, [[Bool]]) {
        guard xs.rank == 3, xs.shape[2] == inputSize, lengths.count == xs.shape[0] else {
            throw ConditioningError.badInput(expected: "(B, T, \(inputSize)) features with B = \(lengths.count) lengths", got: xs.shape)
        }
        let t = xs.shape[1]
        // ~make_pad_mask(lengths, T), then x_mask[:, :, 2::2].
        let valid = lengths.map { len in stride(from: 2, to: t, by: 2).map { $0 < len } }
        var (h, posEmb) = try embed(xs) // (B, T', C), (T', C)
        for layer in layers { h = layer(h, posEmb: posEmb, valid: valid) }
        return (afterNorm(h), valid)
    }
}
