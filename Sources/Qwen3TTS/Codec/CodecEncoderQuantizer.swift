// Split residual vector quantizer, encode direction, mirroring transformers `MimiSplitResidualVectorQuantizer`,
// `MimiResidualVectorQuantizer` and `MimiEuclideanCodebook` (keys `encoder.quantizer.*`).
//
//   semantic RVQ (num_semantic_quantizers layers) and acoustic RVQ (the rest) both start from the SAME input
//   x (B, hidden, T); each projects it with its own `input_proj` (1×1 conv, no bias) when
//   vector_quantization_hidden_dimension ≠ hidden_size, then for every layer:
//     codebook = embed_sum / clamp(cluster_usage, min 1e-5)                      (codebook_size, D)
//     index    = argmin_j ‖r − codebook_j‖   (torch.cdist p=2, which for > 25 rows takes its matmul path:
//                ‖r‖² − 2 r·e_j + ‖e_j‖², clamped at 0; first index on ties)
//     r       -= codebook[index]
//   codes = cat(semantic codes, acoustic codes)                                  (B, Q, T)
// `output_proj` (decode direction) and the `initialized` training flag are not used; see `ignoredKeys`.
import Foundation
import Neural
import Tensors

struct CodecEncoderRVQ: Sendable {
    let inputProj: Tensor? // (D, hidden, 1)
    /// Normalized codebooks (codebook_size, D) and their squared row norms.
    let codebooks: [Tensor]
    let codebookNorms: [[Float]]
    let dimension: Int

    /// `scope` is `semantic_residual_vector_quantizer` or `acoustic_residual_vector_quantizer`.
    init(_ scope: WeightScope, layers: Int, config c: Qwen3CodecEncoderConfig) throws {
        dimension = c.codebookDim
        inputProj = c.hasQuantizerProjection
            ? try scope.tensor("input_proj.weight", shape: [c.vectorQuantizationHiddenDimension, c.hiddenSize, 1]) : nil
        let (n, d) = (c.codebookSize, c.codebookDim)
        codebooks = try (0..<layers).map { q in
            let cb = scope.scope("layers.\(q).codebook")
            let sum = try cb.tensor("embed_sum", shape: [n, d])
            let usage = try cb.tensor("cluster_usage", shape: [n])
            var table = Tensor(zeros: [n, d]) // (N, D)
            table.withUnsafeMutableBufferPointer { tb in
                for i in 0..<n {
                    let u = Swift.max(usage[flat: i], 1e-5)
                    for j in 0..<d { tb[i * d + j] = sum.pointer[i * d + j] / u }
                }
            }
            return table
        }
        codebookNorms = codebooks.map { table in
            (0..<n).map { i in
                var s: Float = 0
                for j in 0..<d { let v = table.pointer[i * d + j]; s += v * v }
                return s
            }
        }
    }

    /// Keys of this RVQ that encoding does not read.
    static func ignoredKeys(_ scope: WeightScope, layers: Int, config c: Qwen3CodecEncoderConfig) -> [String] {
        (c.hasQuantizerProjection ? [scope.key("output_proj.weight")] : [])
            + (0..<layers).map { scope.key("layers.\($0).codebook.initialized") }
    }

    /// x (B, hidden, T) → per batch item: codes [layers][T] and the distance margins [layers][T] (second-smallest
    /// minus smallest Euclidean distance, how robust each argmin is).
    func encode(_ x: Tensor) -> [(codes: [[Int]], margins: [[Float]])] {
        let projected = inputProj.map { x.conv1d(weight: $0) } ?? x // (B, D, T)
        let (bsz, d, t) = (projected.shape[0], projected.shape[1], projected.shape[2])
        return (0..<bsz).map { b in
            var residual = projected.slice(axis: 0, start: b, end: b + 1).reshaped([d, t]).transposed(0, 1) // (T, D)
            var codes: [[Int]] = [], margins: [[Float]] = []
            for (table, norms) in zip(codebooks, codebookNorms) {
                let dots = residual.matmul(table, transposeOther: true) // (T, N)
                let (picks, margin) = Self.nearest(residual: residual, dots: dots, norms: norms)
                residual.withUnsafeMutableBufferPointer { r in
                    for f in 0..<t {
                        let row = table.pointer + picks[f] * d
                        for j in 0..<d { r[f * d + j] -= row[j] }
                    }
                }
                codes.append(picks)
                margins.append(margin)
            }
            return (codes, margins)
        }
    }

    /// Row-wise argmin of ‖r‖² − 2 r·e + ‖e‖² (clamped at 0) over residual (T, D), dots (T, N); also returns
    /// √(second smallest) − √(smallest).
    static func nearest(residual: Tensor, dots: Tensor, norms: [Float]) -> (picks: [Int], margins: [Float]) {
        let (t, d, n) = (residual.shape[0], residual.shape[1], dots.shape[1])
        var picks = [Int](repeating: 0, count: t), margins = [Float](repeating: 0, count: t)
        let rp = residual.pointer, dp = dots.pointer
        norms.withUnsafeBufferPointer { en in
            for f in 0..<t {
                var rn: Float = 0
                for j in 0..<d { let v = rp[f * d + j]; rn += v * v }
                var best = 0
                var first = Float.infinity, second = Float.infinity
                for i in 0..<n {
                    let dist = Swift.max(rn - 2 * dp[f * n + i] + en[i], 0)
                    if dist < first {
                        second = first
                        first = dist
                        best = i
                    } else if dist < second {
                        second = dist
                    }
                }
                picks[f] = best
                margins[f] = second.squareRoot() - first.squareRoot()
            }
        }
        return (picks, margins)
    }
}

struct CodecEncoderQuantizer: Sendable {
    let semantic: CodecEncoderRVQ
    let acoustic: CodecEncoderRVQ
    let semanticLayers: Int
    let acousticLayers: Int

    /// `scope` is `encoder.quantizer`.
    init(_ scope: WeightScope, config c: Qwen3CodecEncoderConfig) throws {
        semanticLayers = c.numSemanticQuantizers
        acousticLayers = c.numQuantizers - c.numSemanticQuantizers
        semantic = try CodecEncoderRVQ(scope.scope("semantic_residual_vector_quantizer"), layers: semanticLayers, config: c)
        acoustic = try CodecEncoderRVQ(scope.scope("acoustic_residual_vector_quantizer"), layers: acousticLayers, config: c)
    }

    static func ignoredKeys(_ scope: WeightScope, config c: Qwen3CodecEncoderConfig) -> [String] {
        CodecEncoderRVQ.ignoredKeys(scope.scope("semantic_residual_vector_quantizer"), layers: c.numSemanticQuantizers, config: c)
            + CodecEncoderRVQ.ignoredKeys(scope.scope("acoustic_residual_vector_quantizer"),
                                          layers: c.numQuantizers - c.numSemanticQuantizers, config: c)
    }

    /// x (B, hidden, T) → per batch item: codes [num_quantizers][T] (all quantizers, as MimiModel.encode with
    /// num_quantizers=None) and their distance margins.
    func encode(_ x: Tensor) -> [(codes: [[Int]], margins: [[Float]])] {
        let s = semantic.encode(x), a = acoustic.encode(x)
        return zip(s, a).map { (codes: $0.codes + $1.codes, margins: $0.margins + $1.margins) }
    }
}
