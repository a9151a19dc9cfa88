// `bookvox bench --convolutions`: every convolution shape of BigVGAN (IndexTTS2's vocoder) and of the Qwen3-TTS codec
// decoder through both backends with the per-shape choice, then both stages whole with exact and with fast
// convolutions, runs alternated (medians and ranges; the machine is shared, so read the ratios).
import Foundation
import Neural
import Qwen3TTS

public enum ConvolutionBenchRunner {
    public struct Report: Codable, Sendable {
        public var machine: String
        public var shapes: [ConvolutionShapeTiming]
        /// nil with `--no-bigvgan`.
        public var bigvgan: BigVGANBackToBack?
        public var codecDecoder: Qwen3CodecDecoderBackToBack
    }

    /// `bigvganFrames` mel frames (431 ≈ 5 s) and `codecFrames` code frames (125 = 10 s); `runs` per backend.
    /// `includeShapes` false: only the two stages. `includeBigVGAN` false: the Qwen3 codec decoder only.
    public static func run(bigvganFrames: Int = 431, codecFrames: Int = 125, runs: Int = 3, includeShapes: Bool = true,
                           includeBigVGAN: Bool = true) throws -> Report {
        let config = try BigVGANConfig.released22kHz80Band256x()
        var shapes: [ConvolutionShapeTiming] = []
        if includeShapes && includeBigVGAN {
            shapes = try ConvolutionShapeBench.run(model: "BigVGAN", shapes: ConvolutionShapeBench.bigvganShapes(config, frames: bigvganFrames),
                                                   runs: runs)
        }
        if includeShapes {
            shapes += try ConvolutionShapeBench.run(model: "Qwen3 codec decoder",
                                                    shapes: Qwen3CodecConvolutionBench.shapes(frames: codecFrames), runs: runs,
                                                    bf16: true)
        }
        let bigvgan = includeBigVGAN ? try BigVGANBackToBack.run(config: config, frames: bigvganFrames, runs: runs) : nil
        let codec = try Qwen3CodecConvolutionBench.backToBack(frames: codecFrames, runs: runs)
        return Report(machine: MachineDescription.line, shapes: shapes, bigvgan: bigvgan, codecDecoder: codec)
    }

    public static func lines(_ r: Report) -> [String] {
        func stat(_ v: [Double]) -> String {
            let s = v.sorted()
            return String(format: "%.3f [%.3f–%.3f]", s[s.count / 2], s.first!, s.last!)
        }
        func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
        var out = [r.machine]
        if !r.shapes.isEmpty { out += ["",
                   String(format: "%-20@ %-52@ %12@ %12@ %10@  %-12@ %-12@ %@", "model" as NSString, "shape" as NSString,
                          "im2col GF/s" as NSString, "oneDNN GF/s" as NSString, "bf16 GF/s" as NSString, "faster" as NSString,
                          "fast runs" as NSString, "oneDNN impl" as NSString)] }
        for s in r.shapes {
            out.append(String(format: "%-20@ %-52@ %12.1f %12.1f %10@  %-12@ %-12@ %@", s.model as NSString, s.shape as NSString,
                              s.im2colGFLOPs, s.oneDNNGFLOPs,
                              (s.oneDNNBF16GFLOPs > 0 ? String(format: "%.1f", s.oneDNNBF16GFLOPs) : "-") as NSString,
                              s.faster as NSString, s.chosen as NSString,
                              s.oneDNNImplementation as NSString))
        }
        let disagree = r.shapes.filter { $0.faster != $0.chosen }.count
        if !r.shapes.isEmpty {
            out.append("\(r.shapes.count) shapes; the fixed choice differs from this run's faster backend on \(disagree)")
        }
        out.append("")
        let c = r.codecDecoder
        func f(_ v: Double, _ fmt: String = "%.2f") -> String { String(format: fmt, v) }
        if let b = r.bigvgan { out.append("BigVGAN (\(b.frames) frames, \(f(b.audioSeconds)) s audio), s per s of audio: exact \(stat(b.exact)), "
                   + "fast \(stat(b.fast)), speed-up \(f(median(b.exact) / median(b.fast)))x; fast vs exact max |Δ| "
                   + "\(f(b.maxAbsDifference, "%.2e")), SNR \(f(b.snrDB, "%.1f")) dB") }
        out.append("Qwen3 codec decoder (\(c.frames) frames, \(f(c.audioSeconds)) s audio), s per s of audio: exact \(stat(c.exact)), "
                   + "fast \(stat(c.fast)), speed-up \(f(median(c.exact) / median(c.fast)))x; fast vs exact max |Δ| "
                   + "\(f(c.maxAbsDifference, "%.2e")), SNR \(f(c.snrDB, "%.1f")) dB")
        return out
    }
}
