// Snake and SnakeBeta (BigVGAN activations.py), per channel of (B, C, T):
//   Snake:     x + 1/(α + 1e-9) · sin²(α·x)
//   SnakeBeta: x + 1/(β + 1e-9) · sin²(α·x)
// With `logScale` (snake_logscale / alpha_logscale) the stored parameters are log α, log β.
import Foundation
import Tensors

public struct SnakeBeta: Sendable {
    /// Effective per-channel α and 1/(β + 1e-9) (exp already applied for log-scale parameters).
    public let alpha: [Float]
    public let invBeta: [Float]

    public init(alpha: [Float], beta: [Float], logScale: Bool) {
        precondition(alpha.count == beta.count, "SnakeBeta: \(alpha.count) alphas vs \(beta.count) betas")
        self.alpha = logScale ? alpha.map { expf($0) } : alpha
        let b = logScale ? beta.map { expf($0) } : beta
        invBeta = b.map { 1 / ($0 + 1e-9) }
    }

    /// Loads `alpha` and `beta` (C) from scope.
    public init(_ scope: WeightScope, channels: Int, logScale: Bool) throws {
        self.init(alpha: try scope.tensor("alpha", shape: [channels]).array,
                  beta: try scope.tensor("beta", shape: [channels]).array, logScale: logScale)
    }

    /// Snake (one parameter): β = α.
    public static func snake(alpha: [Float], logScale: Bool) -> SnakeBeta {
        SnakeBeta(alpha: alpha, beta: alpha, logScale: logScale)
    }

    public static func snake(_ scope: WeightScope, channels: Int, logScale: Bool) throws -> SnakeBeta {
        snake(alpha: try scope.tensor("alpha", shape: [channels]).array, logScale: logScale)
    }

    public var channels: Int { alpha.count }

    /// x (B, C, T) → (B, C, T)
    public func callAsFunction(_ x: Tensor) -> Tensor {
        precondition(x.rank == 3 && x.shape[1] == channels, "SnakeBeta over \(channels) channels got \(x.shape)")
        let (c, t) = (x.shape[1], x.shape[2])
        var out = Tensor(zeros: x.shape)
        let src = x.pointer
        out.withUnsafeMutableBufferPointer { ob in
            let o = ob.baseAddress!
            Tensors.parallelFor(x.shape[0] * c) { r in
                for row in r {
                    VectorMath.snake(src + row * t, o + row * t, t, alpha: alpha[row % c], invBeta: invBeta[row % c])
                }
            }
        }
        return out
    }
}
