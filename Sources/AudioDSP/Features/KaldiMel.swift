// Kaldi mel-scale filterbanks, m(f) = 1127·ln(1 + f/700), triangles built in mel space
// (no area normalization). Two references with different arithmetic:
//   torchaudioBanks  — torchaudio.compliance.kaldi.get_mel_banks: edges from float64 scalars,
//                      everything per bin in float32; built on padded/2 bins, then a zero
//                      Nyquist column is appended (what kaldi.fbank does).
//   transformersBanks — transformers.audio_utils.mel_filter_bank(mel_scale="kaldi",
//                      triangularize_in_mel_space=True, norm=None), float64 throughout
//                      (SeamlessM4TFeatureExtractor.mel_filters, stored there as (bins, mels)).
import Foundation

public enum KaldiMel {
    public static func melScale(_ f: Double) -> Double { 1127.0 * log(1.0 + f / 700.0) }
    public static func inverseMelScale(_ m: Double) -> Double { 700.0 * (exp(m / 1127.0) - 1.0) }

    /// torchaudio.compliance.kaldi.get_mel_banks(num_bins, padded, sample_freq, low, high, vtln 100/-500/1.0)
    /// plus the zero Nyquist column: shape (melCount, padded/2 + 1).
    public static func torchaudioBanks(melCount: Int, paddedWindowSize: Int, sampleFrequency: Double,
                                       lowFreq: Double, highFreq: Double) throws -> MelFilterbank {
        guard melCount > 3 else { throw FeatureError.invalidConfig("Kaldi fbank needs more than 3 mel bins, got \(melCount)") }
        guard paddedWindowSize % 2 == 0 else {
            throw FeatureError.invalidConfig("Kaldi padded window size must be even, got \(paddedWindowSize)")
        }
        let nyquist = 0.5 * sampleFrequency
        let high = highFreq <= 0 ? highFreq + nyquist : highFreq
        guard lowFreq >= 0, lowFreq < nyquist, high > 0, high <= nyquist, lowFreq < high else {
            throw FeatureError.invalidConfig("Kaldi mel banks: need 0 ≤ low_freq < high_freq ≤ Nyquist (\(nyquist)); got low \(lowFreq), high \(high)")
        }
        let fftBins = paddedWindowSize / 2
        let binWidth = Float(sampleFrequency / Double(paddedWindowSize))
        let melLow = melScale(lowFreq), melHigh = melScale(high)
        let delta = Float((melHigh - melLow) / Double(melCount + 1))
        let melLowF = Float(melLow)
        // Bin centres on the mel scale, float32 as torch computes them.
        let binMel: [Float] = (0..<fftBins).map { k in
            let f = binWidth * Float(k)
            return 1127.0 * log(1.0 + f / 700.0)
        }
        let width = fftBins + 1
        var weights = [Double](repeating: 0, count: melCount * width)
        for m in 0..<melCount {
            let left = melLowF + Float(m) * delta
            let center = melLowF + Float(m + 1) * delta
            let right = melLowF + Float(m + 2) * delta
            for k in 0..<fftBins {
                let up = (binMel[k] - left) / (center - left)
                let down = (right - binMel[k]) / (right - center)
                weights[m * width + k] = Double(max(0, min(up, down)))
            }
        }
        return try MelFilterbank(melCount: melCount, binCount: width, weights: weights)
    }

    /// transformers mel_filter_bank(num_frequency_bins, num_mel_filters, min_frequency, max_frequency,
    /// sampling_rate, norm=None, mel_scale="kaldi", triangularize_in_mel_space=True), as (mels, bins).
    public static func transformersBanks(frequencyBins: Int, melCount: Int, minFrequency: Double,
                                         maxFrequency: Double, sampleRate: Double) throws -> MelFilterbank {
        guard frequencyBins > 1, melCount > 0, minFrequency >= 0, maxFrequency > minFrequency else {
            throw FeatureError.invalidConfig("Kaldi mel filters: need bins > 1, mels > 0, 0 ≤ min < max; got bins \(frequencyBins), mels \(melCount), \(minFrequency)–\(maxFrequency) Hz")
        }
        let edges = LibrosaMel.linspace(melScale(minFrequency), melScale(maxFrequency), melCount + 2)
        let binWidth = sampleRate / Double((frequencyBins - 1) * 2)
        let binMel = (0..<frequencyBins).map { melScale(binWidth * Double($0)) }
        var weights = [Double](repeating: 0, count: melCount * frequencyBins)
        for m in 0..<melCount {
            let lowDiff = edges[m + 1] - edges[m], highDiff = edges[m + 2] - edges[m + 1]
            for k in 0..<frequencyBins {
                let down = -(edges[m] - binMel[k]) / lowDiff
                let up = (edges[m + 2] - binMel[k]) / highDiff
                weights[m * frequencyBins + k] = max(0, min(down, up))
            }
        }
        return try MelFilterbank(melCount: melCount, binCount: frequencyBins, weights: weights)
    }
}
