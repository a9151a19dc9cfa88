// Residual VQ over factorized quantizers (indextts/utils/maskgct/models/codec/amphion_codec/quantize/residual_vq.py,
// quantizer_type "fvq", eval mode so every quantizer runs):
//   residual = z; out = 0; for each quantizer: z_q_i = VQ_i(residual); out += z_q_i; residual −= z_q_i
// vq2emb sums each quantizer's vq2emb of its codes.
// Weights: quantizers.<i>.* (see FactorizedVectorQuantize).
import Neural
import Tensors

struct ResidualVQ: Sendable {
    struct Output {
        /// (B, H, T)
        let quantized: Tensor
        /// Per quantizer: row-major (B, T) indices.
        let codes: [[Int]]
        /// Per quantizer: z_e (B, d, T).
        let latents: [Tensor]
        /// Per quantizer: per-frame cosine margin of the lookup.
        let cosineMargins: [[Float]]
    }

    let quantizers: [FactorizedVectorQuantize]

    init(_ scope: WeightScope, inputDim: Int, numQuantizers: Int, codebookSize: Int, codebookDim: Int) throws {
        quantizers = try (0..<numQuantizers).map {
            try FactorizedVectorQuantize(scope.scope("quantizers.\($0)"), inputDim: inputDim, codebookSize: codebookSize,
                                         codebookDim: codebookDim)
        }
    }

    /// z (B, H, T) → quantized (B, H, T) with codes and latents per quantizer.
    func callAsFunction(_ z: Tensor) throws -> Output {
        var out: Tensor? = nil
        var residual = z
        var codes: [[Int]] = [], latents: [Tensor] = [], margins: [[Float]] = []
        for (i, q) in quantizers.enumerated() {
            let (zq, found, ze) = try q(residual) // (B, H, T)
            out = out.map { $0 + zq } ?? zq
            if i + 1 < quantizers.count { residual = residual - zq }
            codes.append(found.indices)
            latents.append(ze)
            margins.append(found.cosineMargins)
        }
        return Output(quantized: out!, codes: codes, latents: latents, cosineMargins: margins)
    }

    /// codes: one row-major (B, T) array per quantizer (fewer than all quantizers uses the first ones) → (B, H, T)
    func vq2emb(_ codes: [[Int]], batch: Int) throws -> Tensor {
        guard !codes.isEmpty, codes.count <= quantizers.count else {
            throw SemanticCodecError.badCodes("got codes for \(codes.count) quantizers, the codec has \(quantizers.count)")
        }
        guard batch >= 1, codes.allSatisfy({ $0.count == codes[0].count && $0.count % batch == 0 }) else {
            throw SemanticCodecError.badCodes("code arrays of lengths \(codes.map(\.count)) do not form (\(batch), T) grids")
        }
        var out: Tensor? = nil
        for (q, c) in zip(quantizers, codes) {
            let e = try q.vq2emb(c, batch: batch) // (B, H, T)
            out = out.map { $0 + e } ?? e
        }
        return out!
    }
}
