// WeNet `Conv2dSubsampling2` with `RelPositionalEncoding` (indextts/gpt/conformer/subsampling.py, embedding.py),
// the input layer of the GPT conditioning conformers:
//   x (B, T, D) as a 1-channel image (B, 1, T, D) → Conv2d(1 → C, 3×3, stride 2, no padding, bias) → ReLU
//   → (B, C, T', F') with T' = (T−1)//2, F' = (D−1)//2 → permute (B, T', C, F') → flatten channel-major
//   (feature c·F' + f) → Linear(C·F' → C) → ×√C (nothing added: rel_pos returns the table separately).
// pos_emb = pe[0:T'] from the persistent `pos_enc.pe` buffer (1, max_len, C) (standard sinusoid, even dims sin,
// odd dims cos); T' must stay below max_len. Mask: x_mask[:, :, 2::2].
import Neural
import Tensors

struct Conv2dSubsampling2: Sendable {
    let convWeight: Tensor // (C, 1, 3, 3)
    let convBias: Tensor // (C)
    let out: Linear
    let positionTable: Tensor // (max_len, C)
    let outputSize: Int

    init(_ scope: WeightScope, inputSize: Int, outputSize: Int) throws {
        convWeight = try scope.scope("conv.0").tensor("weight", shape: [outputSize, 1, 3, 3])
        convBias = try scope.scope("conv.0").tensor("bias", shape: [outputSize])
        out = try Linear(scope.scope("out.0"), inFeatures: outputSize * ((inputSize - 1) / 2), outFeatures: outputSize)
        guard let peShape = scope.shape(of: "pos_enc.pe"), peShape.count == 3, peShape[0] == 1, peShape[2] == outputSize else {
            throw ConditioningError.badConfig("\(scope.key("pos_enc.pe")) must be (1, max_len, \(outputSize)), found \(scope.shape(of: "pos_enc.pe").map { "\($0)" } ?? "nothing")")
        }
        positionTable = try scope.tensor("pos_enc.pe", shape: peShape).reshaped([peShape[1], outputSize])
        self.outputSize = outputSize
    }

    /// Frames after subsampling.
    static func outputLength(_ t: Int) -> Int { (t - 1) / 2 }

    /// x (B, T, D) → (x (B, T', C) scaled by √C, pos_emb (T', C))
    func callAsFunction(_ x: Tensor) throws -> (Tensor, Tensor) {
        let (b, t, d) = (x.shape[0], x.shape[1], x.shape[2])
        let tp = Conv2dSubsampling2.outputLength(t)
        guard tp >= 1 else { throw ConditioningError.badInput(expected: "at least 3 frames for the conv2d2 subsampling", got: x.shape) }
        guard tp < positionTable.shape[0] else {
            throw ConditioningError.badInput(expected: "fewer than \(positionTable.shape[0]) subsampled frames (positional table)", got: x.shape)
        }
        var h = x.reshaped([b, 1, t, d]).conv2d(weight: convWeight, bias: convBias, spec: Conv2dSpec(stride: (2, 2))) // (B, C, T', F')
        Activation.relu.apply(&h)
        let f = h.shape[3]
        h = h.permuted([0, 2, 1, 3]).reshaped([b, tp, outputSize * f]) // (B, T', C·F')
        var y = out(h) // (B, T', C)
        y.scale(by: Float(Double(outputSize).squareRoot()))
        return (y, positionTable.slice(axis: 0, start: 0, end: tp)) // (B, T', C), (T', C)
    }
}
