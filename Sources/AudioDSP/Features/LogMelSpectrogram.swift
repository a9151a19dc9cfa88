// IndexTTS2's reference log-mel (indextts/s2mel/modules/audio.py mel_spectrogram), the mel the
// s2mel DiT generates and BigVGAN consumes:
//   reflect-pad int((n_fft − hop)/2) on both sides → torch.stft(center, periodic Hann(win_size),
//   onesided) → magnitude sqrt(re² + im² + 1e-9) → librosa Slaney mel (Slaney norm) matmul →
//   ln(clamp(x, min 1e-5)). Natural log, not dB. Output (1, n_mels, frames).
import Foundation
import Tensors

/// The `mel_fn_args` IndexTTS2 builds from `s2mel.preprocess_params` (fmax "None" → nil = sr/2).
public struct MelSpectrogramConfig: Decodable, Sendable, Equatable {
    public var nFFT: Int
    public var winSize: Int
    public var hopSize: Int
    public var numMels: Int
    public var samplingRate: Int
    public var fmin: Double
    public var fmax: Double?
    public var center: Bool

    enum CodingKeys: String, CodingKey {
        case nFFT = "n_fft", winSize = "win_size", hopSize = "hop_size", numMels = "num_mels"
        case samplingRate = "sampling_rate", fmin, fmax, center
    }

    public init(nFFT: Int, winSize: Int, hopSize: Int, numMels: Int, samplingRate: Int,
                fmin: Double = 0, fmax: Double? = nil, center: Bool = false) {
        self.nFFT = nFFT
        self.winSize = winSize
        self.hopSize = hopSize
        self.numMels = numMels
        self.samplingRate = samplingRate
        self.fmin = fmin
        self.fmax = fmax
        self.center = center
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        nFFT = try c.decode(Int.self, forKey: .nFFT)
        winSize = try c.decode(Int.self, forKey: .winSize)
        hopSize = try c.decode(Int.self, forKey: .hopSize)
        numMels = try c.decode(Int.self, forKey: .numMels)
        samplingRate = try c.decode(Int.self, forKey: .samplingRate)
        fmin = try c.decodeIfPresent(Double.self, forKey: .fmin) ?? 0
        // IndexTTS2 configs write fmax as the string "None"; JSON null means the same.
        if let s = try? c.decodeIfPresent(String.self, forKey: .fmax) {
            guard s == "None" else { throw FeatureError.invalidConfig("mel fmax must be a number, null or \"None\", got \"\(s)\"") }
            fmax = nil
        } else {
            fmax = try c.decodeIfPresent(Double.self, forKey: .fmax)
        }
        center = try c.decodeIfPresent(Bool.self, forKey: .center) ?? false
    }
}

public struct LogMelSpectrogram: Sendable {
    public let config: MelSpectrogramConfig
    public let filterbank: MelFilterbank
    private let stft: STFT

    /// Magnitude epsilon inside the square root and the clamp floor before the log.
    public static let magnitudeEpsilon: Float = 1e-9
    public static let clampFloor: Float = 1e-5

    public init(config: MelSpectrogramConfig) throws {
        guard config.winSize <= config.nFFT, config.hopSize > 0, config.hopSize <= config.nFFT else {
            throw FeatureError.invalidConfig("mel_spectrogram needs win_size ≤ n_fft and 0 < hop ≤ n_fft; got n_fft \(config.nFFT), win \(config.winSize), hop \(config.hopSize)")
        }
        self.config = config
        filterbank = try LibrosaMel.filterbank(sampleRate: config.samplingRate, nFFT: config.nFFT, melCount: config.numMels,
                                               fmin: config.fmin, fmax: config.fmax)
        let window = Windows.hann(length: config.winSize, periodic: true).map { Float($0) }
        stft = try STFT(nFFT: config.nFFT, hopLength: config.hopSize, window: window, center: config.center, padMode: .reflect)
    }

    /// Frames produced for `sampleCount` input samples.
    public func frameCount(sampleCount: Int) -> Int {
        stft.frameCount(sampleCount: sampleCount + 2 * ((config.nFFT - config.hopSize) / 2))
    }

    /// Log-mel of mono `samples` at `config.samplingRate`: (1, n_mels, frames).
    public func compute(_ samples: [Float]) throws -> Tensor {
        let pad = (config.nFFT - config.hopSize) / 2
        let padded = try Padding.reflect(samples, left: pad, right: pad)
        let spec = try stft.spectrogram(padded, kind: .magnitude(epsilon: Self.magnitudeEpsilon))  // (T, bins)
        let bins = stft.binCount, mels = config.numMels
        let frames = spec.count / bins
        var out = [Float](repeating: 0, count: mels * frames)  // (mels, T)
        var row = [Float](repeating: 0, count: mels)
        spec.withUnsafeBufferPointer { s in
            row.withUnsafeMutableBufferPointer { r in
                for t in 0..<frames {
                    filterbank.apply(s.baseAddress! + t * bins, into: r.baseAddress!)
                    for m in 0..<mels { out[m * frames + t] = log(max(r[m], Self.clampFloor)) }
                }
            }
        }
        return Tensor(shape: [1, mels, frames], data: out)  // (1, n_mels, T)
    }
}
