// Configuration of the ECAPA-TDNN speaker encoder (`speaker_encoder_config` of the model's config.json, mirroring
// qwen_tts `Qwen3TTSSpeakerEncoderConfig`) and of its mel front end. The front end's values are literals in
// the original (`Qwen3TTSForConditionalGeneration.extract_speaker_embedding` calls `mel_spectrogram` with
// n_fft 1024, 128 mels, 24 kHz, hop 256, window 1024, fmin 0, fmax 12000); they are the defaults here.
import AudioDSP
import Foundation

public struct Qwen3SpeakerEncoderConfig: Decodable, Sendable, Equatable {
    public var melDim: Int
    public var encDim: Int
    public var encChannels: [Int]
    public var encKernelSizes: [Int]
    public var encDilations: [Int]
    public var encAttentionChannels: Int
    public var encRes2netScale: Int
    public var encSeChannels: Int
    public var sampleRate: Int

    enum CodingKeys: String, CodingKey {
        case melDim = "mel_dim", encDim = "enc_dim", encChannels = "enc_channels", encKernelSizes = "enc_kernel_sizes"
        case encDilations = "enc_dilations", encAttentionChannels = "enc_attention_channels"
        case encRes2netScale = "enc_res2net_scale", encSeChannels = "enc_se_channels", sampleRate = "sample_rate"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func opt<T: Decodable>(_ k: CodingKeys, _ d: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? d }
        melDim = try opt(.melDim, 128)
        encDim = try opt(.encDim, 1024)
        encChannels = try opt(.encChannels, [512, 512, 512, 512, 1536])
        encKernelSizes = try opt(.encKernelSizes, [5, 3, 3, 3, 1])
        encDilations = try opt(.encDilations, [1, 2, 3, 4, 1])
        encAttentionChannels = try opt(.encAttentionChannels, 128)
        encRes2netScale = try opt(.encRes2netScale, 8)
        encSeChannels = try opt(.encSeChannels, 128)
        sampleRate = try opt(.sampleRate, 24000)
    }

    /// Reads `speaker_encoder_config` from a model's config.json.
    public static func load(modelConfigPath path: String) throws -> Qwen3SpeakerEncoderConfig {
        struct Wrapper: Decodable {
            let speakerEncoderConfig: Qwen3SpeakerEncoderConfig?
            enum CodingKeys: String, CodingKey { case speakerEncoderConfig = "speaker_encoder_config" }
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Qwen3TTSError.config("cannot read \(path)")
        }
        guard let config = try JSONDecoder().decode(Wrapper.self, from: data).speakerEncoderConfig else {
            throw Qwen3TTSError.config("\(path) has no speaker_encoder_config; only Base checkpoints carry a speaker encoder")
        }
        return config
    }

    /// Checks the structural constraints the module shapes depend on.
    public func validate() throws {
        func fail(_ s: String) -> Qwen3TTSError { .config("speaker_encoder_config: " + s) }
        guard encChannels.count >= 3, encChannels.count == encKernelSizes.count, encChannels.count == encDilations.count else {
            throw fail("enc_channels, enc_kernel_sizes and enc_dilations need the same length ≥ 3, found "
                       + "\(encChannels.count), \(encKernelSizes.count), \(encDilations.count)")
        }
        guard encRes2netScale >= 2 else { throw fail("enc_res2net_scale must be ≥ 2, found \(encRes2netScale)") }
        for i in 1..<(encChannels.count - 1) where encChannels[i] % encRes2netScale != 0 {
            throw fail("enc_channels[\(i)] = \(encChannels[i]) is not divisible by enc_res2net_scale \(encRes2netScale)")
        }
        let blockSum = encChannels[1..<(encChannels.count - 1)].reduce(0, +)
        guard blockSum == encChannels.last! else {
            throw fail("the MFA input (sum of the SE-Res2Net channels, \(blockSum)) must equal enc_channels[-1] \(encChannels.last!)")
        }
        guard melDim > 0, encDim > 0, encAttentionChannels > 0, encSeChannels > 0 else {
            throw fail("mel_dim, enc_dim, enc_attention_channels and enc_se_channels must be positive")
        }
    }
}

/// The speaker encoder's mel front end (`mel_spectrogram` as `extract_speaker_embedding` calls it).
public struct Qwen3SpeakerMelConfig: Decodable, Sendable, Equatable {
    public var nFFT = 1024
    public var numMels = 128
    public var samplingRate = 24000
    public var hopSize = 256
    public var winSize = 1024
    public var fmin: Double = 0
    public var fmax: Double? = 12000
    public var center = false

    enum CodingKeys: String, CodingKey {
        case nFFT = "n_fft", numMels = "num_mels", samplingRate = "sampling_rate", hopSize = "hop_size", winSize = "win_size"
        case fmin, fmax, center
    }

    public init() {}

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nFFT = try c.decode(Int.self, forKey: .nFFT)
        numMels = try c.decode(Int.self, forKey: .numMels)
        samplingRate = try c.decode(Int.self, forKey: .samplingRate)
        hopSize = try c.decode(Int.self, forKey: .hopSize)
        winSize = try c.decode(Int.self, forKey: .winSize)
        fmin = try c.decode(Double.self, forKey: .fmin)
        fmax = try c.decodeIfPresent(Double.self, forKey: .fmax)
        center = try c.decodeIfPresent(Bool.self, forKey: .center) ?? false
    }

    /// The same front end in AudioDSP's terms (IndexTTS2's mel_spectrogram is the identical function).
    public var spectrogram: MelSpectrogramConfig {
        MelSpectrogramConfig(nFFT: nFFT, winSize: winSize, hopSize: hopSize, numMels: numMels, samplingRate: samplingRate,
                             fmin: fmin, fmax: fmax, center: center)
    }
}
