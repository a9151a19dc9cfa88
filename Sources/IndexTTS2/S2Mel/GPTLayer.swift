// s2mel `gpt_layer` (commons.py MyModel(use_gpt_latent=True)): Sequential(Linear(model_dim → 256),
// Linear(256 → 128), Linear(128 → semantic width)) with no activations, mapping the GPT's second-pass latent
// onto the semantic-codec embedding width. Keys: gpt_layer.{0,1,2}.{weight,bias}.
import Neural
import Tensors

public struct GPTLayer: Sendable {
    let layers: [Linear]

    init(_ scope: WeightScope, inputDim: Int, hidden: [Int], outputDim: Int) throws {
        let dims = [inputDim] + hidden + [outputDim]
        layers = try (0..<(dims.count - 1)).map { i in
            try Linear(scope.scope("\(i)"), inFeatures: dims[i], outFeatures: dims[i + 1])
        }
    }

    public var inputDim: Int { layers[0].inFeatures }
    public var outputDim: Int { layers[layers.count - 1].outFeatures }

    /// latent (B, n, model_dim) → (B, n, out)
    public func callAsFunction(_ latent: Tensor) throws -> Tensor {
        guard latent.rank == 3, latent.shape[2] == inputDim else {
            throw S2MelError.badInput(name: "gpt latent", expected: "(B, n, \(inputDim))", got: latent.shape)
        }
        return layers.reduce(latent) { $1($0) } // (B, n, out)
    }
}
