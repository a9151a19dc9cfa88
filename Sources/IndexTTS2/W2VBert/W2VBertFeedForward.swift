// `Wav2Vec2BertFeedForward`: output_dense(act(intermediate_dense(x))), both Linears with bias; act = hidden_act
// (swish for w2v-bert-2.0). The layer applies it as a half step (x + 0.5·FFN(LN(x))). Keys: <ffn>.intermediate_dense.*,
// <ffn>.output_dense.*
import Neural
import Tensors

struct W2VBertFeedForward: Sendable {
    let intermediate: Linear
    let output: Linear
    let activation: Activation

    init(_ scope: WeightScope, config: W2VBertConfig) throws {
        intermediate = try Linear(scope.scope("intermediate_dense"), inFeatures: config.hiddenSize, outFeatures: config.intermediateSize)
        output = try Linear(scope.scope("output_dense"), inFeatures: config.intermediateSize, outFeatures: config.hiddenSize)
        activation = try config.activation()
    }

    /// x (B, T, H) → (B, T, H)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var h = intermediate(x) // (B, T, I)
        Self.activate(activation, &h)
        return output(h) // (B, T, H)
    }

    /// hidden_act in place; SiLU ("swish", as in w2v-bert-2.0) runs through the vectorized kernel.
    static func activate(_ activation: Activation, _ x: inout Tensor) {
        if activation == .silu { VectorMath.silu(&x) } else { activation.apply(&x) }
    }
}
