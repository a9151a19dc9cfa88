// `bookvox bench --convolutions`, Qwen3-TTS part: the 12 Hz codec decoder's convolution shapes (for
// ConvolutionShapeBench) and the decoder at its released size with random weights, exact convolutions against
// `--precision fast` convolutions (ConvolutionPolicy.fast, or another policy such as fastBF16), runs alternated.
import Foundation
import Neural
import Tensors

public struct Qwen3CodecDecoderBackToBack: Codable, Sendable {
    public var frames: Int
    public var audioSeconds: Double
    /// Seconds of compute per second of audio, one entry per run.
    public var exact: [Double]
    public var fast: [Double]
    /// max |fast − exact| over the waveform, and the SNR of fast against exact in dB.
    public var maxAbsDifference: Double
    public var snrDB: Double
}

public enum Qwen3CodecConvolutionBench {
    /// Every convolution of one decoder forward over `frames` code frames (released config unless given), each layer
    /// shape once at the length it runs on. Causal convolutions pad (K − 1)·d on the left, as CodecCausalConv1d.
    public static func shapes(frames: Int, config: Qwen3CodecDecoderConfig? = nil) throws -> [ConvolutionShape] {
        let c = try config ?? Qwen3ReleasedConfigs.speechTokenizer().decoderConfig
        var shapes: [ConvolutionShape] = []
        var seen = Set<String>()
        func add(_ s: ConvolutionShape) { if seen.insert(s.label).inserted { shapes.append(s) } }
        func causal(_ name: String, _ cin: Int, _ cout: Int, _ k: Int, d: Int = 1, groups: Int = 1, length: Int) {
            add(ConvolutionShape(name: name, kind: .convolution, inChannels: cin, outChannels: cout, kernelSize: k,
                                 dilation: d, groups: groups, padLeft: (k - 1) * d, padRight: 0, length: length))
        }
        var t = frames
        causal("pre_conv", c.codebookDim, c.latentDim, 3, length: t)
        for (i, f) in c.upsamplingRatios.enumerated() {
            add(ConvolutionShape(name: "upsample.\(i) transconv", kind: .deconvolution, inChannels: c.latentDim,
                                 outChannels: c.latentDim, kernelSize: f, stride: f, length: t))
            t *= f
            causal("upsample.\(i) dwconv", c.latentDim, c.latentDim, 7, groups: c.latentDim, length: t)
        }
        causal("decoder.0", c.latentDim, c.decoderDim, 7, length: t)
        for (i, r) in c.upsampleRates.enumerated() {
            let cin = c.decoderDim >> i, cout = c.decoderDim >> (i + 1)
            add(ConvolutionShape(name: "block \(i + 1) transconv", kind: .deconvolution, inChannels: cin, outChannels: cout,
                                 kernelSize: 2 * r, stride: r, length: t))
            t *= r
            for d in [1, 3, 9] { causal("block \(i + 1) conv1", cout, cout, 7, d: d, length: t) }
            causal("block \(i + 1) conv2", cout, cout, 1, length: t)
        }
        causal("output conv", c.decoderDim >> c.upsampleRates.count, 1, 7, length: t)
        return shapes
    }

    /// The released-size decoder on `frames` random codes: exact and fast convolutions, `runs` alternated decodes each
    /// (one untimed decode of each first).
    public static func backToBack(frames: Int = 125, runs: Int = 3, seed: UInt64 = 20_261_206,
                                  policy: ConvolutionPolicy = .fast) throws -> Qwen3CodecDecoderBackToBack {
        let st = try Qwen3ReleasedConfigs.speechTokenizer()
        let store = try Qwen3EngineBench.randomStore(seed: seed) { _ = try Qwen3CodecDecoder(config: st.decoderConfig, weights: $0) }
        let exact = try Qwen3CodecDecoder(config: st.decoderConfig, weights: store.root)
        let fast = try Qwen3CodecDecoder(config: st.decoderConfig, weights: store.root, convolutions: policy)
        var rng = SeededRNG(seed: seed &+ 1)
        let codes = (0..<frames).map { _ in
            (0..<st.decoderConfig.numQuantizers).map { _ in Int(rng.next() % UInt64(st.decoderConfig.codebookSize)) }
        }
        let audio = Double(frames * st.decodeUpsampleRate) / Double(st.outputSampleRate)
        let a = try exact.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate)
        let b = try fast.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate)
        var maxAbs = 0.0, signal = 0.0, noise = 0.0
        for (x, y) in zip(a, b) {
            let d = Double(y - x)
            maxAbs = max(maxAbs, abs(d))
            signal += Double(x) * Double(x)
            noise += d * d
        }
        var te: [Double] = [], tf: [Double] = []
        for _ in 0..<max(runs, 1) {
            te.append(try Qwen3EngineBench.seconds { _ = try exact.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate) } / audio)
            tf.append(try Qwen3EngineBench.seconds { _ = try fast.decode(frames: codes, decodeUpsampleRate: st.decodeUpsampleRate) } / audio)
        }
        return Qwen3CodecDecoderBackToBack(frames: frames, audioSeconds: audio, exact: te, fast: tf, maxAbsDifference: maxAbs,
                                           snrDB: noise > 0 ? 10 * log10(signal / noise) : .infinity)
    }
}
