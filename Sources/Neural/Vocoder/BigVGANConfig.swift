// BigVGAN generator hyper-parameters, decoded from the model's own config.json
// (nvidia/bigvgan_v2_* layout, snake_case keys) or a parity case's "bigvgan" block.
import Foundation

public enum BigVGANError: Error, CustomStringConvertible {
    case unsupported(key: String, value: String, expected: String)
    case badConfig(String)
    case badInput(expected: String, got: [Int])

    public var description: String {
        switch self {
        case let .unsupported(k, v, e): return "BigVGAN config '\(k)' = \(v) is not supported (expected \(e))"
        case let .badConfig(r): return "BigVGAN config: \(r)"
        case let .badInput(e, g): return "BigVGAN input: expected \(e), got shape \(g)"
        }
    }
}

public struct BigVGANConfig: Decodable, Sendable {
    public var resblock: String
    public var upsampleRates: [Int]
    public var upsampleKernelSizes: [Int]
    public var upsampleInitialChannel: Int
    public var resblockKernelSizes: [Int]
    public var resblockDilationSizes: [[Int]]
    public var activation: String
    public var snakeLogscale: Bool
    public var numMels: Int
    /// Defaults follow BigVGAN's `h.get(..., True)`.
    public var useTanhAtFinal: Bool
    public var useBiasAtFinal: Bool

    enum CodingKeys: String, CodingKey {
        case resblock, activation
        case upsampleRates = "upsample_rates", upsampleKernelSizes = "upsample_kernel_sizes"
        case upsampleInitialChannel = "upsample_initial_channel", resblockKernelSizes = "resblock_kernel_sizes"
        case resblockDilationSizes = "resblock_dilation_sizes", snakeLogscale = "snake_logscale", numMels = "num_mels"
        case useTanhAtFinal = "use_tanh_at_final", useBiasAtFinal = "use_bias_at_final"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        resblock = try c.decode(String.self, forKey: .resblock)
        upsampleRates = try c.decode([Int].self, forKey: .upsampleRates)
        upsampleKernelSizes = try c.decode([Int].self, forKey: .upsampleKernelSizes)
        upsampleInitialChannel = try c.decode(Int.self, forKey: .upsampleInitialChannel)
        resblockKernelSizes = try c.decode([Int].self, forKey: .resblockKernelSizes)
        resblockDilationSizes = try c.decode([[Int]].self, forKey: .resblockDilationSizes)
        activation = try c.decode(String.self, forKey: .activation)
        snakeLogscale = try c.decode(Bool.self, forKey: .snakeLogscale)
        numMels = try c.decode(Int.self, forKey: .numMels)
        useTanhAtFinal = try c.decodeIfPresent(Bool.self, forKey: .useTanhAtFinal) ?? true
        useBiasAtFinal = try c.decodeIfPresent(Bool.self, forKey: .useBiasAtFinal) ?? true
    }

    /// Reads a BigVGAN config.json.
    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BigVGANError.badConfig("cannot read \(path)")
        }
        self = try JSONDecoder().decode(BigVGANConfig.self, from: data)
    }

    /// Output samples per mel frame (the product of the upsampling rates).
    public var hopLength: Int { upsampleRates.reduce(1, *) }

    func validate() throws {
        guard resblock == "1" else { throw BigVGANError.unsupported(key: "resblock", value: resblock, expected: "\"1\" (AMPBlock1)") }
        guard activation == "snake" || activation == "snakebeta" else {
            throw BigVGANError.unsupported(key: "activation", value: activation, expected: "snake or snakebeta")
        }
        guard upsampleRates.count == upsampleKernelSizes.count else {
            throw BigVGANError.badConfig("\(upsampleRates.count) upsample rates vs \(upsampleKernelSizes.count) kernel sizes")
        }
        guard resblockKernelSizes.count == resblockDilationSizes.count else {
            throw BigVGANError.badConfig("\(resblockKernelSizes.count) resblock kernels vs \(resblockDilationSizes.count) dilation lists")
        }
        guard upsampleInitialChannel % (1 << upsampleRates.count) == 0 else {
            throw BigVGANError.badConfig("upsample_initial_channel \(upsampleInitialChannel) not divisible by 2^\(upsampleRates.count)")
        }
    }
}
