// Whisper's log-mel front end (openai-whisper audio.py log_mel_spectrogram), on 16 kHz mono audio:
//   pad `padding` zeros on the right → torch.stft(n_fft 400, hop 160, periodic Hann(400), center, reflect pad)
//   → |X|² without the last frame → mel_filters @ |X|² (librosa Slaney filters, 80 or 128 mels, as
//   mel_filters.npz stores them) → log10(clamp(·, 1e−10)) → max(·, global max − 8) → (· + 4) / 4.
// transcribe() pads 30 s of zeros (N_SAMPLES) and reads only the content frames. A frame whose 400-sample
// window lies wholly in that zero padding has a zero spectrum, so its value is the constant log10(1e−10) before
// the clamp: only the frames that touch the audio are computed, and the rest are that constant — the same
// numbers at a cost proportional to the audio, not to the padding.
import AudioDSP
import Foundation
import Tensors

public struct WhisperLogMel: Sendable {
    public static let sampleRate = 16_000
    public static let nFFT = 400
    public static let hopLength = 160
    public static let chunkSeconds = 30
    /// Samples in a 30 s chunk (N_SAMPLES).
    public static let chunkSamples = chunkSeconds * sampleRate
    /// Mel frames in a 30 s chunk (N_FRAMES).
    public static let chunkFrames = chunkSamples / hopLength

    public let melCount: Int
    public let filterbank: MelFilterbank
    private let stft: STFT

    public init(melCount: Int) throws {
        guard melCount == 80 || melCount == 128 else {
            throw WhisperError.config("Whisper's mel filters exist for 80 and 128 mels, not \(melCount)")
        }
        self.melCount = melCount
        filterbank = try LibrosaMel.filterbank(sampleRate: Self.sampleRate, nFFT: Self.nFFT, melCount: melCount,
                                               fmin: 0, fmax: Double(Self.sampleRate) / 2, scale: .slaney, slaneyNorm: true)
        let window = Windows.hann(length: Self.nFFT, periodic: true).map { Float($0) }
        stft = try STFT(nFFT: Self.nFFT, hopLength: Self.hopLength, window: window, center: false)
    }

    /// The log-mel spectrogram of `audio` followed by `padding` zeros. `skipSilentFrames: false` computes every frame
    /// (the same numbers; tests compare the two).
    public func compute(_ audio: [Float], padding: Int = 0, skipSilentFrames: Bool = true) throws -> WhisperMel {
        guard padding >= 0 else { throw WhisperError.input("mel padding must be ≥ 0, got \(padding)") }
        let n = audio.count + padding
        let half = Self.nFFT / 2
        guard n > half else {
            throw WhisperError.input("audio of \(n) samples (with padding) is too short for the 400-point STFT's reflect padding")
        }
        let totalFrames = n / Self.hopLength // 1 + n/hop frames, the last one dropped
        // The reflect-padded signal up to what the computed frames read.
        var computed = totalFrames
        var signal: [Float]
        if padding > half && skipSilentFrames {
            // Frames starting at or after half + audio.count read only zeros (the right reflection mirrors zeros).
            computed = min(totalFrames, (half + audio.count + Self.hopLength - 1) / Self.hopLength)
            let needed = (computed - 1) * Self.hopLength + Self.nFFT
            signal = [Float](repeating: 0, count: max(needed, half + audio.count))
            for i in 0..<half { signal[i] = sample(audio, padding: padding, at: half - i) }
            signal.replaceSubrange(half..<(half + audio.count), with: audio)
        } else {
            var padded = audio
            padded += [Float](repeating: 0, count: padding)
            signal = try Padding.reflect(padded, left: half, right: half)
        }
        var values = [Float](repeating: 0, count: melCount * computed) // (mels, computed) row-major
        if computed > 0 {
            let usable = Array(signal.prefix((computed - 1) * Self.hopLength + Self.nFFT))
            let spec = try stft.spectrogram(usable, kind: .power) // (computed, 201)
            let bins = stft.binCount
            var row = [Float](repeating: 0, count: melCount)
            spec.withUnsafeBufferPointer { s in
                row.withUnsafeMutableBufferPointer { r in
                    for t in 0..<computed {
                        filterbank.apply(s.baseAddress! + t * bins, into: r.baseAddress!)
                        for m in 0..<melCount { values[m * computed + t] = log10(max(r[m], Self.floor)) }
                    }
                }
            }
        }
        let silence = log10(Self.floor)
        var peak = values.max() ?? -.infinity
        if computed < totalFrames { peak = max(peak, silence) }
        let lowest = peak - 8
        for i in values.indices { values[i] = (max(values[i], lowest) + 4) / 4 }
        return WhisperMel(melCount: melCount, frameCount: totalFrames, computedFrames: computed, values: values,
                          fill: (max(silence, lowest) + 4) / 4)
    }

    static let floor: Float = 1e-10

    /// Sample i of audio + zeros(padding) (for the left reflection when the audio is shorter than 200 samples).
    private func sample(_ audio: [Float], padding: Int, at i: Int) -> Float { i < audio.count ? audio[i] : 0 }
}

/// A log-mel spectrogram (n_mels, frameCount) whose frames from `computedFrames` on all hold `fill`.
public struct WhisperMel: Sendable {
    public let melCount: Int
    public let frameCount: Int
    let computedFrames: Int
    let values: [Float] // (mels, computedFrames)
    let fill: Float

    /// Frames start..<start+count as (n_mels, count); frames past the end are zeros (pad_or_trim's padding).
    public func frames(start: Int, count: Int, paddedTo total: Int? = nil) -> Tensor {
        let width = total ?? count
        var out = [Float](repeating: 0, count: melCount * width)
        let end = min(start + count, frameCount)
        if start < end {
            for m in 0..<melCount {
                for t in start..<end {
                    out[m * width + (t - start)] = t < computedFrames ? values[m * computedFrames + t] : fill
                }
            }
        }
        return Tensor(shape: [melCount, width], data: out)
    }
}
