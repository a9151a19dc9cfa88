// Every target that implements parity cases exposes a table `case name → runner`;
// the Bookvox layer merges them for `bookvox dev parity`.
import Foundation

public typealias ParityRunner = (ParityCase) throws -> [OutputReport]

public enum NeuralParity {
    /// Cases implemented in the Neural layer (sampling, layers, vocoder blocks).
    public static var cases: [String: ParityRunner] {
        [
            "indextts2/logits_processing": SamplingParityCases.logitsProcessing,
            "qwen3tts/sampling": SamplingParityCases.qwenSampling,
        ]
    }
}
