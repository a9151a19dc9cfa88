// The released Whisper sizes (openai-whisper's ModelDimensions of tiny/base/small, the same numbers as the
// published config.json files), for benchmarks with random weights at real size.
import Foundation

public enum WhisperReleasedSizes {
    /// "whisper-base.en", "base.en", "small" … → its config.
    public static func config(named name: String) throws -> WhisperConfig {
        var n = name.lowercased()
        if n.hasPrefix("whisper-") { n.removeFirst("whisper-".count) }
        let english = n.hasSuffix(".en")
        let size = english ? String(n.dropLast(3)) : n
        let dims: (d: Int, heads: Int, layers: Int)
        switch size {
        case "tiny": dims = (384, 6, 4)
        case "base": dims = (512, 8, 6)
        case "small": dims = (768, 12, 12)
        default:
            throw WhisperError.input("unknown Whisper size '\(name)'; use whisper-tiny, whisper-base or whisper-small, with or without .en")
        }
        let json = """
            {"model_type": "whisper", "vocab_size": \(english ? 51864 : 51865), "num_mel_bins": 80, "d_model": \(dims.d),
             "encoder_layers": \(dims.layers), "encoder_attention_heads": \(dims.heads), "encoder_ffn_dim": \(4 * dims.d),
             "decoder_layers": \(dims.layers), "decoder_attention_heads": \(dims.heads), "decoder_ffn_dim": \(4 * dims.d),
             "max_source_positions": 1500, "max_target_positions": 448}
            """
        return try JSONDecoder().decode(WhisperConfig.self, from: Data(json.utf8))
    }
}
