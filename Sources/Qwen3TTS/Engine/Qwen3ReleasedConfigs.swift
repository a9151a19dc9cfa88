// The released Qwen3-TTS-12Hz Base configurations (config.json talker / code-predictor values and
// speech_tokenizer/config.json decoder values, shared/specs/qwen3tts.md §1.3–1.4), for benchmarks at real size
// with random weights when no checkpoint is installed. A loaded model always reads its own files instead.
import Foundation

public enum Qwen3ReleasedConfigs {
    /// config.json of Qwen3-TTS-12Hz-{0.6B,1.7B}-Base (speaker encoder omitted: the benchmark does not use it).
    public static func model(_ size: Qwen3Variant.Size) throws -> Qwen3TTSConfig {
        let hidden = size == .small ? 1024 : 2048, intermediate = size == .small ? 3072 : 6144
        let json = """
        {"model_type": "qwen3_tts", "tokenizer_type": "qwen3_tts_tokenizer_12hz", "tts_model_type": "base",
         "tts_model_size": "\(size == .small ? "0b6" : "1b7")", "im_start_token_id": 151644, "im_end_token_id": 151645,
         "assistant_token_id": 77091, "tts_pad_token_id": 151671, "tts_bos_token_id": 151672, "tts_eos_token_id": 151673,
         "talker_config": {"vocab_size": 3072, "hidden_size": \(hidden), "intermediate_size": \(intermediate),
          "num_hidden_layers": 28, "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128,
          "hidden_act": "silu", "rms_norm_eps": 1e-06, "rope_theta": 1000000, "max_position_embeddings": 32768,
          "rope_scaling": {"interleaved": true, "mrope_section": [24, 20, 20], "rope_type": "default"},
          "attention_bias": false, "use_sliding_window": false, "num_code_groups": 16, "text_hidden_size": 2048,
          "text_vocab_size": 151936, "codec_pad_id": 2148, "codec_bos_id": 2149, "codec_eos_token_id": 2150,
          "codec_think_id": 2154, "codec_nothink_id": 2155, "codec_think_bos_id": 2156, "codec_think_eos_id": 2157,
          "codec_language_id": {"english": 2050, "german": 2053, "spanish": 2054, "chinese": 2055, "japanese": 2058,
           "french": 2061, "korean": 2064, "russian": 2069, "italian": 2070, "portuguese": 2071},
          "spk_id": {}, "spk_is_dialect": {},
          "code_predictor_config": {"vocab_size": 2048, "hidden_size": 1024, "intermediate_size": 3072,
           "num_hidden_layers": 5, "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128,
           "hidden_act": "silu", "rms_norm_eps": 1e-06, "rope_theta": 1000000, "max_position_embeddings": 65536,
           "attention_bias": false, "use_sliding_window": false, "num_code_groups": 16}}}
        """
        return try JSONDecoder().decode(Qwen3TTSConfig.self, from: Data(json.utf8))
    }

    /// speech_tokenizer/config.json (decoder part) of the 12 Hz tokenizer.
    public static func speechTokenizer() throws -> Qwen3SpeechTokenizerConfig {
        let json = """
        {"encoder_valid_num_quantizers": 16, "input_sample_rate": 24000, "output_sample_rate": 24000,
         "decode_upsample_rate": 1920, "encode_downsample_rate": 1920,
         "decoder_config": {"attention_bias": false, "attention_dropout": 0.0, "latent_dim": 1024, "codebook_dim": 512,
          "codebook_size": 2048, "decoder_dim": 1536, "hidden_act": "silu", "hidden_size": 512, "intermediate_size": 1024,
          "layer_scale_initial_scale": 0.01, "max_position_embeddings": 8000, "head_dim": 64, "num_attention_heads": 16,
          "num_hidden_layers": 8, "num_key_value_heads": 16, "num_quantizers": 16, "num_semantic_quantizers": 1,
          "rms_norm_eps": 1e-05, "rope_theta": 10000, "semantic_codebook_size": 4096, "sliding_window": 72,
          "upsample_rates": [8, 5, 4, 3], "upsampling_ratios": [2, 2], "vector_quantization_hidden_dimension": 512}}
        """
        return try JSONDecoder().decode(Qwen3SpeechTokenizerConfig.self, from: Data(json.utf8))
    }
}
