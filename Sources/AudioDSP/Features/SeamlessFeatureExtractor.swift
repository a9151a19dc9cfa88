// transformers.SeamlessM4TFeatureExtractor (4.52.1), the w2v-BERT 2.0 front end of IndexTTS2:
//   waveform ×2^15 → frames of 400 every 160 (no centering) → per frame, in float64: remove the
//   mean, pre-emphasis (y[0] = x[0]·(1 − 0.97), y[n] = x[n] − 0.97·x[n−1]), symmetric Povey window,
//   zero-pad to 512, rfft (held as complex64) → |X|² → Kaldi mel filters (triangles in mel space,
//   20 Hz … sr/2) → ln(max(e, 1.1920929e-7)) → float32 (frames, 80).
//   Per-mel-bin CMVN over time in float32: (x − mean) / sqrt(var(ddof=1) + 1e-7).
//   Pad to a multiple of pad_to_multiple_of frames with padding_value (1.0 for w2v-bert-2.0),
//   attention mask 1 for real frames; stack `stride` consecutive frames → (T/stride, 80·stride);
//   the mask keeps every frame index with index % stride == 1.
// Like the reference, the frame and its FFT are float64 (FFTW double); the spectrum is rounded
// to complex64 before |X|², as transformers stores it.
import Foundation
import Tensors

/// The preprocessor_config.json of facebook/w2v-bert-2.0 (SeamlessM4TFeatureExtractor arguments).
public struct SeamlessFeatureExtractorConfig: Decodable, Sendable, Equatable {
    public var featureSize = 80
    public var numMelBins = 80
    public var paddingValue = 1.0
    public var samplingRate = 16000
    public var stride = 2
    public var paddingSide = "right"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case featureSize = "feature_size", numMelBins = "num_mel_bins", paddingValue = "padding_value"
        case samplingRate = "sampling_rate", stride, paddingSide = "padding_side"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        featureSize = try c.decodeIfPresent(Int.self, forKey: .featureSize) ?? featureSize
        numMelBins = try c.decodeIfPresent(Int.self, forKey: .numMelBins) ?? numMelBins
        paddingValue = try c.decodeIfPresent(Double.self, forKey: .paddingValue) ?? paddingValue
        samplingRate = try c.decodeIfPresent(Int.self, forKey: .samplingRate) ?? samplingRate
        stride = try c.decodeIfPresent(Int.self, forKey: .stride) ?? stride
        paddingSide = try c.decodeIfPresent(String.self, forKey: .paddingSide) ?? paddingSide
    }
}

/// Arguments of SeamlessM4TFeatureExtractor.__call__ (defaults as in transformers).
public struct SeamlessCallOptions: Decodable, Sendable, Equatable {
    public var padToMultipleOf: Int? = 2
    public var doNormalizePerMelBins = true

    public init(padToMultipleOf: Int? = 2, doNormalizePerMelBins: Bool = true) {
        self.padToMultipleOf = padToMultipleOf
        self.doNormalizePerMelBins = doNormalizePerMelBins
    }

    enum CodingKeys: String, CodingKey {
        case padToMultipleOf = "pad_to_multiple_of", doNormalizePerMelBins = "do_normalize_per_mel_bins"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        padToMultipleOf = try c.decodeIfPresent(Int.self, forKey: .padToMultipleOf) ?? 2
        doNormalizePerMelBins = try c.decodeIfPresent(Bool.self, forKey: .doNormalizePerMelBins) ?? true
    }
}

public struct SeamlessFeatures: Sendable {
    /// (1, T', num_mel_bins·stride)
    public var inputFeatures: Tensor
    /// (T') — 1 for stacked frames whose odd member is real, 0 otherwise.
    public var attentionMask: [Int64]
    /// (frames, num_mel_bins) log-mel before normalization.
    public var logMel: Tensor
    /// (frames, num_mel_bins) after per-bin CMVN (equal to logMel when normalization is off).
    public var logMelNormalized: Tensor
}

public struct SeamlessFeatureExtractor: Sendable {
    public let config: SeamlessFeatureExtractorConfig
    public let frameLength = 400
    public let hopLength = 160
    public let fftLength = 512
    public static let preemphasis = 0.97
    public static let melFloor = 1.192092955078125e-07
    public let filterbank: MelFilterbank
    public let window: [Double]
    private let fft: RealFFT64

    public init(config: SeamlessFeatureExtractorConfig) throws {
        guard config.stride > 0, config.numMelBins > 0 else {
            throw FeatureError.invalidConfig("Seamless stride and num_mel_bins must be positive, got \(config.stride), \(config.numMelBins)")
        }
        guard config.paddingSide == "right" || config.paddingSide == "left" else {
            throw FeatureError.invalidConfig("Seamless padding_side must be 'right' or 'left', got '\(config.paddingSide)'")
        }
        self.config = config
        window = Windows.povey(length: frameLength)
        filterbank = try KaldiMel.transformersBanks(frequencyBins: fftLength / 2 + 1, melCount: config.numMelBins,
                                                    minFrequency: 20, maxFrequency: Double(config.samplingRate / 2),
                                                    sampleRate: Double(config.samplingRate))
        fft = try RealFFT64.shared(size: fftLength)
    }

    /// Kaldi-style log-mel of mono 16 kHz `samples` (scaled by 2^15 first): (frames, num_mel_bins).
    public func logMel(_ samples: [Float]) throws -> Tensor {
        guard samples.count >= frameLength else {
            throw FeatureError.signalTooShort(samples: samples.count, needed: frameLength, what: "Seamless feature extraction")
        }
        let frames = 1 + (samples.count - frameLength) / hopLength
        let mels = config.numMelBins, bins = fftLength / 2 + 1
        var out = [Float](repeating: 0, count: frames * mels)  // (frames, mels)
        var buffer = [Double](repeating: 0, count: frameLength)
        var power = [Double](repeating: 0, count: bins)
        var melRow = [Double](repeating: 0, count: mels)
        let ws = fft.makeWorkspace()
        let pre = Self.preemphasis
        for t in 0..<frames {
            let start = t * hopLength
            buffer.withUnsafeMutableBufferPointer { b in
                samples.withUnsafeBufferPointer { x in
                    for i in 0..<frameLength { b[i] = Double(x[start + i] * 32768) }  // float32 ×2^15, then float64
                }
                var sum = 0.0
                for i in 0..<frameLength { sum += b[i] }
                let mean = sum / Double(frameLength)
                for i in 0..<frameLength { b[i] -= mean }
                for i in stride(from: frameLength - 1, to: 0, by: -1) { b[i] -= pre * b[i - 1] }
                b[0] *= 1 - pre
                window.withUnsafeBufferPointer { w in
                    for i in 0..<frameLength { ws.input[i] = b[i] * w[i] }
                }
                for i in frameLength..<fftLength { ws.input[i] = 0 }
            }
            fft.forward(ws)
            power.withUnsafeMutableBufferPointer { p in
                for k in 0..<bins {
                    let re = Double(Float(ws.output[k].0)), im = Double(Float(ws.output[k].1))  // complex64 storage
                    p[k] = re * re + im * im
                }
                melRow.withUnsafeMutableBufferPointer { m in
                    filterbank.apply(UnsafePointer(p.baseAddress!), into: m.baseAddress!)
                }
            }
            for m in 0..<mels { out[t * mels + m] = Float(log(max(melRow[m], Self.melFloor))) }
        }
        return Tensor(shape: [frames, mels], data: out)  // (frames, mels)
    }

    /// numpy float32 per-column CMVN: (x − mean₀) / sqrt(var₀(ddof=1) + 1e-7), sums row by row in float32.
    public static func normalizePerMelBin(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2, "expected (frames, bins), got \(x.shape)")
        let frames = x.shape[0], width = x.shape[1]
        let v = x.array
        var mean = [Float](repeating: 0, count: width)
        for t in 0..<frames { for j in 0..<width { mean[j] += v[t * width + j] } }
        for j in 0..<width { mean[j] /= Float(frames) }
        var sq = [Float](repeating: 0, count: width)
        for t in 0..<frames {
            for j in 0..<width { let d = v[t * width + j] - mean[j]; sq[j] += d * d }
        }
        let denom = (0..<width).map { (sq[$0] / Float(max(frames - 1, 0)) + Float(1e-7)).squareRoot() }
        var out = [Float](repeating: 0, count: frames * width)
        for t in 0..<frames { for j in 0..<width { out[t * width + j] = (v[t * width + j] - mean[j]) / denom[j] } }
        return Tensor(shape: [frames, width], data: out)  // (frames, bins)
    }

    /// The full extractor call on one mono 16 kHz clip (batch of one).
    public func extract(_ samples: [Float], options: SeamlessCallOptions = SeamlessCallOptions()) throws -> SeamlessFeatures {
        let mel = try logMel(samples)  // (F, mels)
        let normalized = options.doNormalizePerMelBins ? Self.normalizePerMelBin(mel) : mel
        let frames = mel.shape[0], mels = config.numMelBins, s = config.stride
        var padded = frames
        if let multiple = options.padToMultipleOf, multiple > 0, padded % multiple != 0 {
            padded = (padded / multiple + 1) * multiple
        }
        let padCount = padded - frames
        let leftPad = config.paddingSide == "left" ? padCount : 0
        var rows = [Float](repeating: Float(config.paddingValue), count: padded * mels)  // (F', mels)
        var mask = [Int64](repeating: 0, count: padded)
        let src = normalized.array
        for t in 0..<frames {
            rows.replaceSubrange(((t + leftPad) * mels)..<((t + leftPad + 1) * mels), with: src[(t * mels)..<((t + 1) * mels)])
            mask[t + leftPad] = 1
        }
        let kept = padded - padded % s  // frames beyond a multiple of stride are dropped
        let stacked = kept / s
        let features = Tensor(shape: [1, stacked, mels * s], data: Array(rows[0..<(kept * mels)]))  // (1, T', mels·stride)
        let stackedMask = (0..<kept).filter { $0 % s == 1 }.map { mask[$0] }
        return SeamlessFeatures(inputFeatures: features, attentionMask: stackedMask, logMel: mel, logMelNormalized: normalized)
    }
}
