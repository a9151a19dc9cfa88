// The few case inputs that a runner deliberately does not read. Every other input and every expected output of a
// case must be read by its runner (ParityIO records the reads; ParityCatalog fails the case naming any it left).
// Each entry says why the input is only informational; `bookvox dev parity --verbose` prints the reason.
import Foundation

public enum InformationalInputs {
    static let table: [String: [String: String]] = [
        "indextts2/e2e_tiny": [
            // The raw 24 kHz excerpt the case was cut from. infer_v2 reads the clip with librosa.load (soxr_hq
            // resampling to 22.05 kHz for the speaker path and to 16 kHz for the emotion path); the case gives those
            // two resampled signals as audio_22k and emo_audio_16k, and the pipeline starts from them. The soxr
            // resampling itself is covered by the mel_22k case.
            "audio_24k": "the raw clip; the pipeline starts from its librosa.load resamplings audio_22k / emo_audio_16k",
        ],
    ]

    /// Input name → reason, for the case `name`.
    public static func inputs(case name: String) -> [String: String] { table[name] ?? [:] }
}
