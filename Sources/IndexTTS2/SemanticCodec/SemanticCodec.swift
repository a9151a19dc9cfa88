// MaskGCT semantic codec as IndexTTS2 uses it (indextts/utils/maskgct/models/codec/kmeans/repcodec_model.py
// `RepCodec.quantize` and `RepCodec.quantizer.vq2emb`; the decoder is never run):
//   quantize(x (B, T, H)):  encoder = VocosBackbone(H → D) + Linear(D → H) on x transposed → (B, H, T)
//                           → ResidualVQ (factorized, l2-normalised lookup) → codes (Nq, B, T) and S = quantized (B, T, H)
//   vq2emb(codes (B, T)):   out_project(codebook[codes]) → (B, H, T)   (infer_v2's S_infer path)
// Weights: the codec's model.safetensors (encoder.0.*, encoder.1.*, quantizer.quantizers.i.*); decoder.* is in the
// file and deliberately unused (listed as ignored); every other key must be consumed.
import Foundation
import Logging
import Neural
import Tensors

public final class SemanticCodec: @unchecked Sendable {
    public struct Quantized: Sendable {
        /// Codes per quantizer, each row-major (B, T). IndexTTS2's codec has one quantizer.
        public let codes: [[Int]]
        /// S_ref: the quantized embedding, (B, T, H).
        public let embedding: Tensor
        /// Encoder output before quantization, (B, H, T).
        public let encoderOutput: Tensor
        /// Per quantizer: the projected latents z_e, (B, d, T).
        public let latents: [Tensor]
        /// Per quantizer: best minus second-best cosine similarity of each frame's codebook lookup.
        public let cosineMargins: [[Float]]
    }

    public let config: SemanticCodecConfig
    let backbone: VocosBackbone
    let projection: Linear
    let quantizer: ResidualVQ
    private static let logger = Logger(label: "bookvox.indextts2.semantic-codec")

    /// Builds the encoder and quantizer from `config`; reads every weight from `weights` (decoder.* ignored).
    public init(config: SemanticCodecConfig, weights: WeightStore) throws {
        try config.validate()
        self.config = config
        let root = weights.root
        backbone = try VocosBackbone(root.scope("encoder.0"), inputChannels: config.hiddenSize, dim: config.vocosDim,
                                     intermediateDim: config.vocosIntermediateDim, numLayers: config.vocosNumLayers)
        projection = try Linear(root.scope("encoder.1"), inFeatures: config.vocosDim, outFeatures: config.hiddenSize)
        quantizer = try ResidualVQ(root.scope("quantizer"), inputDim: config.hiddenSize, numQuantizers: config.numQuantizers,
                                   codebookSize: config.codebookSize, codebookDim: config.codebookDim)
        try weights.finish(ignoring: ["decoder."])
        SemanticCodec.logger.debug("semantic codec built: \(config.vocosNumLayers) ConvNeXt blocks, codebook \(config.codebookSize)×\(config.codebookDim)")
    }

    /// x (B, T, H) → encoder output (B, H, T)
    public func encode(_ x: Tensor) throws -> Tensor {
        guard x.rank == 3, x.shape[2] == config.hiddenSize, x.shape[1] >= 1 else {
            throw SemanticCodecError.badInput(expected: "(B, T, \(config.hiddenSize)) semantic features", got: x.shape)
        }
        let h = backbone(x.transposed(1, 2)) // (B, T, D)
        return projection(h).transposed(1, 2) // (B, H, T)
    }

    /// `RepCodec.quantize`: x (B, T, H) → codes and S (B, T, H).
    public func quantize(_ x: Tensor) throws -> Quantized {
        let encoded = try encode(x) // (B, H, T)
        let q = try quantizer(encoded)
        return Quantized(codes: q.codes, embedding: q.quantized.transposed(1, 2), encoderOutput: encoded,
                         latents: q.latents, cosineMargins: q.cosineMargins)
    }

    /// `quantizer.vq2emb`: codes row-major (B, T), one array per quantizer used → (B, H, T).
    /// Codes must lie in 0..<codebook_size (GPT start/stop tokens are not codec codes).
    public func vq2emb(_ codes: [[Int]], batch: Int = 1) throws -> Tensor {
        try quantizer.vq2emb(codes, batch: batch)
    }
}
