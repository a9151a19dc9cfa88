// `bookvox bench --convolutions`: every convolution shape a model runs, timed through Tensors' im2col + sgemm path
// and through oneDNN back to back (runs alternated, medians), with the backend ConvolutionPolicy.fast chooses for
// the shape and the one the measurement favours, so the fixed choice can be checked against this machine.
import Foundation
import Tensors

/// One convolution call: a layer shape and the input length it runs on.
public struct ConvolutionShape: Sendable, Hashable {
    public var name: String
    public var kind: DNNLConvolution.Kind
    public var inChannels: Int
    public var outChannels: Int
    public var kernelSize: Int
    public var stride: Int = 1
    public var dilation: Int = 1
    public var groups: Int = 1
    /// Convolution: zero padding left/right; deconvolution: torch's padding (both sides, no output padding).
    public var padLeft: Int = 0
    public var padRight: Int = 0
    public var length: Int

    public init(name: String, kind: DNNLConvolution.Kind, inChannels: Int, outChannels: Int, kernelSize: Int,
                stride: Int = 1, dilation: Int = 1, groups: Int = 1, padLeft: Int = 0, padRight: Int = 0, length: Int) {
        self.name = name
        self.kind = kind
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.dilation = dilation
        self.groups = groups
        self.padLeft = padLeft
        self.padRight = padRight
        self.length = length
    }

    /// "Conv1d(768→768, k7, d3, g1) L 1724"
    public var label: String {
        let op = kind == .convolution ? "Conv1d" : "ConvT1d"
        return "\(op)(\(inChannels)→\(outChannels), k\(kernelSize), s\(stride), d\(dilation), g\(groups)) L \(length)"
    }
}

public struct ConvolutionShapeTiming: Codable, Sendable {
    public var model: String
    public var name: String
    public var shape: String
    public var im2colGFLOPs: Double
    public var oneDNNGFLOPs: Double
    public var im2colMs: Double
    public var oneDNNMs: Double
    /// oneDNN with bf16 source and weights (f32 accumulation); 0 where the CPU lacks AVX512_BF16.
    public var oneDNNBF16GFLOPs: Double = 0
    public var oneDNNBF16Ms: Double = 0
    /// The backend the measurement favours on this machine.
    public var faster: String
    /// The backend `--precision fast` runs for this shape (the policy the model's fast mode uses).
    public var chosen: String
    /// oneDNN's implementation for the shape ("brg:avx512_core", "jit:avx512_core", …).
    public var oneDNNImplementation: String
}

public enum ConvolutionShapeBench {
    /// Times each shape `runs` times per backend, alternating the backends (one warm-up call each first).
    /// `policy`: the one the model's fast mode uses. `bf16`: also time oneDNN in bf16 (where the CPU runs it natively).
    public static func run(model: String, shapes: [ConvolutionShape], runs: Int = 3, seed: UInt64 = 20_261_206,
                           policy fastPolicy: ConvolutionPolicy = .fast, bf16: Bool = false) throws -> [ConvolutionShapeTiming] {
        let timeBF16 = bf16 && DNNLConvolution.DataType.bf16.isNativelySupported
        var rng = SeededRNG(seed: seed)
        var out: [ConvolutionShapeTiming] = []
        for s in shapes {
            let cinG = s.inChannels / s.groups, coutG = s.outChannels / s.groups
            let x = Bench.gaussian([1, s.inChannels, s.length], std: 1, rng: &rng) // (1, Cin, L)
            let b = Bench.gaussian([s.outChannels], std: 0.02, rng: &rng)
            let im2col: () -> Tensor, dnnl: () throws -> Tensor, dnnlBF16: () throws -> Tensor, flops: Double
            let policy = fastPolicy.backend(kind: s.kind, inChannels: s.inChannels, outChannels: s.outChannels,
                                                        kernelSize: s.kernelSize, groups: s.groups)
            let engine: DNNLConvolution, engineBF16: DNNLConvolution
            switch s.kind {
            case .convolution:
                let w = Bench.gaussian([s.outChannels, cinG, s.kernelSize], std: 1 / Float(cinG * s.kernelSize).squareRoot(), rng: &rng)
                let spec = Conv1dSpec(stride: s.stride, padLeft: s.padLeft, padRight: s.padRight, dilation: s.dilation, groups: s.groups)
                engine = DNNLConvolution(kind: .convolution, weight: w, bias: b, groups: s.groups, stride: s.stride, dilation: s.dilation)
                engineBF16 = DNNLConvolution(kind: .convolution, weight: w, bias: b, groups: s.groups, stride: s.stride,
                                             dilation: s.dilation, dataType: .bf16)
                im2col = { x.conv1d(weight: w, bias: b, spec: spec) }
                dnnl = { try engine.forward(x, padLeft: s.padLeft, padRight: s.padRight) }
                dnnlBF16 = { try engineBF16.forward(x, padLeft: s.padLeft, padRight: s.padRight) }
                flops = 2 * Double(s.outChannels * cinG * s.kernelSize) * Double(spec.outputLength(s.length, kernel: s.kernelSize))
            case .deconvolution:
                let w = Bench.gaussian([s.inChannels, coutG, s.kernelSize], std: 1 / Float(cinG * s.kernelSize).squareRoot(), rng: &rng)
                let spec = ConvTranspose1dSpec(stride: s.stride, padding: s.padLeft, dilation: s.dilation, groups: s.groups)
                engine = DNNLConvolution(kind: .deconvolution, weight: w, bias: b, groups: s.groups, stride: s.stride, dilation: s.dilation)
                engineBF16 = DNNLConvolution(kind: .deconvolution, weight: w, bias: b, groups: s.groups, stride: s.stride,
                                             dilation: s.dilation, dataType: .bf16)
                im2col = { x.convTranspose1d(weight: w, bias: b, spec: spec) }
                dnnl = { try engine.forward(x, padLeft: s.padLeft, padRight: s.padLeft) }
                dnnlBF16 = { try engineBF16.forward(x, padLeft: s.padLeft, padRight: s.padLeft) }
                flops = 2 * Double(s.inChannels * coutG * s.kernelSize) * Double(s.length)
            }
            _ = im2col()
            _ = try dnnl()
            if timeBF16 { _ = try dnnlBF16() }
            var ta: [Double] = [], tb: [Double] = [], tc: [Double] = []
            for _ in 0..<max(runs, 1) {
                ta.append(seconds { _ = im2col() })
                var failure: Error?
                tb.append(seconds { do { _ = try dnnl() } catch { failure = error } })
                if timeBF16 { tc.append(seconds { do { _ = try dnnlBF16() } catch { failure = error } }) }
                if let failure { throw failure }
            }
            let ma = median(ta), mb = median(tb), mc = timeBF16 ? median(tc) : .infinity
            let fastest: ConvolutionBackend = mc < min(ma, mb) ? .oneDNNBF16 : mb < ma ? .oneDNN : .im2colSgemm
            out.append(ConvolutionShapeTiming(
                model: model, name: s.name, shape: s.label, im2colGFLOPs: flops / ma * 1e-9, oneDNNGFLOPs: flops / mb * 1e-9,
                im2colMs: ma * 1e3, oneDNNMs: mb * 1e3,
                oneDNNBF16GFLOPs: timeBF16 ? flops / mc * 1e-9 : 0, oneDNNBF16Ms: timeBF16 ? mc * 1e3 : 0,
                faster: fastest.rawValue, chosen: policy.rawValue,
                oneDNNImplementation: try engine.implementation(batch: 1, length: s.length, padLeft: s.padLeft,
                                                                padRight: s.padRight)))
        }
        return out
    }

    /// BigVGAN's convolutions for a `frames`-frame mel (each layer shape once, at the length it runs on).
    public static func bigvganShapes(_ c: BigVGANConfig, frames: Int) -> [ConvolutionShape] {
        var shapes: [ConvolutionShape] = []
        var seen = Set<String>()
        func add(_ s: ConvolutionShape) { if seen.insert(s.label).inserted { shapes.append(s) } }
        let c0 = c.upsampleInitialChannel
        add(ConvolutionShape(name: "conv_pre", kind: .convolution, inChannels: c.numMels, outChannels: c0, kernelSize: 7,
                             padLeft: 3, padRight: 3, length: frames))
        var length = frames
        for (i, (u, k)) in zip(c.upsampleRates, c.upsampleKernelSizes).enumerated() {
            let cin = c0 >> i, cout = c0 >> (i + 1)
            add(ConvolutionShape(name: "ups.\(i)", kind: .deconvolution, inChannels: cin, outChannels: cout, kernelSize: k,
                                 stride: u, padLeft: (k - u) / 2, padRight: (k - u) / 2, length: length))
            length *= u
            for (rk, dils) in zip(c.resblockKernelSizes, c.resblockDilationSizes) {
                for d in dils {
                    add(ConvolutionShape(name: "stage \(i) convs1", kind: .convolution, inChannels: cout, outChannels: cout,
                                         kernelSize: rk, dilation: d, padLeft: (rk * d - d) / 2, padRight: (rk * d - d) / 2,
                                         length: length))
                }
                add(ConvolutionShape(name: "stage \(i) convs2", kind: .convolution, inChannels: cout, outChannels: cout,
                                     kernelSize: rk, padLeft: (rk - 1) / 2, padRight: (rk - 1) / 2, length: length))
            }
        }
        add(ConvolutionShape(name: "conv_post", kind: .convolution, inChannels: c0 >> c.upsampleRates.count, outChannels: 1,
                             kernelSize: 7, padLeft: 3, padRight: 3, length: length))
        return shapes
    }

    static func seconds(_ body: () -> Void) -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
    }

    static func median(_ v: [Double]) -> Double { v.sorted()[v.count / 2] }
}
