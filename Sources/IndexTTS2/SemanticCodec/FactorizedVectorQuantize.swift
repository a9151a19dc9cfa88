// Factorized vector quantizer of the MaskGCT semantic codec
// (indextts/utils/maskgct/models/codec/amphion_codec/quantize/factorized_vector_quantize.py, eval mode,
// use_l2_normlize=True):
//   z_e = in_project(z)            weight-normed Conv1d(H → d, k 1, bias), (B, d, T); identity when H == d
//   lookup: e = F.normalize(z_e rows), c = F.normalize(codebook rows) (x / max(‖x‖₂, 1e-12));
//           dist = ‖e‖² − 2 e·cᵀ + ‖c‖² (float32, in that order); index = first argmax of −dist
//   z_q = codebook[index] — the RAW (un-normalised) row — as (B, d, T)
//   out = out_project(z_e + (z_q − z_e))   weight-normed Conv1d(d → H, k 1, bias)
// vq2emb(codes) = out_project(codebook[codes]) (no z_e round trip).
// Weights: in_project.{weight_g, weight_v, bias}, codebook.weight (K, d), out_project.{weight_g, weight_v, bias};
// weight norm folded at load (‖v‖ over dims 1…).
import Neural
import Tensors

struct FactorizedVectorQuantize: Sendable {
    struct Lookup {
        /// Row-major (B, T) codebook indices.
        let indices: [Int]
        /// Per frame: best minus second-best cosine similarity (how robust the argmax is).
        let cosineMargins: [Float]
    }

    let inProject: Conv1d?
    let outProject: Conv1d?
    let codebook: Tensor // (K, d)
    let normalizedCodebook: Tensor // (K, d)
    let codebookSquaredNorms: [Float] // (K)

    init(_ scope: WeightScope, inputDim: Int, codebookSize: Int, codebookDim: Int) throws {
        if inputDim != codebookDim {
            inProject = try Conv1d(scope.scope("in_project"), inChannels: inputDim, outChannels: codebookDim, kernelSize: 1)
            outProject = try Conv1d(scope.scope("out_project"), inChannels: codebookDim, outChannels: inputDim, kernelSize: 1)
        } else {
            inProject = nil
            outProject = nil
        }
        codebook = try scope.scope("codebook").tensor("weight", shape: [codebookSize, codebookDim])
        normalizedCodebook = FactorizedVectorQuantize.l2NormalizeRows(codebook)
        codebookSquaredNorms = FactorizedVectorQuantize.squaredNorms(normalizedCodebook)
    }

    var codebookSize: Int { codebook.shape[0] }
    var codebookDim: Int { codebook.shape[1] }

    /// z (B, H, T) → z_e (B, d, T)
    func project(_ z: Tensor) -> Tensor { inProject.map { $0(z) } ?? z }

    /// Nearest codebook rows (cosine) for z_e (B, d, T).
    func lookup(_ ze: Tensor) -> Lookup {
        let (b, d, t) = (ze.shape[0], ze.shape[1], ze.shape[2])
        let enc = FactorizedVectorQuantize.l2NormalizeRows(ze.transposed(1, 2).reshaped([b * t, d])) // (B·T, d)
        let encSq = FactorizedVectorQuantize.squaredNorms(enc)
        let dots = enc.matmul(normalizedCodebook, transposeOther: true) // (B·T, K)
        let k = codebookSize
        var indices = [Int](repeating: 0, count: b * t)
        var margins = [Float](repeating: 0, count: b * t)
        let dp = dots.pointer
        for row in 0..<(b * t) {
            let r = dp + row * k
            var best = 0, bestScore = -Float.infinity
            var top = -Float.infinity, second = -Float.infinity
            for j in 0..<k {
                let dist = (encSq[row] - 2 * r[j]) + codebookSquaredNorms[j]
                let score = -dist
                if score > bestScore { bestScore = score; best = j }
                let cosine = r[j]
                if cosine > top { second = top; top = cosine } else if cosine > second { second = cosine }
            }
            indices[row] = best
            margins[row] = top - second
        }
        return Lookup(indices: indices, cosineMargins: margins)
    }

    /// Raw codebook rows for row-major (B, T) `indices` → (B, d, T).
    func embed(_ indices: [Int], batch: Int) throws -> Tensor {
        let t = indices.count / Swift.max(batch, 1)
        for (i, code) in indices.enumerated() where code < 0 || code >= codebookSize {
            throw SemanticCodecError.codeOutOfRange(code: code, position: i, codebookSize: codebookSize)
        }
        return try codebook.gatherRows(indices).reshaped([batch, t, codebookDim]).transposed(1, 2) // (B, d, T)
    }

    /// Eval-mode forward: z (B, H, T) → (z_q after out_project (B, H, T), lookup, z_e (B, d, T)).
    func callAsFunction(_ z: Tensor) throws -> (quantized: Tensor, lookup: Lookup, latents: Tensor) {
        let ze = project(z) // (B, d, T)
        let found = lookup(ze)
        let zq = try embed(found.indices, batch: z.shape[0]) // (B, d, T)
        let straightThrough = ze + (zq - ze) // (B, d, T)
        return (outProject.map { $0(straightThrough) } ?? straightThrough, found, ze)
    }

    /// codes (B, T) row-major → out_project(codebook[codes]) (B, H, T)
    func vq2emb(_ indices: [Int], batch: Int) throws -> Tensor {
        let emb = try embed(indices, batch: batch) // (B, d, T)
        return outProject.map { $0(emb) } ?? emb
    }

    /// F.normalize(x, dim=1) for (N, d): x / max(‖x‖₂, 1e-12).
    static func l2NormalizeRows(_ x: Tensor) -> Tensor {
        let d = x.shape[1]
        var out = x
        out.withUnsafeMutableBufferPointer { buf in
            for row in 0..<x.shape[0] {
                var s: Float = 0
                for j in 0..<d { s += buf[row * d + j] * buf[row * d + j] }
                let norm = Swift.max(s.squareRoot(), 1e-12)
                for j in 0..<d { buf[row * d + j] /= norm }
            }
        }
        return out
    }

    /// Row sums of squares of (N, d), float32 like `x.pow(2).sum(1)`.
    static func squaredNorms(_ x: Tensor) -> [Float] {
        let d = x.shape[1]
        let p = x.pointer
        return (0..<x.shape[0]).map { row in
            var s: Float = 0
            for j in 0..<d { s += p[row * d + j] * p[row * d + j] }
            return s
        }
    }
}
