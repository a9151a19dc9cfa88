// BigVGAN with another convolution policy over the same weights (no second load from disk): IndexTTS2's fast
// mode builds its vocoder this way from the exact one (ConvolutionPolicy.fast: oneDNN for the 96–768-channel
// k ≥ 7 resblock convolutions, im2col + sgemm elsewhere; docs/precision.md, "Convolutions").
import Tensors

extension AMPBlock1 {
    init(convs1: [Conv1d], convs2: [Conv1d], activations: [Activation1d]) {
        self.convs1 = convs1
        self.convs2 = convs2
        self.activations = activations
    }

    func using(_ policy: ConvolutionPolicy) -> AMPBlock1 {
        AMPBlock1(convs1: convs1.map { $0.using(policy) }, convs2: convs2.map { $0.using(policy) }, activations: activations)
    }
}

extension BigVGAN {
    /// The same generator with every convolution run as `policy` chooses for its shape (weights shared).
    public func using(_ policy: ConvolutionPolicy) -> BigVGAN {
        BigVGAN(config: config, convPre: convPre.using(policy), ups: ups.map { $0.using(policy) },
                resblocks: resblocks.map { $0.using(policy) }, activationPost: activationPost, convPost: convPost.using(policy))
    }

    /// How many of the generator's convolutions run through oneDNN (tests check that a policy took effect).
    public var oneDNNConvolutionCount: Int {
        ([convPre, convPost] + resblocks.flatMap { $0.convs1 + $0.convs2 }).filter { $0.oneDNN != nil }.count
            + ups.filter { $0.oneDNN != nil }.count
    }
}
