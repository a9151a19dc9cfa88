// The ECAPA-TDNN speaker encoder of the Base checkpoints, mirroring qwen_tts `Qwen3TTSSpeakerEncoder` and
// `Qwen3TTSForConditionalGeneration.extract_speaker_embedding` (qwen_tts/core/models/modeling_qwen3_tts.py):
//
//   audio 24 kHz → log-mel (reflect pad (n_fft − hop)/2, STFT center=False, periodic Hann, √(re² + im² + 1e-9),
//   Slaney mel with fmax 12000, ln(clamp(·, 1e-5)))                                   (1, mels, T)
//   → blocks.0 TDNN(mels → C0, k0, d0) → blocks.1…n SE-Res2Net(C, k_i, d_i)
//   → mfa TDNN(cat(blocks.1…n) → C_last, 1×1) → asp → fc conv (2·C_last → enc_dim)     (enc_dim)
// The x-vector is not normalized. Weights: `speaker_encoder.*` of the main model.safetensors.
import AudioDSP
import Foundation
import Neural
import Tensors

public final class Qwen3SpeakerNetwork: @unchecked Sendable {
    public let config: Qwen3SpeakerEncoderConfig
    let initial: SpeakerTDNN
    let blocks: [SpeakerSERes2NetBlock]
    let mfa: SpeakerTDNN
    let asp: SpeakerAttentivePooling
    let fc: SpeakerConv

    /// Builds the network from `scope` (the keys under `speaker_encoder.`).
    public init(config: Qwen3SpeakerEncoderConfig, weights scope: WeightScope) throws {
        try config.validate()
        self.config = config
        let ch = config.encChannels, ks = config.encKernelSizes, ds = config.encDilations
        initial = try SpeakerTDNN(scope.scope("blocks.0"), inChannels: config.melDim, outChannels: ch[0],
                                  kernelSize: ks[0], dilation: ds[0])
        blocks = try (1..<(ch.count - 1)).map { i in
            try SpeakerSERes2NetBlock(scope.scope("blocks.\(i)"), inChannels: ch[i - 1], outChannels: ch[i],
                                      scale: config.encRes2netScale, seChannels: config.encSeChannels,
                                      kernelSize: ks[i], dilation: ds[i])
        }
        let last = ch.count - 1
        mfa = try SpeakerTDNN(scope.scope("mfa"), inChannels: ch[last], outChannels: ch[last], kernelSize: ks[last],
                              dilation: ds[last])
        asp = try SpeakerAttentivePooling(scope.scope("asp"), channels: ch[last], attentionChannels: config.encAttentionChannels)
        fc = try SpeakerConv(scope.scope("fc"), inChannels: 2 * ch[last], outChannels: config.encDim, kernelSize: 1)
    }

    /// Stage outputs, named as in the parity case, batch dim kept.
    public typealias StageHook = (_ name: String, _ value: Tensor) -> Void

    /// mel (B, mels, T) → embeddings (B, enc_dim). `hook` sees block0…n, mfa, asp.
    public func forward(mel: Tensor, hook: StageHook? = nil) throws -> Tensor {
        guard mel.rank == 3, mel.shape[1] == config.melDim else {
            throw Qwen3TTSError.shape(what: "speaker encoder mel input (B, mels, T)", expected: [1, config.melDim, -1], found: mel.shape)
        }
        let maxPad = zip(config.encKernelSizes, config.encDilations).map { k, d in d * (k - 1) - d * (k - 1) / 2 }.max() ?? 0
        guard mel.shape[2] > maxPad else {
            throw Qwen3TTSError.shape(what: "speaker encoder input needs more than \(maxPad) mel frames (reflect padding); the audio is too short",
                                      expected: [1, config.melDim, maxPad + 1], found: mel.shape)
        }
        var h = initial(mel) // (B, C0, T)
        hook?("block0", h)
        var collected: [Tensor] = []
        for (i, block) in blocks.enumerated() {
            h = block(h) // (B, C_i, T)
            hook?("block\(i + 1)", h)
            collected.append(h)
        }
        let aggregated = mfa(Tensor.concat(collected, axis: 1)) // (B, C_last, T)
        hook?("mfa", aggregated)
        let pooled = asp(aggregated) // (B, 2·C_last, 1)
        hook?("asp", pooled)
        let out = fc(pooled) // (B, enc_dim, 1)
        return out.reshaped([out.shape[0], out.shape[1]]) // (B, enc_dim)
    }
}

/// Reference audio → x-vector, as `extract_speaker_embedding(audio, 24000)`.
public final class Qwen3SpeakerEncoder: @unchecked Sendable {
    public let network: Qwen3SpeakerNetwork
    public let mel: LogMelSpectrogram

    /// The prefix of the speaker encoder's keys in the main model.safetensors.
    public static let weightPrefix = "speaker_encoder."
    /// Key prefixes of the main model.safetensors owned by other components (the talker, loaded by `Qwen3Talker`).
    public static let otherComponentPrefixes = ["talker."]

    public init(network: Qwen3SpeakerNetwork, mel: Qwen3SpeakerMelConfig = Qwen3SpeakerMelConfig()) throws {
        guard mel.numMels == network.config.melDim else {
            throw Qwen3TTSError.config("the mel front end makes \(mel.numMels) mels but speaker_encoder_config.mel_dim is \(network.config.melDim)")
        }
        self.network = network
        self.mel = try LogMelSpectrogram(config: mel.spectrogram)
    }

    /// `directory` is a Base model folder: `config.json` (speaker_encoder_config) and `model.safetensors`
    /// (`speaker_encoder.*`, next to the talker's `talker.*`, which is left by name to the talker's loader).
    public convenience init(modelDirectory directory: URL) throws {
        let config = try Qwen3SpeakerEncoderConfig.load(modelConfigPath: directory.appendingPathComponent("config.json").path)
        let store = try WeightStore(path: directory.appendingPathComponent("model.safetensors").path)
        try self.init(network: try Self.loadNetwork(config: config, store: store))
    }

    /// Builds the network from the keys under `speaker_encoder.` and checks that every other key of the file is
    /// under a prefix of `otherComponentPrefixes`.
    public static func loadNetwork(config: Qwen3SpeakerEncoderConfig, store: WeightStore) throws -> Qwen3SpeakerNetwork {
        let network = try Qwen3SpeakerNetwork(config: config, weights: store.scope(weightPrefix))
        try store.finish(ignoring: otherComponentPrefixes)
        return network
    }

    /// Sample rate the front end expects (24 kHz); resample before calling `embedding`.
    public var sampleRate: Int { mel.config.samplingRate }

    /// Log-mel features of mono audio: (1, mels, frames).
    public func melFeatures(audio24k: [Float]) throws -> Tensor {
        try mel.compute(audio24k)
    }

    /// Mono audio at `sampleRate` → the speaker embedding (enc_dim values, not normalized).
    public func embedding(audio24k: [Float]) throws -> [Float] {
        try network.forward(mel: try melFeatures(audio24k: audio24k)).array
    }
}
