// `bookvox bench --asr whisper-base.en`: what transcribing one synthesized segment costs, at a released size with
// random weights. Per segment length (default 3, 8 and 15 s of audio with about 10, 25 and 45 words): the log-mel
// front end, the encoder (always one 30 s window), the cross-attention keys/values, the greedy decode of the
// segment's tokens (each step = decoder step with KV cache, logits over the whole vocabulary, the logit filters,
// log-softmax and argmax, as WhisperDecodingTask runs it), and the word alignment pass (find_alignment + DTW).
// Random weights cannot end a decode at a realistic length, so the steps are counted: 1.3 tokens per English word
// plus two timestamps and <|endoftext|>.
import Foundation
import Neural
import Tensors
import TextFrontend

public struct WhisperBenchOptions: Sendable {
    public var model = "whisper-base.en"
    /// A directory with the tokenizer files of the layout (a downloaded model or the repo's test model).
    public var tokenizerDirectory: URL
    /// (seconds of audio, words) per segment.
    public var segments: [(seconds: Double, words: Int)] = [(3, 10), (8, 25), (15, 45)]
    public var repetitions = 3
    public var seed: UInt64 = 20_261_206

    public init(tokenizerDirectory: URL) { self.tokenizerDirectory = tokenizerDirectory }
}

public struct WhisperBenchSegment: Codable, Sendable {
    public var seconds: Double
    public var words: Int
    public var tokens: Int
    public var melSeconds: Double
    public var encoderSeconds: Double
    public var crossKeyValueSeconds: Double
    public var decodeSeconds: Double
    public var alignmentSeconds: Double
    public var totalSeconds: Double { melSeconds + encoderSeconds + crossKeyValueSeconds + decodeSeconds + alignmentSeconds }
    /// Seconds of ASR per second of audio.
    public var secondsPerSecond: Double { totalSeconds / seconds }
    public var decodeStepMs: Double { decodeSeconds / Double(tokens) * 1000 }
}

public struct WhisperBenchReport: Codable, Sendable {
    public var model: String
    public var threads: Int
    public var parameters: Int
    public var segments: [WhisperBenchSegment]
}

public enum WhisperBench {
    /// Random weights with the published key names and shapes (encoder positions = the sinusoids).
    static func randomWeights(_ c: WhisperConfig, seed: UInt64) -> [String: Tensor] {
        var rng = SeededRNG(seed: seed)
        func normal(_ shape: [Int], std: Float) -> Tensor {
            let n = shape.reduce(1, *)
            var v = [Float](repeating: 0, count: n)
            for i in 0..<n { v[i] = rng.nextGaussian() * std }
            return Tensor(shape: shape, data: v)
        }
        let d = c.dModel
        var w: [String: Tensor] = [:]
        func linear(_ p: String, _ i: Int, _ o: Int, bias: Bool = true) {
            w[p + ".weight"] = normal([o, i], std: 1 / Float(i).squareRoot())
            if bias { w[p + ".bias"] = normal([o], std: 0.02) }
        }
        func norm(_ p: String) {
            w[p + ".weight"] = Tensor(shape: [d], repeating: 1)
            w[p + ".bias"] = Tensor(zeros: [d])
        }
        func attention(_ p: String) {
            linear(p + ".q_proj", d, d)
            linear(p + ".k_proj", d, d, bias: false)
            linear(p + ".v_proj", d, d)
            linear(p + ".out_proj", d, d)
        }
        w["model.encoder.conv1.weight"] = normal([d, c.numMelBins, 3], std: 1 / Float(3 * c.numMelBins).squareRoot())
        w["model.encoder.conv1.bias"] = normal([d], std: 0.02)
        w["model.encoder.conv2.weight"] = normal([d, d, 3], std: 1 / Float(3 * d).squareRoot())
        w["model.encoder.conv2.bias"] = normal([d], std: 0.02)
        var pos = [Float](repeating: 0, count: c.maxSourcePositions * d)
        let increment = log(10_000.0) / Double(d / 2 - 1)
        for t in 0..<c.maxSourcePositions {
            for k in 0..<(d / 2) {
                let a = Double(t) * exp(-increment * Double(k))
                pos[t * d + k] = Float(sin(a))
                pos[t * d + d / 2 + k] = Float(cos(a))
            }
        }
        w["model.encoder.embed_positions.weight"] = Tensor(shape: [c.maxSourcePositions, d], data: pos)
        for l in 0..<c.encoderLayers {
            let p = "model.encoder.layers.\(l)"
            attention(p + ".self_attn")
            norm(p + ".self_attn_layer_norm")
            linear(p + ".fc1", d, c.encoderFFNDim)
            linear(p + ".fc2", c.encoderFFNDim, d)
            norm(p + ".final_layer_norm")
        }
        norm("model.encoder.layer_norm")
        w["model.decoder.embed_tokens.weight"] = normal([c.vocabSize, d], std: 0.02)
        w["model.decoder.embed_positions.weight"] = normal([c.maxTargetPositions, d], std: 0.02)
        for l in 0..<c.decoderLayers {
            let p = "model.decoder.layers.\(l)"
            attention(p + ".self_attn")
            norm(p + ".self_attn_layer_norm")
            attention(p + ".encoder_attn")
            norm(p + ".encoder_attn_layer_norm")
            linear(p + ".fc1", d, c.decoderFFNDim)
            linear(p + ".fc2", c.decoderFFNDim, d)
            norm(p + ".final_layer_norm")
        }
        norm("model.decoder.layer_norm")
        return w
    }

    /// A model of the released size `name` with random weights and the tokenizer files of `tokenizerDirectory`.
    public static func randomModel(named name: String, tokenizerDirectory: URL, seed: UInt64) throws -> WhisperModel {
        let config = try WhisperReleasedSizes.config(named: name)
        let store = WeightStore(tensors: randomWeights(config, seed: seed), source: "random \(name) weights")
        let encoder = try WhisperEncoder(store.scope("model.encoder"), config: config)
        let decoder = try WhisperDecoder(store.scope("model.decoder"), projOut: store.scope("proj_out"), config: config)
        try store.finish()
        let generation = try WhisperGenerationConfig.load(path: tokenizerDirectory.appendingPathComponent("generation_config.json").path)
        let bpe = try GPT2Tokenizer(directory: tokenizerDirectory.path)
        let tokenizer = try WhisperTokenizer(bpe: bpe, vocabSize: config.vocabSize, generation: generation)
        var g = generation
        g.alignmentHeads = nil // the released models' heads are for their own layer counts; use the default set
        return try WhisperModel(directory: tokenizerDirectory, config: config, generation: g, tokenizer: tokenizer,
                                encoder: encoder, decoder: decoder)
    }

    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    static func time(_ body: () throws -> Void) rethrows -> Double {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    }

    public static func run(_ o: WhisperBenchOptions) throws -> WhisperBenchReport {
        let model = try randomModel(named: o.model, tokenizerDirectory: o.tokenizerDirectory, seed: o.seed)
        let c = model.config
        let parameters = 2 * c.dModel * c.numMelBins * 3 / 2 + c.dModel * c.dModel * 3 + c.maxSourcePositions * c.dModel
            + c.encoderLayers * (4 * c.dModel * c.dModel + 2 * c.dModel * c.encoderFFNDim)
            + c.vocabSize * c.dModel + c.maxTargetPositions * c.dModel
            + c.decoderLayers * (8 * c.dModel * c.dModel + 2 * c.dModel * c.decoderFFNDim)
        let tok = model.tokenizer
        var rng = SeededRNG(seed: o.seed)
        var options = WhisperDecodingOptions()
        options.language = "en"
        let task = try WhisperDecodingTask(model: model, options: options)
        var segments: [WhisperBenchSegment] = []
        var features = Tensor(zeros: [c.maxSourcePositions, c.dModel])
        for (seconds, words) in o.segments {
            let samples = (0..<Int(seconds * Double(WhisperLogMel.sampleRate))).map { _ in 0.1 * rng.nextGaussian() }
            let textTokens = Int((Double(words) * 1.3).rounded())
            let steps = textTokens + 3 // two timestamps and <|endoftext|>
            var mel: [Double] = [], enc: [Double] = [], kv: [Double] = [], dec: [Double] = [], align: [Double] = []
            for rep in 0...o.repetitions { // the first run warms up
                var m: WhisperMel?
                let tm = try time { m = try model.logMel(samples, padding: WhisperLogMel.chunkSamples) }
                let window = m!.frames(start: 0, count: min(m!.frameCount - WhisperLogMel.chunkFrames, WhisperLogMel.chunkFrames),
                                       paddedTo: WhisperLogMel.chunkFrames)
                let te = try time { features = try model.encode(mel: window) }
                var state: WhisperDecoderState?
                let tk = time { state = model.decoder.makeState(audioFeatures: features) }
                var tokens = task.initialTokens
                let td = try time {
                    for i in 0..<steps {
                        let input = i == 0 ? tokens : [tokens[tokens.count - 1]]
                        let (hidden, _) = try model.decoder.forward(input, state: state!)
                        var logits = model.decoder.logitsRow(hidden, row: hidden.shape[0] - 1)
                        for f in task.filters { f.apply(&logits, tokens: tokens) }
                        var next = WhisperMath.argmax(logits)
                        _ = WhisperMath.logSoftmax(logits, at: next)
                        // Random weights: keep the sequence a transcript-shaped one (timestamps at both ends, text between).
                        if i == 0 { next = tok.timestampBegin } else if i == steps - 2 { next = tok.timestampBegin + 100 }
                        else if i < steps - 2 { next = 1000 + (next % 40_000) }
                        tokens.append(next)
                    }
                }
                let text = Array(tokens[(task.sampleBegin + 1)..<(tokens.count - 2)])
                let ta = try time {
                    _ = try model.findAlignment(textTokens: text, audioFeatures: features, numFrames: Int(seconds * 100),
                                                sotSequence: task.sotSequence, language: nil)
                }
                if rep > 0 {
                    mel.append(tm)
                    enc.append(te)
                    kv.append(tk)
                    dec.append(td)
                    align.append(ta)
                }
            }
            segments.append(WhisperBenchSegment(seconds: seconds, words: words, tokens: steps, melSeconds: median(mel),
                                                encoderSeconds: median(enc), crossKeyValueSeconds: median(kv),
                                                decodeSeconds: median(dec), alignmentSeconds: median(align)))
        }
        return WhisperBenchReport(model: o.model, threads: Tensors.threadCount, parameters: parameters, segments: segments)
    }
}
