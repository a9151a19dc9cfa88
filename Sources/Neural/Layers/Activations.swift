// Pointwise activations with torch's definitions:
//   gelu (exact, erf), geluTanh (approximate='tanh'), silu, mish (softplus threshold 20),
//   elu(alpha), relu, sigmoid, tanh, leakyRelu(slope).
import Foundation
import Tensors

public enum Activation: Sendable, Equatable {
    case gelu, geluTanh, silu, mish, relu, sigmoid, tanh
    case elu(alpha: Float)
    case leakyRelu(slope: Float)

    /// Parses the names used in model configs ("gelu", "gelu_new"/"gelu_pytorch_tanh", "silu"/"swish", …).
    public init?(name: String) {
        switch name.lowercased() {
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_tanh", "gelu_fast": self = .geluTanh
        case "silu", "swish": self = .silu
        case "mish": self = .mish
        case "relu": self = .relu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "elu": self = .elu(alpha: 1)
        default: return nil
        }
    }

    @inline(__always)
    public func scalar(_ x: Float) -> Float {
        switch self {
        case .gelu: return 0.5 * x * (1 + erff(x * 0.707_106_781_186_547_524))
        case .geluTanh:
            let inner: Float = 0.797_884_560_802_865_355 * (x + 0.044_715 * x * x * x)
            return 0.5 * x * (1 + tanhf(inner))
        case .silu: return x / (1 + expf(-x))
        case .mish:
            let sp = x > 20 ? x : log1pf(expf(x))
            return x * tanhf(sp)
        case .relu: return x > 0 ? x : 0
        case .sigmoid: return 1 / (1 + expf(-x))
        case .tanh: return tanhf(x)
        case let .elu(alpha): return x > 0 ? x : alpha * (expf(x) - 1)
        case let .leakyRelu(slope): return x >= 0 ? x : slope * x
        }
    }

    public func callAsFunction(_ x: Tensor) -> Tensor {
        var out = x
        apply(&out)
        return out
    }

    public func apply(_ x: inout Tensor) {
        let f = self
        switch f {
        case .gelu: x.apply { 0.5 * $0 * (1 + erff($0 * 0.707_106_781_186_547_524)) }
        case .silu: x.apply { $0 / (1 + expf(-$0)) }
        default: x.apply { f.scalar($0) }
        }
    }
}
