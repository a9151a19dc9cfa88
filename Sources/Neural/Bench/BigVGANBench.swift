// BigVGAN at the real config with random weights (baseline.md §2: conv weights
// N(0, 1/fan_in), ConvTranspose1d N(0, stride/(in·k)), biases U(±0.02), SnakeBeta log
// parameters at their init 0, designed Kaiser filters), seeded, on a 431-frame mel.
// Reports seconds of compute per second of audio.
import Foundation
import Tensors

extension Bench {
    static func bigvgan(config: BigVGANConfig, options: BenchOptions) throws -> [BenchTiming] {
        let model = try BigVGAN(config: config, weights: randomBigVGANWeights(config, seed: options.seed &+ 3))
        var rng = SeededRNG(seed: options.seed &+ 4)
        var mel = gaussian([1, config.numMels, options.bigvganFrames], std: 2, rng: &rng)
        mel.apply { $0 - 5 }
        let audioSeconds = Double(options.bigvganFrames * config.hopLength) / 22050
        var failure: Error?
        let s = time(runs: options.bigvganRepetitions) {
            do { _ = try model(mel) } catch { failure = error }
        }
        if let failure { throw failure }
        return [timing("BigVGAN forward", "mel [1,\(config.numMels),\(options.bigvganFrames)] -> \(String(format: "%.3f", audioSeconds)) s",
                       s, work: audioSeconds, unit: "s/s")]
    }

    /// A complete generator state dict (plain weights, no weight norm) with baseline.md's random init.
    public static func randomBigVGANWeights(_ config: BigVGANConfig, seed: UInt64) throws -> WeightStore {
        var rng = SeededRNG(seed: seed)
        var t: [String: Tensor] = [:]
        func conv(_ key: String, _ cout: Int, _ cin: Int, _ k: Int, bias: Bool = true) {
            t[key + ".weight"] = gaussian([cout, cin, k], std: 1 / Float(cin * k).squareRoot(), rng: &rng)
            if bias { t[key + ".bias"] = uniform([cout], 0.02, &rng) }
        }
        func act(_ key: String, _ ch: Int) {
            t[key + ".act.alpha"] = Tensor(zeros: [ch])
            if config.activation == "snakebeta" { t[key + ".act.beta"] = Tensor(zeros: [ch]) }
            let f = Tensor(shape: [1, 1, 12], data: UpSample1d.designedFilter(ratio: 2))
            t[key + ".upsample.filter"] = f
            t[key + ".downsample.lowpass.filter"] = f
        }
        let c0 = config.upsampleInitialChannel
        conv("conv_pre", c0, config.numMels, 7)
        for (i, (u, k)) in zip(config.upsampleRates, config.upsampleKernelSizes).enumerated() {
            let cin = c0 >> i, cout = c0 >> (i + 1)
            t["ups.\(i).0.weight"] = gaussian([cin, cout, k], std: (Float(u) / Float(cin * k)).squareRoot(), rng: &rng)
            t["ups.\(i).0.bias"] = uniform([cout], 0.02, &rng)
            for (j, (rk, dil)) in zip(config.resblockKernelSizes, config.resblockDilationSizes).enumerated() {
                let p = "resblocks.\(i * config.resblockKernelSizes.count + j)"
                for n in 0..<dil.count {
                    conv("\(p).convs1.\(n)", cout, cout, rk)
                    conv("\(p).convs2.\(n)", cout, cout, rk)
                }
                for n in 0..<(2 * dil.count) { act("\(p).activations.\(n)", cout) }
            }
        }
        let last = c0 >> config.upsampleRates.count
        act("activation_post", last)
        conv("conv_post", 1, last, 7, bias: config.useBiasAtFinal)
        return WeightStore(tensors: t, source: "random BigVGAN weights (seed \(seed))")
    }

    static func uniform(_ shape: [Int], _ bound: Float, _ rng: inout SeededRNG) -> Tensor {
        var x = Tensor(zeros: shape)
        x.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = (2 * rng.nextFloat() - 1) * bound } }
        return x
    }
}

/// BigVGAN with exact convolutions and with `--precision fast` convolutions (oneDNN where ConvolutionPolicy.fast
/// picks it), same random weights and mel, runs alternated: seconds of compute per second of audio for each run.
public struct BigVGANBackToBack: Codable, Sendable {
    public var frames: Int
    public var audioSeconds: Double
    public var exact: [Double]
    public var fast: [Double]
    /// max |fast − exact| over the waveform, and the SNR of fast against exact in dB.
    public var maxAbsDifference: Double
    public var snrDB: Double

    public static func run(config: BigVGANConfig, frames: Int = 431, runs: Int = 3, seed: UInt64 = 20_261_121) throws
        -> BigVGANBackToBack {
        let weights = try Bench.randomBigVGANWeights(config, seed: seed &+ 3)
        let exactModel = try BigVGAN(config: config, weights: weights)
        let fastModel = try BigVGAN(config: config, weights: try Bench.randomBigVGANWeights(config, seed: seed &+ 3),
                                    convolutions: .fast)
        var rng = SeededRNG(seed: seed &+ 4)
        var mel = Bench.gaussian([1, config.numMels, frames], std: 2, rng: &rng) // (1, mels, T)
        mel.apply { $0 - 5 }
        let audio = Double(frames * config.hopLength) / 22050 // the released config's sampling_rate
        let a = try exactModel(mel), b = try fastModel(mel) // warm-up; (1, 1, T·hop)
        var maxAbs = 0.0, signal = 0.0, noise = 0.0
        for i in 0..<a.count {
            let d = Double(b.pointer[i] - a.pointer[i])
            maxAbs = max(maxAbs, abs(d))
            signal += Double(a.pointer[i]) * Double(a.pointer[i])
            noise += d * d
        }
        var exact: [Double] = [], fast: [Double] = []
        for _ in 0..<max(runs, 1) {
            var t0 = DispatchTime.now().uptimeNanoseconds
            _ = try exactModel(mel)
            exact.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 / audio)
            t0 = DispatchTime.now().uptimeNanoseconds
            _ = try fastModel(mel)
            fast.append(Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9 / audio)
        }
        return BigVGANBackToBack(frames: frames, audioSeconds: audio, exact: exact, fast: fast, maxAbsDifference: maxAbs,
                                 snrDB: noise > 0 ? 10 * log10(signal / noise) : .infinity)
    }
}
