// Parity runner for qwen3tts/speech_tokenizer_decoder_tiny (Tests/Fixtures/qwen3tts/README.md):
// the 12 Hz decoder built from `config.speech_tokenizer_config`, weights under "decoder.".
// Outputs: every stage of one forward of `codes` (batch dim dropped), `wav` through the wrapper decode,
// `wav_chunked` through chunked_decode with `config.chunked_decode_test`, and the two items of the
// −1-padded batch [codes, codes_b].
import Foundation
import Neural
import Tensors

public enum Qwen3CodecParity {
    public static let decoderCase = "qwen3tts/speech_tokenizer_decoder_tiny"

    public static var cases: [String: ParityRunner] {
        [decoderCase: { c in try compare(c, outputs: try decoderOutputs(c)) }]
            .merging(Qwen3CodecEncoderParity.cases) { a, _ in a }
    }

    struct ChunkConfig: Decodable {
        let chunkSize: Int
        let leftContextSize: Int
        enum CodingKeys: String, CodingKey { case chunkSize = "chunk_size", leftContextSize = "left_context_size" }
        var chunking: Qwen3CodecChunking { Qwen3CodecChunking(chunkSize: chunkSize, leftContext: leftContextSize) }
    }

    /// Frames [T][Q] from an int64 input (T, Q).
    static func frames(_ c: ParityCase, _ name: String) throws -> [[Int]] {
        let raw = try c.rawInput(name)
        guard raw.shape.count == 2 else {
            throw ParityError.badManifest(path: c.directory.path, reason: "input \(name) should be (T, Q), found \(raw.shape)")
        }
        let v = try c.inputInts(name).map { Int($0) }
        let q = raw.shape[1]
        return (0..<raw.shape[0]).map { t in Array(v[(t * q)..<((t + 1) * q)]) }
    }

    /// Runs the decoder on the case's inputs and returns every output the case describes (`convolutions`: .fast
    /// runs the convolutions as `--precision fast` does, through oneDNN).
    public static func decoderOutputs(_ c: ParityCase, convolutions: ConvolutionPolicy = .exact) throws -> [String: Tensor] {
        let st = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let test = try c.decodeConfig(ChunkConfig.self, key: "chunked_decode_test")
        let production = try c.decodeConfig(ChunkConfig.self, key: "chunked_decode_production")
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let decoder = try Qwen3CodecDecoder(config: st.decoderConfig, store: try WeightStore(path: url.path),
                                            convolutions: convolutions)
        let codesA = try frames(c, "codes"), codesB = try frames(c, "codes_b")

        var out: [String: Tensor] = [:]
        let single = try Qwen3CodecCodes(frames: codesA)
        _ = try decoder.forward(single) { name, value in
            out[name] = value.reshaped(Array(value.shape.dropFirst())) // batch dim dropped
        }
        let wav = try decoder.decode(frames: codesA, decodeUpsampleRate: st.decodeUpsampleRate, chunking: production.chunking)
        out["wav"] = Tensor(shape: [wav.count], data: wav)
        let chunked = try decoder.chunkedDecode(single, chunkSize: test.chunkSize, leftContext: test.leftContextSize)
        out["wav_chunked"] = chunked.reshaped([chunked.count])
        let batch = try decoder.decodeBatch([codesA, codesB], decodeUpsampleRate: st.decodeUpsampleRate,
                                            chunking: production.chunking)
        for (i, w) in batch.enumerated() { out["wav_batch\(i)"] = Tensor(shape: [w.count], data: w) }
        return out
    }

    /// Compares `outputs` with every expected output of the case (`expected` overrides individual references,
    /// e.g. to check that a wrong reference is caught). An expected output with no computed value fails.
    public static func compare(_ c: ParityCase, outputs: [String: Tensor],
                               expected: [String: Tensor] = [:]) throws -> [OutputReport] {
        try c.outputNames.sorted().map { name in
            let want: Tensor
            if let w = expected[name] {
                want = w
            } else {
                want = try c.expected(name).floatTensor(key: "out." + name)
            }
            guard let got = outputs[name] else {
                // Not computed: reported as an empty shape, which fails the shape check.
                return ParityCompare.compare(name: name, got: [], want: want.array, shapeGot: [], shapeWant: want.shape,
                                             tolerance: c.tolerance(for: name))
            }
            return ParityCompare.compare(name: name, got: got.array, want: want.array, shapeGot: got.shape,
                                         shapeWant: want.shape, tolerance: c.tolerance(for: name))
        }
    }
}
