// BigVGAN at the real config with random weights (baseline.md §2: conv weights
// N(0, 1/fan_in), ConvTranspose1d N(0, stride/(in·k)), biases U(±0.02), SnakeBeta log
// parameters at their init 0, designed Kaiser filters), seeded, on a 431-frame mel.
// Reports seconds of compute per second of audio.
import Foundation
import Tensors

extension Bench {
    static func bigvgan(configPath: String, options: BenchOptions) throws -> [BenchTiming] {
        let config = try BigVGANConfig(path: configPath)
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
