// Kaldi log-mel filterbank exactly as torchaudio.compliance.kaldi.fbank computes it (float32):
// per frame (25 ms / 10 ms, snip edges) → [dither] → remove DC → (raw log-energy) → pre-emphasis
// y[j] = x[j] − c·x[max(0, j−1)] → window (Povey by default) → zero-pad to the next power of two →
// rfft → |X| (hypot) → squared (use_power) → Kaldi mel banks with a zero Nyquist column →
// ln(max(e, FLT_EPSILON)). No ×32768 scaling: the waveform is used as given.
// This is the CAMPPlus front end of IndexTTS2 (infer_v2), followed there by mean subtraction.
// Frame arithmetic is float32 like torch's; the FFT runs in float64 (FFTW) and is rounded to
// complex64. torch's float32 FFT leaves noise of up to ~5e-4 (log units) in mel bands lying
// ~60 dB under the frame's energy, so agreement there is bounded by the reference, not by us.
import Foundation
import Tensors

/// torchaudio.compliance.kaldi.fbank keyword arguments (same names, same defaults).
public struct KaldiFbankOptions: Decodable, Sendable, Equatable {
    public var blackmanCoeff = 0.42
    public var dither = 0.0
    public var energyFloor = 1.0
    public var frameLength = 25.0
    public var frameShift = 10.0
    public var highFreq = 0.0
    public var htkCompat = false
    public var lowFreq = 20.0
    public var numMelBins = 23
    public var preemphasisCoefficient = 0.97
    public var rawEnergy = true
    public var removeDcOffset = true
    public var roundToPowerOfTwo = true
    public var sampleFrequency = 16000.0
    public var snipEdges = true
    public var subtractMean = false
    public var useEnergy = false
    public var useLogFbank = true
    public var usePower = true
    public var vtlnWarp = 1.0
    public var windowType = WindowFunction.povey

    public init() {}

    enum CodingKeys: String, CodingKey {
        case blackmanCoeff = "blackman_coeff", dither, energyFloor = "energy_floor"
        case frameLength = "frame_length", frameShift = "frame_shift"
        case frameLengthMs = "frame_length_ms", frameShiftMs = "frame_shift_ms"
        case highFreq = "high_freq", htkCompat = "htk_compat", lowFreq = "low_freq", numMelBins = "num_mel_bins"
        case preemphasisCoefficient = "preemphasis_coefficient", rawEnergy = "raw_energy"
        case removeDcOffset = "remove_dc_offset", roundToPowerOfTwo = "round_to_power_of_two"
        case sampleFrequency = "sample_frequency", snipEdges = "snip_edges", subtractMean = "subtract_mean"
        case useEnergy = "use_energy", useLogFbank = "use_log_fbank", usePower = "use_power"
        case vtlnWarp = "vtln_warp", windowType = "window_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func get<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            if let v = try c.decodeIfPresent(T.self, forKey: key) { value = v }
        }
        try get(.blackmanCoeff, &blackmanCoeff); try get(.dither, &dither); try get(.energyFloor, &energyFloor)
        try get(.frameLength, &frameLength); try get(.frameShift, &frameShift)
        try get(.frameLengthMs, &frameLength); try get(.frameShiftMs, &frameShift)
        try get(.highFreq, &highFreq); try get(.htkCompat, &htkCompat); try get(.lowFreq, &lowFreq)
        try get(.numMelBins, &numMelBins); try get(.preemphasisCoefficient, &preemphasisCoefficient)
        try get(.rawEnergy, &rawEnergy); try get(.removeDcOffset, &removeDcOffset)
        try get(.roundToPowerOfTwo, &roundToPowerOfTwo); try get(.sampleFrequency, &sampleFrequency)
        try get(.snipEdges, &snipEdges); try get(.subtractMean, &subtractMean); try get(.useEnergy, &useEnergy)
        try get(.useLogFbank, &useLogFbank); try get(.usePower, &usePower); try get(.vtlnWarp, &vtlnWarp)
        if let w = try c.decodeIfPresent(String.self, forKey: .windowType) {
            guard let t = WindowFunction(rawValue: w) else {
                throw FeatureError.invalidConfig("unknown Kaldi window_type '\(w)'; expected one of \(WindowFunction.allCases.map(\.rawValue))")
            }
            windowType = t
        }
    }
}

public struct KaldiFbank: Sendable {
    public let options: KaldiFbankOptions
    public let windowShift: Int
    public let windowSize: Int
    public let paddedWindowSize: Int
    public let filterbank: MelFilterbank
    private let window: [Float]
    private let fft: RealFFT64

    /// numeric_limits<float>::epsilon(), the floor of every log.
    public static let epsilon = Float.ulpOfOne

    public init(options: KaldiFbankOptions) throws {
        guard options.dither == 0 else {
            throw FeatureError.invalidConfig("Kaldi fbank dither \(options.dither) is not supported (it draws unseeded noise); use dither 0 as IndexTTS2 does")
        }
        guard options.vtlnWarp == 1 else {
            throw FeatureError.invalidConfig("Kaldi fbank vtln_warp \(options.vtlnWarp) is not supported; only 1.0 (no warping)")
        }
        guard (0...1).contains(options.preemphasisCoefficient) else {
            throw FeatureError.invalidConfig("preemphasis_coefficient must be in [0, 1], got \(options.preemphasisCoefficient)")
        }
        self.options = options
        windowShift = Int(options.sampleFrequency * options.frameShift * 0.001)
        windowSize = Int(options.sampleFrequency * options.frameLength * 0.001)
        guard windowSize >= 2, windowShift > 0 else {
            throw FeatureError.invalidConfig("Kaldi frame length \(windowSize) / shift \(windowShift) samples: need length ≥ 2, shift > 0")
        }
        var padded = windowSize
        if options.roundToPowerOfTwo { padded = 1; while padded < windowSize { padded <<= 1 } }
        guard padded % 2 == 0 else {
            throw FeatureError.invalidConfig("padded window size \(padded) must be even; use round_to_power_of_two or change frame_length")
        }
        paddedWindowSize = padded
        window = options.windowType.kaldiWindow(length: windowSize, blackmanCoefficient: options.blackmanCoeff).map { Float($0) }
        filterbank = try KaldiMel.torchaudioBanks(melCount: options.numMelBins, paddedWindowSize: padded,
                                                  sampleFrequency: options.sampleFrequency,
                                                  lowFreq: options.lowFreq, highFreq: options.highFreq)
        fft = try RealFFT64.shared(size: padded)
    }

    /// Number of output frames for `sampleCount` samples.
    public func frameCount(sampleCount: Int) -> Int {
        if options.snipEdges { return sampleCount < windowSize ? 0 : 1 + (sampleCount - windowSize) / windowShift }
        return (sampleCount + windowShift / 2) / windowShift
    }

    /// The signal frames index into: the input itself (snip edges) or torchaudio's reflected extension.
    private func framedSignal(_ x: [Float]) -> [Float] {
        if options.snipEdges { return x }
        let pad = windowSize / 2 - windowShift / 2
        let reversed = Array(x.reversed())
        if pad > 0 { return Array(reversed.suffix(pad)) + x + reversed }
        return Array(x.dropFirst(-pad)) + reversed
    }

    /// Features of mono `samples`: (frames, num_mel_bins [+1 with use_energy]).
    public func compute(_ samples: [Float]) throws -> Tensor {
        guard samples.count >= windowSize else {
            throw FeatureError.signalTooShort(samples: samples.count, needed: windowSize, what: "Kaldi fbank")
        }
        let frames = frameCount(sampleCount: samples.count)
        let signal = framedSignal(samples)
        let mels = options.numMelBins, bins = paddedWindowSize / 2 + 1
        let width = mels + (options.useEnergy ? 1 : 0)
        let melOffset = options.useEnergy && !options.htkCompat ? 1 : 0
        let coeff = Float(options.preemphasisCoefficient)
        let logEnergyFloor = options.energyFloor == 0 ? -Float.infinity : Float(log(options.energyFloor))
        var out = [Float](repeating: 0, count: frames * width)  // (frames, width)
        var frame = [Float](repeating: 0, count: windowSize)
        var spectrum = [Float](repeating: 0, count: bins)
        var melRow = [Float](repeating: 0, count: mels)
        let ws = fft.makeWorkspace()

        for t in 0..<frames {
            let start = t * windowShift
            var energy: Float = 0
            signal.withUnsafeBufferPointer { x in
                frame.withUnsafeMutableBufferPointer { f in
                    for i in 0..<windowSize { f[i] = x[start + i] }
                    if options.removeDcOffset {
                        var sum = 0.0
                        for i in 0..<windowSize { sum += Double(f[i]) }
                        let mean = Float(sum / Double(windowSize))
                        for i in 0..<windowSize { f[i] -= mean }
                    }
                    if options.useEnergy && options.rawEnergy { energy = Self.logEnergy(f, floor: logEnergyFloor) }
                    if coeff != 0 {
                        for i in stride(from: windowSize - 1, to: 0, by: -1) { f[i] -= coeff * f[i - 1] }
                        f[0] -= coeff * f[0]
                    }
                    window.withUnsafeBufferPointer { w in
                        for i in 0..<windowSize { f[i] *= w[i] }
                    }
                    for i in 0..<windowSize { ws.input[i] = Double(f[i]) }
                    for i in windowSize..<paddedWindowSize { ws.input[i] = 0 }
                    if options.useEnergy && !options.rawEnergy {
                        energy = Self.logEnergy(UnsafeMutableBufferPointer(start: f.baseAddress!, count: windowSize), floor: logEnergyFloor)
                    }
                }
            }
            fft.forward(ws)
            spectrum.withUnsafeMutableBufferPointer { s in
                for k in 0..<bins {
                    let a = hypotf(Float(ws.output[k].0), Float(ws.output[k].1))  // torch .abs() of complex64
                    s[k] = options.usePower ? a * a : a
                }
                melRow.withUnsafeMutableBufferPointer { m in
                    filterbank.apply(s.baseAddress!, into: m.baseAddress!)
                }
            }
            let row = t * width
            for m in 0..<mels {
                out[row + melOffset + m] = options.useLogFbank ? log(max(melRow[m], Self.epsilon)) : melRow[m]
            }
            if options.useEnergy { out[row + (options.htkCompat ? mels : 0)] = energy }
        }
        var result = Tensor(shape: [frames, width], data: out)  // (frames, mels)
        if options.subtractMean { result = Self.subtractingTimeMean(result) }
        return result
    }

    /// ln(max(Σx², FLT_EPSILON)), floored at ln(energy_floor) when that is non-zero.
    private static func logEnergy(_ f: UnsafeMutableBufferPointer<Float>, floor: Float) -> Float {
        var sum: Float = 0
        for v in f { sum += v * v }
        return max(log(max(sum, epsilon)), floor)
    }

    /// feat − feat.mean(dim=0): per-column mean over time removed (CAMPPlus input normalization).
    public static func subtractingTimeMean(_ features: Tensor) -> Tensor {
        precondition(features.rank == 2, "expected (frames, bins), got \(features.shape)")
        let frames = features.shape[0], width = features.shape[1]
        var data = features.array
        guard frames > 0 else { return features }
        var sums = [Double](repeating: 0, count: width)
        for t in 0..<frames { for j in 0..<width { sums[j] += Double(data[t * width + j]) } }
        let means = sums.map { Float($0 / Double(frames)) }
        for t in 0..<frames { for j in 0..<width { data[t * width + j] -= means[j] } }
        return Tensor(shape: [frames, width], data: data)  // (frames, bins)
    }
}
