// Short-time Fourier transform with FFTW, following torch.stft (onesided, unnormalized):
// frames of n_fft samples every hop, each multiplied by the window (a window shorter than n_fft
// is zero-padded on both sides to n_fft, centered, as torch does); `center` first reflect- or
// zero-pads n_fft/2 samples on each side. Output is (frames, n_fft/2 + 1) row-major float32.
import Foundation

public enum STFTPadMode: String, Sendable { case reflect, constant }

public enum SpectrumKind: Sendable {
    /// re² + im²
    case power
    /// sqrt(re² + im² + epsilon) — epsilon inside the root (IndexTTS2's mel_spectrogram uses 1e-9)
    case magnitude(epsilon: Float)
}

public struct STFT: @unchecked Sendable {
    public let nFFT: Int
    public let hopLength: Int
    public let center: Bool
    public let padMode: STFTPadMode
    /// Window zero-padded (centered) to nFFT samples.
    public let window: [Float]
    private let fft: RealFFT

    public var binCount: Int { nFFT / 2 + 1 }

    public init(nFFT: Int, hopLength: Int, window: [Float], center: Bool = false, padMode: STFTPadMode = .reflect) throws {
        guard nFFT > 0, hopLength > 0 else {
            throw FeatureError.invalidConfig("STFT needs n_fft > 0 and hop > 0, got n_fft \(nFFT), hop \(hopLength)")
        }
        guard !window.isEmpty, window.count <= nFFT else {
            throw FeatureError.invalidConfig("STFT window length \(window.count) must be in 1...n_fft (\(nFFT))")
        }
        self.nFFT = nFFT
        self.hopLength = hopLength
        self.center = center
        self.padMode = padMode
        let left = (nFFT - window.count) / 2
        var w = [Float](repeating: 0, count: nFFT)
        w.replaceSubrange(left..<(left + window.count), with: window)
        self.window = w
        fft = try RealFFT.shared(size: nFFT)
    }

    /// Number of frames for a signal of `sampleCount` samples (before centering).
    public func frameCount(sampleCount: Int) -> Int {
        let n = center ? sampleCount + 2 * (nFFT / 2) : sampleCount
        return n < nFFT ? 0 : 1 + (n - nFFT) / hopLength
    }

    /// Spectrogram of `samples`: (frames, binCount) row-major.
    public func spectrogram(_ samples: [Float], kind: SpectrumKind) throws -> [Float] {
        var signal = samples
        if center {
            let pad = nFFT / 2
            signal = padMode == .reflect ? try Padding.reflect(samples, left: pad, right: pad)
                                         : Padding.zeros(samples, left: pad, right: pad)
        }
        guard signal.count >= nFFT else {
            throw FeatureError.signalTooShort(samples: signal.count, needed: nFFT, what: "STFT with n_fft \(nFFT)")
        }
        let frames = 1 + (signal.count - nFFT) / hopLength
        let bins = binCount
        var out = [Float](repeating: 0, count: frames * bins)  // (frames, bins)
        let ws = fft.makeWorkspace()
        signal.withUnsafeBufferPointer { x in
            window.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { o in
                    for t in 0..<frames {
                        let start = t * hopLength
                        for i in 0..<nFFT { ws.input[i] = x[start + i] * w[i] }
                        fft.forward(ws)
                        let row = t * bins
                        switch kind {
                        case .power:
                            for k in 0..<bins {
                                let re = ws.output[k].0, im = ws.output[k].1
                                o[row + k] = re * re + im * im
                            }
                        case let .magnitude(eps):
                            for k in 0..<bins {
                                let re = ws.output[k].0, im = ws.output[k].1
                                o[row + k] = (re * re + im * im + eps).squareRoot()
                            }
                        }
                    }
                }
            }
        }
        return out
    }
}
