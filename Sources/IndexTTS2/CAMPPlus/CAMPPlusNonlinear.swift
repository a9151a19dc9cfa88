// `get_nonlinear(config_str, channels)` of CAM++ layers.py: an nn.Sequential built from the '-'-separated
// parts of `config_str`, applied in order to (B, C, …):
//   "batchnorm"  → BatchNorm1d(C) (eval mode, eps 1e-5), keys `<scope>.batchnorm.*`
//   "batchnorm_" → BatchNorm1d(C, affine=False), keys `<scope>.batchnorm.{running_mean,running_var,…}`
//   "relu"       → ReLU
//   "prelu"      → PReLU(C), key `<scope>.prelu.weight`
import Neural
import Tensors

struct CAMPPlusNonlinear: Sendable {
    enum Step: Sendable {
        case batchNorm(BatchNorm)
        case relu
        case prelu([Float])
    }

    let steps: [Step]

    init(_ scope: WeightScope, configString: String, channels: Int) throws {
        var steps: [Step] = []
        for part in configString.split(separator: "-", omittingEmptySubsequences: false).map(String.init) {
            switch part {
            case "relu": steps.append(.relu)
            case "prelu":
                steps.append(.prelu(try scope.scope("prelu").tensor("weight", shape: [channels]).array))
            case "batchnorm":
                steps.append(.batchNorm(try BatchNorm(scope.scope("batchnorm"), channels: channels, eps: 1e-5)))
            case "batchnorm_":
                steps.append(.batchNorm(try BatchNorm(scope.scope("batchnorm"), channels: channels, eps: 1e-5, affine: false)))
            default:
                throw CAMPPlusError.unsupportedNonlinear(name: part, configString: configString)
            }
        }
        self.steps = steps
    }

    /// x (B, C, …) → (B, C, …)
    func callAsFunction(_ x: Tensor) -> Tensor {
        var y = x
        for step in steps {
            switch step {
            case let .batchNorm(bn): y = bn(y)
            case .relu: Activation.relu.apply(&y)
            case let .prelu(w): y = CAMPPlusNonlinear.prelu(y, weight: w)
            }
        }
        return y
    }

    /// torch PReLU with one slope per channel (axis 1).
    static func prelu(_ x: Tensor, weight: [Float]) -> Tensor {
        var y = x
        let c = x.shape[1]
        let spatial = x.count / Swift.max(x.shape[0] * c, 1)
        y.withUnsafeMutableBufferPointer { buf in
            for row in 0..<(x.shape[0] * c) {
                let a = weight[row % c]
                for j in 0..<spatial {
                    let v = buf[row * spatial + j]
                    if v < 0 { buf[row * spatial + j] = a * v }
                }
            }
        }
        return y
    }
}
