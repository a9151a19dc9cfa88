// librosa.filters.mel (librosa 0.10.2): triangular filters between mel-spaced edge frequencies
// over the rfft bin frequencies, Slaney (default) or HTK mel scale, optional Slaney area
// normalization 2/(f[m+2] − f[m]). Mirrors librosa's float64 math and its float32 output buffer:
// each triangle is rounded to float32, then multiplied by the (float64) norm and rounded again.
import Foundation

public enum LibrosaMelScale: String, Sendable {
    /// Slaney: linear 0–1 kHz (200/3 Hz per mel), logarithmic above (step ln(6.4)/27).
    case slaney
    /// HTK: 2595·log10(1 + f/700).
    case htk

    private static let fSp = 200.0 / 3
    private static let minLogHz = 1000.0
    private static let minLogMel = minLogHz / fSp
    private static let logStep = log(6.4) / 27.0

    public func hzToMel(_ f: Double) -> Double {
        switch self {
        case .htk: return 2595.0 * log10(1.0 + f / 700.0)
        case .slaney:
            if f >= Self.minLogHz { return Self.minLogMel + log(f / Self.minLogHz) / Self.logStep }
            return f / Self.fSp
        }
    }

    public func melToHz(_ m: Double) -> Double {
        switch self {
        case .htk: return 700.0 * (pow(10.0, m / 2595.0) - 1.0)
        case .slaney:
            if m >= Self.minLogMel { return Self.minLogHz * exp(Self.logStep * (m - Self.minLogMel)) }
            return Self.fSp * m
        }
    }
}

public enum LibrosaMel {
    /// numpy.linspace(start, stop, num) with endpoint: i·step + start, last element exactly stop.
    static func linspace(_ start: Double, _ stop: Double, _ num: Int) -> [Double] {
        guard num > 1 else { return num == 1 ? [start] : [] }
        let step = (stop - start) / Double(num - 1)
        var y = (0..<num).map { Double($0) * step + start }
        y[num - 1] = stop
        return y
    }

    /// librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm='slaney' or None), shape (n_mels, 1 + n_fft/2).
    public static func filterbank(sampleRate: Int, nFFT: Int, melCount: Int, fmin: Double = 0, fmax: Double? = nil,
                                  scale: LibrosaMelScale = .slaney, slaneyNorm: Bool = true) throws -> MelFilterbank {
        let fmaxHz = fmax ?? Double(sampleRate) / 2
        guard melCount > 0, nFFT > 0, fmin >= 0, fmaxHz > fmin else {
            throw FeatureError.invalidConfig("librosa mel: need n_mels > 0, n_fft > 0, 0 ≤ fmin < fmax; got n_mels \(melCount), n_fft \(nFFT), fmin \(fmin), fmax \(fmaxHz)")
        }
        let bins = nFFT / 2 + 1
        // np.fft.rfftfreq(n_fft, d=1/sr): k · (1 / (n_fft · (1/sr)))
        let binWidth = 1.0 / (Double(nFFT) * (1.0 / Double(sampleRate)))
        let fftFreqs = (0..<bins).map { Double($0) * binWidth }
        let melEdges = linspace(scale.hzToMel(fmin), scale.hzToMel(fmaxHz), melCount + 2)
        let melF = melEdges.map { scale.melToHz($0) }  // edge frequencies in Hz, n_mels + 2
        var weights = [Double](repeating: 0, count: melCount * bins)
        for i in 0..<melCount {
            let lowDiff = melF[i + 1] - melF[i], highDiff = melF[i + 2] - melF[i + 1]
            let enorm = 2.0 / (melF[i + 2] - melF[i])
            for k in 0..<bins {
                let lower = -(melF[i] - fftFreqs[k]) / lowDiff
                let upper = (melF[i + 2] - fftFreqs[k]) / highDiff
                var w = Double(Float(max(0, min(lower, upper))))  // librosa's float32 weights buffer
                if slaneyNorm { w = Double(Float(w * enorm)) }
                weights[i * bins + k] = w
            }
        }
        return try MelFilterbank(melCount: melCount, binCount: bins, weights: weights)
    }
}
