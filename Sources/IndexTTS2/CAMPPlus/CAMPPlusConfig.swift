// CAM++ speaker encoder hyper-parameters (3D-Speaker / FunASR `CAMPPlus`, as vendored in index-tts
// `indextts/s2mel/modules/campplus/DTDNN.py`).
//
// `CAMPPlusConfig` holds the constructor arguments (the keys of a case's "campplus" block; infer_v2 builds
// `CAMPPlus(feat_dim=80, embedding_size=192)` with the other defaults). `CAMPPlusArchitecture` holds the
// sizes the original fixes in code (FCM width and depth, dense-block depths/kernels/dilations, CAM segment
// length); a parity case lists them under "fixed_in_code" and they decode from there.
import Foundation

public enum CAMPPlusError: Error, CustomStringConvertible {
    case badConfig(String)
    case unsupportedNonlinear(name: String, configString: String)
    case badInput(expected: String, got: [Int])

    public var description: String {
        switch self {
        case let .badConfig(r): return "CAMPPlus config: \(r)"
        case let .unsupportedNonlinear(n, s):
            return "CAMPPlus config_str '\(s)': unknown part '\(n)' (expected relu, prelu, batchnorm or batchnorm_)"
        case let .badInput(e, g): return "CAMPPlus input: expected \(e), got shape \(g)"
        }
    }
}

public struct CAMPPlusConfig: Decodable, Sendable {
    public var featDim: Int
    public var embeddingSize: Int
    public var growthRate: Int
    public var bnSize: Int
    public var initChannels: Int
    /// `get_nonlinear` recipe, e.g. "batchnorm-relu".
    public var configStr: String
    /// Training-only (gradient checkpointing); no effect at inference.
    public var memoryEfficient: Bool

    enum CodingKeys: String, CodingKey {
        case featDim = "feat_dim", embeddingSize = "embedding_size", growthRate = "growth_rate", bnSize = "bn_size"
        case initChannels = "init_channels", configStr = "config_str", memoryEfficient = "memory_efficient"
    }

    /// Defaults are the original constructor's, except `embedding_size`, which infer_v2 sets to 192.
    public init(featDim: Int = 80, embeddingSize: Int = 192, growthRate: Int = 32, bnSize: Int = 4, initChannels: Int = 128,
                configStr: String = "batchnorm-relu", memoryEfficient: Bool = true) {
        self.featDim = featDim
        self.embeddingSize = embeddingSize
        self.growthRate = growthRate
        self.bnSize = bnSize
        self.initChannels = initChannels
        self.configStr = configStr
        self.memoryEfficient = memoryEfficient
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = CAMPPlusConfig()
        featDim = try c.decodeIfPresent(Int.self, forKey: .featDim) ?? d.featDim
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? d.embeddingSize
        growthRate = try c.decodeIfPresent(Int.self, forKey: .growthRate) ?? d.growthRate
        bnSize = try c.decodeIfPresent(Int.self, forKey: .bnSize) ?? d.bnSize
        initChannels = try c.decodeIfPresent(Int.self, forKey: .initChannels) ?? d.initChannels
        configStr = try c.decodeIfPresent(String.self, forKey: .configStr) ?? d.configStr
        memoryEfficient = try c.decodeIfPresent(Bool.self, forKey: .memoryEfficient) ?? d.memoryEfficient
    }

    /// Bottleneck width of every dense layer (`bn_size · growth_rate`).
    public var bottleneckChannels: Int { bnSize * growthRate }
}

/// Sizes fixed in the original source rather than passed to the constructor.
public struct CAMPPlusArchitecture: Decodable, Sendable {
    public struct DenseBlock: Sendable, Equatable {
        public var numLayers: Int
        public var kernelSize: Int
        public var dilation: Int
    }

    /// FCM head width (`FCM.m_channels`).
    public var fcmChannels: Int
    /// BasicResBlocks in FCM layer1 and layer2 (`FCM.num_blocks`).
    public var fcmBlocks: [Int]
    /// The three CAM dense blocks.
    public var denseBlocks: [DenseBlock]
    /// CAM context segment length (`CAMLayer.seg_pooling(seg_len=100)`).
    public var segLen: Int

    /// The values in DTDNN.py / layers.py.
    public static let original = CAMPPlusArchitecture(
        fcmChannels: 32, fcmBlocks: [2, 2],
        denseBlocks: [DenseBlock(numLayers: 12, kernelSize: 3, dilation: 1),
                      DenseBlock(numLayers: 24, kernelSize: 3, dilation: 2),
                      DenseBlock(numLayers: 16, kernelSize: 3, dilation: 2)],
        segLen: 100)

    public init(fcmChannels: Int, fcmBlocks: [Int], denseBlocks: [DenseBlock], segLen: Int) {
        self.fcmChannels = fcmChannels
        self.fcmBlocks = fcmBlocks
        self.denseBlocks = denseBlocks
        self.segLen = segLen
    }

    enum CodingKeys: String, CodingKey {
        case fcmChannels = "FCM.m_channels", fcmBlocks = "FCM.num_blocks", denseBlocks = "dense_blocks"
        case segLen = "CAMLayer.seg_len"
    }

    struct DenseBlocks: Decodable {
        var num_layers: [Int]
        var kernel_size: [Int]
        var dilation: [Int]
    }

    /// Decodes a case's "fixed_in_code" block; absent keys keep the original's values.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let o = CAMPPlusArchitecture.original
        fcmChannels = try c.decodeIfPresent(Int.self, forKey: .fcmChannels) ?? o.fcmChannels
        fcmBlocks = try c.decodeIfPresent([Int].self, forKey: .fcmBlocks) ?? o.fcmBlocks
        segLen = try c.decodeIfPresent(Int.self, forKey: .segLen) ?? o.segLen
        if let d = try c.decodeIfPresent(DenseBlocks.self, forKey: .denseBlocks) {
            guard d.num_layers.count == d.kernel_size.count, d.num_layers.count == d.dilation.count else {
                throw CAMPPlusError.badConfig("dense_blocks lists differ in length: \(d.num_layers), \(d.kernel_size), \(d.dilation)")
            }
            denseBlocks = zip(d.num_layers, zip(d.kernel_size, d.dilation)).map {
                DenseBlock(numLayers: $0.0, kernelSize: $0.1.0, dilation: $0.1.1)
            }
        } else {
            denseBlocks = o.denseBlocks
        }
    }
}
