// The parts of Qwen3TTSModel.generate_voice_clone built from a qwen3tts/e2e_tiny case rather than a model directory:
// weights.safetensors (talker.*, speaker_encoder.*: the real model.safetensors layout) with config.model_config,
// weights_speech_tokenizer.safetensors (encoder.*, decoder.*) with config.speech_tokenizer_config and
// config.feature_extractor, and the generation settings (generation_config_json + the call's overrides). The same
// classes the engine loads from a directory, built strictly (every key of both files used or named as encode-unused).
// The case gives the chat-template token ids, so no tokenizer is needed.
import Foundation
import Neural
import Tensors

struct Qwen3CaseModel {
    let config: Qwen3TTSConfig
    let talker: Qwen3Talker
    let tokens: Qwen3TTSTokens
    let builder: Qwen3PromptBuilder
    let generator: Qwen3BatchGenerator
    let generation: Qwen3GenerationConfig
    let speaker: Qwen3SpeakerEncoder
    let coder: Qwen3SpeechEncoder
    let decoder: Qwen3CodecDecoder
    let speechTokenizer: Qwen3SpeechTokenizerConfig

    init(_ c: ParityCase, generation: Qwen3GenerationConfig) throws {
        config = try c.decodeConfig(Qwen3TTSConfig.self, key: "model_config")
        guard let modelConfig = c.config["model_config"] as? [String: Any], let spk = modelConfig["speaker_encoder_config"] else {
            throw ParityError.config(key: "model_config.speaker_encoder_config", reason: "missing (a Base model clones with it)")
        }
        let speakerConfig = try JSONDecoder().decode(Qwen3SpeakerEncoderConfig.self, from: try JSONSerialization.data(withJSONObject: spk))
        guard let weights = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: weights.path)
        talker = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        speaker = try Qwen3SpeakerEncoder(network: try Qwen3SpeakerNetwork(config: speakerConfig,
                                                                            weights: store.scope(Qwen3SpeakerEncoder.weightPrefix)))
        try store.finish()

        guard let st = c.manifest["weights_speech_tokenizer"] as? String else {
            throw ParityError.badManifest(path: c.directory.path, reason: "no weights_speech_tokenizer listed")
        }
        let stStore = try WeightStore(path: c.directory.appendingPathComponent(st).path)
        let settings = try c.decodeConfig(Qwen3SpeechEncoderSettings.self, key: "speech_tokenizer_config")
        speechTokenizer = try c.decodeConfig(Qwen3SpeechTokenizerConfig.self, key: "speech_tokenizer_config")
        let extractor = try c.decodeConfig(Qwen3EncodecFeatureExtractor.self, key: "feature_extractor")
        guard extractor.samplingRate == settings.inputSampleRate else {
            throw ParityError.config(key: "feature_extractor.sampling_rate",
                                     reason: "\(extractor.samplingRate) differs from input_sample_rate \(settings.inputSampleRate)")
        }
        coder = Qwen3SpeechEncoder(encoder: try Qwen3CodecEncoder(settings: settings, weights: stStore.scope(Qwen3CodecEncoder.weightPrefix)),
                                   featureExtractor: extractor)
        decoder = try Qwen3CodecDecoder(config: speechTokenizer.decoderConfig, weights: stStore.scope("decoder."))
        try stStore.finish(ignoring: Qwen3CodecEncoder.ignoredKeys(settings: settings, store: stStore) + Qwen3CodecDecoder.ignoredKeys())
        guard speechTokenizer.decoderConfig.numQuantizers == talker.groups else {
            throw ParityError.config(key: "speech_tokenizer_config.decoder_config.num_quantizers",
                                     reason: "\(speechTokenizer.decoderConfig.numQuantizers), but the talker makes \(talker.groups) codebooks")
        }

        tokens = Qwen3TTSTokens(config: config)
        self.generation = generation
        builder = Qwen3PromptBuilder(talker: talker, tokens: tokens)
        generator = Qwen3BatchGenerator(talker: talker, tokens: tokens,
                                        settings: Qwen3SamplingSettings(generation: generation, talker: config.talkerConfig))
    }
}
