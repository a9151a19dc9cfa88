// Whisper speech recognition on the project's own tensors (a port of openai-whisper 20250625, loading the
// published Hugging Face layout of openai/whisper-{tiny,base,small}{,.en}).
//
// Which original defines what:
//   * model (encoder, decoder, attention)          openai-whisper model.py = transformers modeling_whisper.py
//   * log-mel front end                            openai-whisper audio.py log_mel_spectrogram (WhisperLogMel)
//   * decode loop, logit filters, language id      openai-whisper decoding.py (WhisperDecodingTask, WhisperLogitFilters)
//   * transcribe loop, temperature fallback         openai-whisper transcribe.py (WhisperTranscriber, WhisperFallback)
//   * word timestamps (alignment heads, DTW)       openai-whisper timing.py (WhisperAlignment, WhisperDTW, WhisperWordTimestamps)
//   * tokenizer and special ids                    openai-whisper tokenizer.py over the HF tokenizer files (WhisperTokenizer)
//   * text normalizers                             openai-whisper normalizers/ (EnglishTextNormalizer, BasicTextNormalizer)
//   * model directory                              transformers save_pretrained: config.json, generation_config.json,
//                                                  model.safetensors, preprocessor_config.json, vocab.json, merges.txt,
//                                                  added_tokens.json, special_tokens_map.json, tokenizer_config.json,
//                                                  normalizer.json
//
// API for the render pipeline's signal checks and review (what later integration calls):
//
//     let model = try WhisperModel.load(directory: dir)            // strict weights, tokenizer, configs
//     var options = WhisperTranscribeOptions()                     // openai transcribe() defaults
//     options.wordTimestamps = true
//     options.seed = segmentSeed                                   // sampling at temperature > 0 is seeded
//     let t = try model.transcribe(audio: buffer, options: options) // any sample rate (resampled to 16 kHz)
//     t.text, t.tokens, t.segments, t.windows (per 30 s window: avgLogprob, noSpeechProb, compressionRatio,
//     temperature), t.words ([WhisperWord]: word, start, end, probability)
//     let normalizer = try EnglishTextNormalizer(directory: dir)   // normalizer.json of the model directory
//     let wer = WordErrorRate.compute(reference: normalizer.normalize(script), hypothesis: normalizer.normalize(t.text))
//     wer.substitutions, wer.insertions, wer.deletions, wer.rate
//
// Cost: the encoder always sees a 30 s window (3000 mel frames → 1500 positions), as in the original, so a 3 s
// segment costs the same encoder pass as a 30 s one. Only the front end scales with the audio (WhisperLogMel
// computes the frames that touch audio; the rest of the 30 s padding is a constant). See docs/whisper.md.
import AudioDSP
import Foundation
import Logging
import Neural
import Tensors
import TextFrontend

public final class WhisperModel: @unchecked Sendable {
    static let logger = Logger(label: "bookvox.whisper")

    public let directory: URL
    public let config: WhisperConfig
    public let generation: WhisperGenerationConfig
    public let tokenizer: WhisperTokenizer
    public let encoder: WhisperEncoder
    public let decoder: WhisperDecoder
    public let frontEnd: WhisperLogMel
    /// Cross-attention heads used for word alignment, sorted by (layer, head).
    public let alignmentHeads: [(layer: Int, head: Int)]

    /// The files of the published layout that the model reads.
    public static let requiredFiles = ["config.json", "generation_config.json", "model.safetensors", "vocab.json", "merges.txt"]

    init(directory: URL, config: WhisperConfig, generation: WhisperGenerationConfig, tokenizer: WhisperTokenizer,
         encoder: WhisperEncoder, decoder: WhisperDecoder) throws {
        self.directory = directory
        self.config = config
        self.generation = generation
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.decoder = decoder
        frontEnd = try WhisperLogMel(melCount: config.numMelBins)
        if let heads = generation.alignmentHeads {
            var pairs: [(layer: Int, head: Int)] = []
            for h in heads {
                guard h.count == 2, (0..<config.decoderLayers).contains(h[0]), (0..<config.decoderAttentionHeads).contains(h[1]) else {
                    throw WhisperError.config("alignment_heads entry \(h) is not a [layer, head] pair of this decoder "
                        + "(\(config.decoderLayers) layers × \(config.decoderAttentionHeads) heads)")
                }
                pairs.append((h[0], h[1]))
            }
            // The original holds them as a boolean mask: duplicates collapse, the order is (layer, head).
            var seen = Set<[Int]>()
            alignmentHeads = pairs.filter { seen.insert([$0.layer, $0.head]).inserted }.sorted { ($0.layer, $0.head) < ($1.layer, $1.head) }
        } else {
            // model.py: "use the last half among the decoder layers for time alignment by default".
            alignmentHeads = (config.decoderLayers / 2..<config.decoderLayers).flatMap { l in
                (0..<config.decoderAttentionHeads).map { (l, $0) }
            }
        }
    }

    /// Loads a model directory in the published Hugging Face layout; every weight of model.safetensors must be used.
    public static func load(directory: URL) throws -> WhisperModel {
        let fm = FileManager.default
        for f in requiredFiles where !fm.fileExists(atPath: directory.appendingPathComponent(f).path) {
            throw WhisperError.modelFile(path: directory.appendingPathComponent(f).path, problem: "missing",
                                         fix: "download the model (bookvox models download whisper-base.en) or point to a complete directory")
        }
        let config = try WhisperConfig.load(path: directory.appendingPathComponent("config.json").path)
        let generation = try WhisperGenerationConfig.load(path: directory.appendingPathComponent("generation_config.json").path)
        try checkPreprocessor(directory.appendingPathComponent("preprocessor_config.json"), config: config)
        let bpe = try GPT2Tokenizer(directory: directory.path)
        let tokenizer = try WhisperTokenizer(bpe: bpe, vocabSize: config.vocabSize, generation: generation)
        let store = try WeightStore(path: directory.appendingPathComponent("model.safetensors").path)
        let encoder = try WhisperEncoder(store.scope("model.encoder"), config: config)
        let decoder = try WhisperDecoder(store.scope("model.decoder"), projOut: store.scope("proj_out"), config: config)
        try store.finish()
        return try WhisperModel(directory: directory, config: config, generation: generation, tokenizer: tokenizer,
                                encoder: encoder, decoder: decoder)
    }

    /// preprocessor_config.json (optional) must describe openai-whisper's front end, which the port hard-codes as the original does.
    static func checkPreprocessor(_ url: URL, config: WhisperConfig) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else { return }
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WhisperError.config("\(url.path) is not a JSON object")
        }
        let expected: [(String, Int)] = [("feature_size", config.numMelBins), ("n_fft", WhisperLogMel.nFFT),
                                         ("hop_length", WhisperLogMel.hopLength), ("sampling_rate", WhisperLogMel.sampleRate),
                                         ("chunk_length", WhisperLogMel.chunkSeconds)]
        for (key, want) in expected {
            if let v = (obj[key] as? NSNumber)?.intValue, v != want {
                throw WhisperError.config("\(url.lastPathComponent) has \(key) = \(v); Whisper's front end uses \(want)")
            }
        }
    }

    /// Audio features (1500, d) of one 30 s mel window (n_mels, 3000).
    public func encode(mel: Tensor) throws -> Tensor { try encoder(mel) }

    /// decode(): one window's mel (n_mels, 3000) or its audio features (1500, d).
    public func decode(audioFeatures: Tensor, options: WhisperDecodingOptions, rng: inout SeededRNG) throws -> WhisperDecodingResult {
        guard audioFeatures.shape == [config.maxSourcePositions, config.dModel] else {
            throw WhisperError.shape(what: "audio features", expected: [config.maxSourcePositions, config.dModel], found: audioFeatures.shape)
        }
        return try WhisperDecodingTask(model: self, options: options).run(audioFeatures: audioFeatures, rng: &rng)
    }

    /// Log-mel of 16 kHz samples followed by `padding` zeros.
    public func logMel(_ samples: [Float], padding: Int = 0) throws -> WhisperMel { try frontEnd.compute(samples, padding: padding) }
}
