// IndexTTS2's two reference-audio chains (§1.2 of the spec):
//   speaker:  librosa.load(path) → soxr HQ native → 22 050 Hz (skipped when already 22 050), length ceil(N·r),
//             cut to 15 s → audio_22k; audio_16k = torchaudio sinc Resample(22050 → 16000)(audio_22k)
//             (w2v-BERT features and the CAMPPlus fbank use this one);
//   emotion:  librosa.load(path, sr=16000) → soxr HQ native → 16 000 Hz directly, cut to 15 s.
// The two 16 kHz signals differ even for the same file (one resampler vs two chained).
import AudioDSP
import Foundation

public struct ReferenceAudio: Sendable {
    /// `_load_and_cut_audio(..., max_audio_length_seconds=15)`.
    public static let maxSeconds = 15

    /// Mel / s2mel rate (config.yaml s2mel.preprocess_params.sr, 22 050).
    public let melRate: Int
    /// w2v-BERT / CAMPPlus rate (preprocessor_config.json sampling_rate, 16 000).
    public let featureRate: Int
    let sinc: SincResampler

    public init(melRate: Int, featureRate: Int) throws {
        guard melRate > 0, featureRate > 0 else {
            throw IndexTTS2ModelError.unsupported("reference rates must be positive (mel \(melRate) Hz, features \(featureRate) Hz)")
        }
        self.melRate = melRate
        self.featureRate = featureRate
        // torchaudio.transforms.Resample defaults: sinc_interp_hann, lowpass_filter_width 6, rolloff 0.99.
        sinc = try SincResampler(origFreq: melRate, newFreq: featureRate)
    }

    /// librosa.load(sr=rate) of already-decoded mono audio, then the 15 s cut at that rate.
    public static func load(_ audio: AudioBuffer, rate: Int) throws -> [Float] {
        let resampled = audio.sampleRate == rate
            ? audio.samples : try LibrosaResample.soxrHQ(audio.samples, from: audio.sampleRate, to: rate)
        return Array(resampled.prefix(maxSeconds * rate))
    }

    /// The speaker clip at the mel rate (audio_22k), cut to 15 s.
    public func speaker(_ audio: AudioBuffer) throws -> [Float] { try Self.load(audio, rate: melRate) }

    /// audio_16k from audio_22k (torchaudio sinc, 441:320 for 22 050 → 16 000).
    public func speakerFeatureRate(_ audio22k: [Float]) -> [Float] { sinc.resample(audio22k) }

    /// The emotion clip read directly at the feature rate, cut to 15 s.
    public func emotion(_ audio: AudioBuffer) throws -> [Float] { try Self.load(audio, rate: featureRate) }
}
