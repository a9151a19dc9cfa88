// Split residual vector quantizer, decode direction only, mirroring `SplitResidualVectorQuantizer`,
// `ResidualVectorQuantizer`, `VectorQuantization` and `EuclideanCodebook` of the 12 Hz tokenizer.
//
//   codebook_q = embedding_sum / clamp(cluster_usage, min 1e-5)          (2048, D), D = codebook_dim / 2
//   group(codes) = output_proj( Σ_q codebook_q[codes_q] )                 1×1 Conv1d D → codebook_dim, no bias
//   decode = group_first(codes[:, :1]) + group_rest(codes[:, 1:])         (B, codebook_dim, T)
// `input_proj` (encode direction) is stored but not used here; callers list it as ignored.
import Foundation
import Neural
import Tensors

struct CodecResidualGroup: Sendable {
    /// Normalized codebooks, each (codebookSize, D).
    let codebooks: [Tensor]
    let outputProj: Tensor // (Cout, D, 1)
    let dimension: Int

    /// `scope` is `rvq_first` or `rvq_rest`.
    init(_ scope: WeightScope, quantizers: Int, codebookSize: Int, dimension: Int, outputDimension: Int) throws {
        self.dimension = dimension
        codebooks = try (0..<quantizers).map { q in
            let cb = scope.scope("vq.layers.\(q)._codebook")
            let sum = try cb.tensor("embedding_sum", shape: [codebookSize, dimension])
            let usage = try cb.tensor("cluster_usage", shape: [codebookSize])
            var table = Tensor(zeros: [codebookSize, dimension])
            table.withUnsafeMutableBufferPointer { tb in
                for i in 0..<codebookSize {
                    let u = Swift.max(usage[flat: i], 1e-5)
                    for j in 0..<dimension { tb[i * dimension + j] = sum.pointer[i * dimension + j] / u }
                }
            }
            return table
        }
        outputProj = try scope.tensor("output_proj.weight", shape: [outputDimension, dimension, 1])
    }

    /// codes[b][q][t] for this group's quantizers (offset `first` into `codes`) → (B, Cout, T)
    func decode(_ codes: Qwen3CodecCodes, first: Int) throws -> Tensor {
        let (bsz, t, d) = (codes.batch, codes.frames, dimension)
        var summed = Tensor(zeros: [bsz, d, t]) // (B, D, T)
        summed.withUnsafeMutableBufferPointer { sb in
            for b in 0..<bsz {
                for (qi, table) in codebooks.enumerated() {
                    let tp = table.pointer
                    for f in 0..<t {
                        let code = codes[b, first + qi, f]
                        let row = tp + code * d
                        for j in 0..<d { sb[(b * d + j) * t + f] += row[j] }
                    }
                }
            }
        }
        return summed.conv1d(weight: outputProj) // (B, Cout, T)
    }
}

struct CodecQuantizer: Sendable {
    let first: CodecResidualGroup
    let rest: CodecResidualGroup
    let semanticQuantizers: Int
    let codebookSize: Int

    /// `scope` is `decoder.quantizer`.
    init(_ scope: WeightScope, config: Qwen3CodecDecoderConfig) throws {
        semanticQuantizers = config.semanticQuantizers
        codebookSize = config.codebookSize
        first = try CodecResidualGroup(scope.scope("rvq_first"), quantizers: semanticQuantizers,
                                       codebookSize: config.codebookSize, dimension: config.rvqDimension,
                                       outputDimension: config.codebookDim)
        rest = try CodecResidualGroup(scope.scope("rvq_rest"), quantizers: config.numQuantizers - semanticQuantizers,
                                      codebookSize: config.codebookSize, dimension: config.rvqDimension,
                                      outputDimension: config.codebookDim)
    }

    /// Keys that exist in the checkpoint but only serve encoding.
    static let encodeOnlyKeys = ["rvq_first.input_proj.weight", "rvq_rest.input_proj.weight"]

    var quantizers: Int { first.codebooks.count + rest.codebooks.count }

    /// codes (B, Q, T) with 0 ≤ code < codebook size → (B, codebook_dim, T)
    func decode(_ codes: Qwen3CodecCodes) throws -> Tensor {
        guard codes.quantizers == quantizers else {
            throw Qwen3CodecError.codeShape(expected: "\(quantizers) quantizers", found: "\(codes.quantizers)")
        }
        for b in 0..<codes.batch { for q in 0..<codes.quantizers { for t in 0..<codes.frames {
            let v = codes[b, q, t]
            if v < 0 || v >= codebookSize {
                throw Qwen3CodecError.codeOutOfRange(quantizer: q, frame: t, value: v, codebookSize: codebookSize)
            }
        } } }
        var out = try first.decode(codes, first: 0) // (B, C, T)
        out.add(try rest.decode(codes, first: semanticQuantizers))
        return out
    }
}
