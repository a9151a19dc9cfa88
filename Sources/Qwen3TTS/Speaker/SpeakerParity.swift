// Parity runner for qwen3tts/speaker_encoder_tiny (Tests/Fixtures/qwen3tts/README.md): the ECAPA-TDNN built from
// `config.speaker_encoder_config`, weights under "speaker_encoder.", the mel front end from
// `config.mel_front_end`. As the manifest prescribes, `mel` is our front end on the case audio, while block0…3,
// mfa, asp and embedding come from the network fed the reference mel (`out.mel`); the extra check
// `embedding_from_audio` runs the whole chain on the audio (own mel) against `out.embedding` with the manifest's
// looser `embedding_from_audio` tolerance.
import Foundation
import Neural
import Tensors

public enum Qwen3SpeakerParity {
    public static let speakerCase = "qwen3tts/speaker_encoder_tiny"

    public static var cases: [String: ParityRunner] {
        [speakerCase: { c in try compare(c, outputs: try speakerOutputs(c)) }]
    }

    /// The output computed from our own mel, compared with `out.embedding`.
    public static let fromAudioCheck = "embedding_from_audio"

    /// Builds the case's speaker encoder strictly from its weights file (keys under "speaker_encoder.").
    public static func encoder(_ c: ParityCase) throws -> Qwen3SpeakerEncoder {
        let config = try c.decodeConfig(Qwen3SpeakerEncoderConfig.self, key: "speaker_encoder_config")
        let mel = try c.decodeConfig(Qwen3SpeakerMelConfig.self, key: "mel_front_end")
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: url.path)
        let network = try Qwen3SpeakerNetwork(config: config, weights: store.scope(Qwen3SpeakerEncoder.weightPrefix))
        try store.finish()
        return try Qwen3SpeakerEncoder(network: network, mel: mel)
    }

    /// Every output of the case plus `embedding_from_audio`.
    public static func speakerOutputs(_ c: ParityCase) throws -> [String: Tensor] {
        let encoder = try encoder(c)
        let audio = try c.input("audio").array
        var out: [String: Tensor] = [:]
        let mel = try encoder.melFeatures(audio24k: audio) // (1, mels, T)
        out["mel"] = mel.reshaped([mel.shape[1], mel.shape[2]]).transposed(0, 1) // (T, mels)
        out[fromAudioCheck] = try encoder.network.forward(mel: mel).reshaped([encoder.network.config.encDim])

        let reference = try c.expected("mel").floatTensor(key: "out.mel") // (T, mels)
        let fed = reference.transposed(0, 1).reshaped([1, reference.shape[1], reference.shape[0]]) // (1, mels, T)
        let embedding = try encoder.network.forward(mel: fed) { name, value in
            out[name] = value.reshaped(Array(value.shape.dropFirst())) // batch dim dropped
        }
        out["embedding"] = embedding.reshaped([embedding.shape[1]])
        return out
    }

    /// One report per expected output, plus `embedding_from_audio` against `out.embedding`.
    public static func compare(_ c: ParityCase, outputs: [String: Tensor],
                               expected: [String: Tensor] = [:]) throws -> [OutputReport] {
        var reports = try Qwen3CodecParity.compare(c, outputs: outputs, expected: expected)
        let want = try expected["embedding"] ?? c.expected("embedding").floatTensor(key: "out.embedding")
        let got = outputs[fromAudioCheck]
        reports.append(ParityCompare.compare(name: fromAudioCheck, got: got?.array ?? [], want: want.array,
                                             shapeGot: got?.shape ?? [], shapeWant: want.shape,
                                             tolerance: c.tolerance(for: fromAudioCheck)))
        return reports
    }
}
