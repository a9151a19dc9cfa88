// Micro-benchmarks of the numeric core, as a library (the `bookvox bench` command
// prints the returned report as JSON). Shapes follow ../shared/perf/baseline.md §3/§4.4
// so the numbers compare directly with the PyTorch baseline measured on the same VM.
import Foundation
import Logging
import Tensors

public struct BenchOptions: Sendable {
    /// Timed repetitions per measurement (the median is reported); warm-up runs come on top.
    public var repetitions: Int
    /// Distinct weight matrices swept per GEMV measurement (enough to overflow the L3).
    public var gemvSweep: Int
    public var includeGEMM = true
    public var includeGEMV = true
    public var includeMemory = true
    public var includeConv = true
    public var includeBigVGAN = true
    /// BigVGAN config path (nvidia/bigvgan_v2_22khz_80band_256x config.json); nil: the built-in released config.
    public var bigvganConfigPath: String?
    public var bigvganFrames = 431
    public var bigvganRepetitions = 3
    public var seed: UInt64 = 20_261_121

    public init(repetitions: Int = 10, gemvSweep: Int = 24, bigvganConfigPath: String? = nil) {
        self.repetitions = repetitions
        self.gemvSweep = gemvSweep
        self.bigvganConfigPath = bigvganConfigPath
    }
}

/// One timed measurement: median / min / max seconds over `runs` and a derived rate.
public struct BenchTiming: Codable, Sendable {
    public var name: String
    public var shape: String
    public var medianSeconds: Double
    public var minSeconds: Double
    public var maxSeconds: Double
    public var runs: Int
    /// GFLOP/s for compute benchmarks, GB/s for bandwidth benchmarks, s/s for BigVGAN.
    public var rate: Double
    public var unit: String
}

public struct BenchReport: Codable, Sendable {
    public var threads: Int
    public var blas: String
    public var gemm: [BenchTiming] = []
    public var gemv: [BenchTiming] = []
    public var memory: [BenchTiming] = []
    public var conv: [BenchTiming] = []
    public var bigvgan: [BenchTiming] = []
    /// The small-M strategy the measurements favour (see `SmallMStrategy`).
    public var smallMChoice: [String: String] = [:]
}

public enum Bench {
    static let logger = Logger(label: "bookvox.neural.bench")

    public static func run(_ options: BenchOptions = BenchOptions()) throws -> BenchReport {
        var report = BenchReport(threads: Tensors.threadCount, blas: BenchMachine.blasDescription)
        if options.includeGEMM { report.gemm = gemm(options) }
        if options.includeMemory { report.memory = memory(options) }
        if options.includeGEMV {
            let (timings, choice) = gemv(options)
            report.gemv = timings
            report.smallMChoice = choice
        }
        if options.includeConv { report.conv = conv(options) }
        if options.includeBigVGAN {
            let config = try options.bigvganConfigPath.map { try BigVGANConfig(path: $0) } ?? BigVGANConfig.released22kHz80Band256x()
            report.bigvgan = try bigvgan(config: config, options: options)
        }
        return report
    }

    /// Runs `body` `warmup` + `runs` times; returns the timed durations in seconds.
    static func time(runs: Int, warmup: Int = 1, _ body: () -> Void) -> [Double] {
        for _ in 0..<warmup { body() }
        return (0..<max(runs, 1)).map { _ in
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        }
    }

    public static func timing(_ name: String, _ shape: String, _ samples: [Double], work: Double, unit: String) -> BenchTiming {
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let rate = unit == "s/s" ? median / work : work / median * 1e-9
        logger.info("\(name) \(shape): median \(String(format: "%.3f", median * 1e3)) ms, \(String(format: "%.2f", rate)) \(unit)")
        return BenchTiming(name: name, shape: shape, medianSeconds: median, minSeconds: sorted.first!, maxSeconds: sorted.last!,
                           runs: samples.count, rate: rate, unit: unit)
    }

    /// Seeded N(0, std²) tensor.
    static func gaussian(_ shape: [Int], std: Float, rng: inout SeededRNG) -> Tensor {
        var t = Tensor(zeros: shape)
        t.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextGaussian() * std } }
        return t
    }
}

enum BenchMachine {
    static var blasDescription: String {
        #if canImport(Accelerate)
        return "Accelerate"
        #else
        return "OpenBLAS (cblas), kernels \(BLASCoreSelection.currentCore ?? "?")"
        #endif
    }
}
