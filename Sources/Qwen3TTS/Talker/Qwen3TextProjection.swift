// talker.text_projection — Qwen3TTSTalkerResizeMLP(text_hidden, text_hidden, hidden, hidden_act, bias=True):
//   T(x) = linear_fc2(act(linear_fc1(x))). Applied to every text-track row (role prefix, instruction,
//   TTS specials, text); raw text embeddings never reach the talker directly.
import Foundation
import Neural
import Tensors

public struct Qwen3TextProjection: Sendable {
    let fc1: Linear // (text_hidden → text_hidden)
    let fc2: Linear // (text_hidden → hidden)
    let activation: Activation

    public init(_ scope: WeightScope, textHidden: Int, hidden: Int, activation: Activation) throws {
        fc1 = try Linear(scope.scope("linear_fc1"), inFeatures: textHidden, outFeatures: textHidden, bias: true)
        fc2 = try Linear(scope.scope("linear_fc2"), inFeatures: textHidden, outFeatures: hidden, bias: true)
        self.activation = activation
    }

    /// x (n, text_hidden) → (n, hidden)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        fc2(activation(fc1(x))) // (n, hidden)
    }
}
