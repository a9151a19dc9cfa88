// CAM++ speaker encoder (indextts/s2mel/modules/campplus/DTDNN.py `CAMPPlus`, layers from layers.py), the
// IndexTTS2 style encoder: mean-normalised Kaldi fbank (B, T, feat_dim) → style embedding (B, embedding_size).
//
//   permute → (B, F, T) → FCM head → (B, m·F/8, T)
//   xvector.tdnn: Conv1d(k 5, stride 2, pad 2, no bias) → nonlinear          (B, init_channels, T2), T2 = ⌊(T−1)/2⌋+1
//   block1..3 (CAM dense blocks) each followed by transit1..3: nonlinear → 1×1 conv C → C/2 (no bias)
//   out_nonlinear → stats pooling [mean_t, std_t (unbiased, N−1)] → (B, 2C)
//   dense: 1×1 conv 2C → E (no bias) → "batchnorm_" (BatchNorm1d affine=False)
// "nonlinear" is `get_nonlinear(config_str)` (BatchNorm1d eps 1e-5 in eval mode, then ReLU for "batchnorm-relu").
// Weights: the CAMPPlus state_dict (head.*, xvector.*), BatchNorm num_batches_tracked included; strict.
import Foundation
import Logging
import Neural
import Tensors

/// `TDNNLayer` / `TransitLayer` / `DenseLayer` of layers.py: a Conv1d and a `get_nonlinear` stack, in the
/// order the original applies them (TDNN and Dense: conv first; Transit: nonlinear first).
struct CAMPPlusConvUnit: Sendable {
    let linear: Conv1d
    let nonlinear: CAMPPlusNonlinear
    let nonlinearFirst: Bool

    init(_ scope: WeightScope, inChannels: Int, outChannels: Int, kernelSize: Int = 1, spec: Conv1dSpec = Conv1dSpec(),
         configString: String, nonlinearFirst: Bool) throws {
        linear = try Conv1d(scope.scope("linear"), inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize,
                            spec: spec, bias: false)
        nonlinear = try CAMPPlusNonlinear(scope.scope("nonlinear"), configString: configString,
                                          channels: nonlinearFirst ? inChannels : outChannels)
        self.nonlinearFirst = nonlinearFirst
    }

    /// x (B, Cin, T) → (B, Cout, T')
    func callAsFunction(_ x: Tensor) -> Tensor {
        nonlinearFirst ? linear(nonlinear(x)) : nonlinear(linear(x))
    }
}

public final class CAMPPlus: @unchecked Sendable {
    public let config: CAMPPlusConfig
    public let architecture: CAMPPlusArchitecture
    let head: FCMHead
    let tdnn: CAMPPlusConvUnit
    let blocks: [CAMDenseTDNNBlock]
    let transits: [CAMPPlusConvUnit]
    let outNonlinear: CAMPPlusNonlinear
    let dense: CAMPPlusConvUnit
    private static let logger = Logger(label: "bookvox.indextts2.campplus")

    /// Builds the encoder from `config`, reading every weight from `weights` (strict: unused keys throw).
    public init(config: CAMPPlusConfig, architecture: CAMPPlusArchitecture = .original, weights: WeightStore) throws {
        self.config = config
        self.architecture = architecture
        let root = weights.root
        head = try FCMHead(root.scope("head"), featDim: config.featDim, channels: architecture.fcmChannels,
                           blocks: architecture.fcmBlocks)
        let xv = root.scope("xvector")
        tdnn = try CAMPPlusConvUnit(xv.scope("tdnn"), inChannels: head.outChannels, outChannels: config.initChannels,
                                    kernelSize: 5, spec: Conv1dSpec(stride: 2, padding: 2), configString: config.configStr,
                                    nonlinearFirst: false)
        var channels = config.initChannels
        var blocks: [CAMDenseTDNNBlock] = []
        var transits: [CAMPPlusConvUnit] = []
        for (i, b) in architecture.denseBlocks.enumerated() {
            let block = try CAMDenseTDNNBlock(xv.scope("block\(i + 1)"), numLayers: b.numLayers, inChannels: channels,
                                              growthRate: config.growthRate, bnChannels: config.bottleneckChannels,
                                              kernelSize: b.kernelSize, dilation: b.dilation, configString: config.configStr,
                                              segLen: architecture.segLen)
            channels = block.outChannels
            blocks.append(block)
            transits.append(try CAMPPlusConvUnit(xv.scope("transit\(i + 1)"), inChannels: channels, outChannels: channels / 2,
                                                 configString: config.configStr, nonlinearFirst: true))
            channels /= 2
        }
        self.blocks = blocks
        self.transits = transits
        outNonlinear = try CAMPPlusNonlinear(xv.scope("out_nonlinear"), configString: config.configStr, channels: channels)
        dense = try CAMPPlusConvUnit(xv.scope("dense"), inChannels: channels * 2, outChannels: config.embeddingSize,
                                     configString: "batchnorm_", nonlinearFirst: false)
        try weights.finish()
        CAMPPlus.logger.debug("CAMPPlus built: FCM \(head.outChannels) ch, \(blocks.count) dense blocks, embedding \(config.embeddingSize)")
    }

    /// Frame-level features after the last transit layer and `out_nonlinear`: feat (B, T, F) → (B, C, T2).
    public func frameFeatures(_ feat: Tensor) throws -> Tensor {
        guard feat.rank == 3, feat.shape[2] == config.featDim else {
            throw CAMPPlusError.badInput(expected: "(B, T, \(config.featDim)) fbank features", got: feat.shape)
        }
        // Stats pooling takes an unbiased std over the TDNN output, which needs at least 2 frames.
        guard (feat.shape[1] - 1) / 2 + 1 >= 2 else {
            throw CAMPPlusError.badInput(expected: "at least 3 fbank frames", got: feat.shape)
        }
        var x = head(feat.transposed(1, 2)) // (B, m·F/8, T)
        x = tdnn(x) // (B, C0, T2)
        for (block, transit) in zip(blocks, transits) {
            x = transit(block(x)) // (B, C/2, T2)
        }
        return outNonlinear(x) // (B, C, T2)
    }

    /// feat (B, T, feat_dim) → style (B, embedding_size)
    public func callAsFunction(_ feat: Tensor) throws -> Tensor {
        let x = try frameFeatures(feat) // (B, C, T2)
        let stats = CAMPPlus.statisticsPooling(x) // (B, 2C)
        let y = dense(stats.reshaped([stats.shape[0], stats.shape[1], 1])) // (B, E, 1)
        return y.reshaped([y.shape[0], y.shape[1]]) // (B, E)
    }

    /// `statistics_pooling`: concat(mean over time, unbiased std over time) → (B, 2C).
    static func statisticsPooling(_ x: Tensor) -> Tensor {
        let (b, c, t) = (x.shape[0], x.shape[1], x.shape[2])
        var out = Tensor(zeros: [b, 2 * c]) // (B, 2C)
        let src = x.pointer
        out.withUnsafeMutableBufferPointer { o in
            for bi in 0..<b {
                for ch in 0..<c {
                    let p = src + (bi * c + ch) * t
                    var s = 0.0
                    for j in 0..<t { s += Double(p[j]) }
                    let mean = s / Double(t)
                    var v = 0.0
                    for j in 0..<t { let d = Double(p[j]) - mean; v += d * d }
                    o[bi * 2 * c + ch] = Float(mean)
                    o[bi * 2 * c + c + ch] = Float((v / Double(t - 1)).squareRoot())
                }
            }
        }
        return out
    }
}
