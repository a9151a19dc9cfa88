// Qwen3-TTS behind the SpeechEngine contract (DESIGN.md "The engine contract"), built from a published model
// directory (Qwen3ModelDirectory):
//   prepareVoice  → the voice mode and what it derives (x-vector, reference codes), cached in the VoiceProfile;
//   generate      → chat-template ids → prompt (Qwen3PromptBuilder) → talker + code predictor, one seeded sampler
//                   per segment (SeededTokenSampler(seed: request.seed)), frame cap from the text length;
//   generateBatch → the same through Qwen3BatchGenerator (generate is a batch of one: identical codes);
//   render        → 12 Hz codec decoder (chunked 300/25 like upstream); in-context clones decode the reference codes
//                   in front and cut int(F_ref / F_total · samples) samples, as upstream.
import AudioDSP
import Foundation
import Logging
import Neural
import SpeechEngine
import Tensors
import TextFrontend

public final class Qwen3TTSEngine: SpeechEngine, @unchecked Sendable {
    public let name = "qwen3-tts"
    /// Bump when output for the same inputs may change.
    public let version = "1"
    public let modelHash: String
    public let sampleRate: Int
    public let directory: Qwen3ModelDirectory
    public let options: Qwen3EngineOptions
    public let talker: Qwen3Talker
    public let tokens: Qwen3TTSTokens
    public let generation: Qwen3GenerationConfig
    let tokenizer: Qwen2Tokenizer
    let builder: Qwen3PromptBuilder
    let generator: Qwen3BatchGenerator
    let decoder: Qwen3CodecDecoder
    let speechTokenizer: Qwen3SpeechTokenizerConfig
    private let log = Logger(label: "bookvox.qwen3tts.engine")

    /// Loads every part of the model in `directory` (strictly: unknown or missing weights are errors).
    public init(directory url: URL, options: Qwen3EngineOptions = Qwen3EngineOptions()) throws {
        let dir = try Qwen3ModelDirectory(url: url)
        directory = dir
        self.options = options
        let fix = dir.fix
        if let g = options.generation {
            generation = g
        } else if FileManager.default.fileExists(atPath: dir.generationConfigPath) {
            generation = try Self.file(dir.generationConfigPath, fix) { try Qwen3GenerationConfig.load(path: dir.generationConfigPath) }
        } else {
            generation = Qwen3GenerationConfig.wrapperDefaults
        }
        talker = try Self.file(dir.weightsPath, fix) {
            let store = try WeightStore(path: dir.weightsPath)
            let t = try Qwen3Talker(store.scope("talker"), config: dir.config.talkerConfig,
                                    fast: options.precision == .fast ? options.fastPlan ?? Qwen3FastPlan.standard : nil)
            try store.finish(ignoring: dir.variant.kind == .base ? ["speaker_encoder."] : [])
            return t
        }
        tokens = Qwen3TTSTokens(config: dir.config)
        tokenizer = try Self.file(dir.url.path, fix) { try Qwen2Tokenizer(directory: dir.url.path) }
        speechTokenizer = try Self.file(dir.speechTokenizerConfigPath, fix) {
            try Qwen3SpeechTokenizerConfig(path: dir.speechTokenizerConfigPath)
        }
        let st = speechTokenizer
        decoder = try Self.file(dir.speechTokenizerWeightsPath, fix) {
            try Qwen3CodecDecoder(config: st.decoderConfig, store: try WeightStore(path: dir.speechTokenizerWeightsPath),
                                  convolutions: options.precision == .fast ? .fast : .exact)
        }
        guard st.decoderConfig.numQuantizers == talker.groups else {
            throw Qwen3TTSError.modelFile(path: dir.speechTokenizerConfigPath, problem: "decoder has \(st.decoderConfig.numQuantizers) "
                + "quantizers but the talker makes \(talker.groups) codebooks per frame", fix: fix)
        }
        sampleRate = st.outputSampleRate
        builder = Qwen3PromptBuilder(talker: talker, tokens: tokens)
        generator = Qwen3BatchGenerator(talker: talker, tokens: tokens,
                                        settings: Qwen3SamplingSettings(generation: generation, talker: dir.config.talkerConfig))
        modelHash = options.modelHash ?? "qwen3-tts-\(dir.variant)-\(talker.hidden)x\(talker.config.numHiddenLayers)"
        if let s = options.speaker, tokens.speakers[s.lowercased()] == nil {
            throw Qwen3TTSError.unknownSpeaker(s, known: Array(tokens.speakers.keys))
        }
        log.info("loaded Qwen3-TTS \(dir.variant) from \(dir.url.path)")
    }

    /// Runs `body`, turning any error into one that names `path` and the fixing command.
    static func file<T>(_ path: String, _ fix: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as Qwen3TTSError {
            if case .modelFile = e { throw e }
            throw Qwen3TTSError.modelFile(path: path, problem: "\(e)", fix: fix)
        } catch {
            throw Qwen3TTSError.modelFile(path: path, problem: "\(error)", fix: fix)
        }
    }

    public var variant: Qwen3Variant { directory.variant }

    /// The scheduler hands this many segments to generateBatch at once.
    public var preferredBatchSize: Int { options.maxBatch }

    /// Only Base models clone, and only when no preset speaker is chosen.
    public var canCloneVoice: Bool { variant.kind == .base && options.speaker == nil }

    public var settingsDescription: String {
        let g = generation
        return "variant=\(variant) speaker=\(options.speaker ?? "-") design=\(options.voiceDesign ?? "-") "
            + "layout=\(options.layout?.rawValue ?? "default") sample=\(g.doSample)/\(g.subtalkerDosample) "
            + "T=\(g.temperature)/\(g.subtalkerTemperature) k=\(g.topK)/\(g.subtalkerTopK) p=\(g.topP)/\(g.subtalkerTopP) "
            + "rep=\(g.repetitionPenalty) max=\(g.maxNewTokens) budget=\(options.frameBudget.minimumFrames)+"
            + "\(options.frameBudget.framesPerTextToken)/tok" + precisionDescription
    }

    /// "" in exact mode (exact projects keep their identities); " precision=fast(<kernels>)" in fast mode: the
    /// kernels change the codes, so they are part of the cache identity; " conv=<backends>" is added when the codec
    /// decoder runs any convolution through oneDNN (ConvolutionPolicy.fast; none at the released sizes today), since
    /// that changes the waveform's bytes.
    var precisionDescription: String {
        guard let plan = talker.fastPlan else { return "" }
        let backends = decoder.oneDNNBackends
        let conv = backends.isEmpty ? "" : " conv=" + backends.map(\.rawValue).joined(separator: "+")
        return " precision=fast(\(plan.talker.rawValue)/\(plan.codePredictor.rawValue))" + conv
    }

    // MARK: voice

    public func prepareVoice(_ reference: VoiceReference?) throws -> VoiceProfile {
        if let s = options.speaker {
            return VoiceProfile(engine: name, voiceHash: "qwen3-speaker:\(s.lowercased())",
                                metadata: ["mode": Qwen3VoiceMode.preset.rawValue, "speaker": s.lowercased()]
                                    .merging(instructMetadata()) { a, _ in a })
        }
        if variant.kind == .voiceDesign {
            guard let d = options.voiceDesign, !d.isEmpty else {
                throw Qwen3TTSError.voice("the \(variant) model needs a voice description: pass --voice-design TEXT")
            }
            return VoiceProfile(engine: name, voiceHash: "qwen3-design:\(d)",
                                metadata: ["mode": Qwen3VoiceMode.design.rawValue, "instruct": d])
        }
        guard variant.kind == .base else {
            throw Qwen3TTSError.voice("the \(variant) model speaks with preset speakers: pass --speaker NAME (one of "
                + tokens.speakers.keys.sorted().joined(separator: ", ") + ")")
        }
        if options.voiceDesign != nil {
            throw Qwen3TTSError.voice("--voice-design needs a VoiceDesign (or 1.7B CustomVoice) model; \(variant) clones a clip instead")
        }
        guard let reference else {
            throw Qwen3TTSError.voice("the \(variant) model clones a voice: pass --voice CLIP (and --voice-text TRANSCRIPT for "
                + "in-context cloning)" + (tokens.speakers.isEmpty ? "" : ", or --speaker NAME"))
        }
        return try cloneProfile(reference)
    }

    private func instructMetadata() -> [String: String] {
        guard let d = options.voiceDesign, !d.isEmpty else { return [:] }
        if !directory.config.acceptsInstruction {
            log.warning("the \(variant) model ignores style instructions (upstream drops them); --voice-design is not used")
            return [:]
        }
        return ["instruct": d]
    }

    private func cloneProfile(_ reference: VoiceReference) throws -> VoiceProfile {
        guard let embedder = try options.analyzers.speakerEmbedder(directory) else {
            throw Qwen3TTSError.voice("this build has no Qwen3-TTS speaker encoder, so it cannot clone \(reference.path ?? "the clip"); "
                + "use --speaker NAME or a build with the speaker encoder")
        }
        return try Self.cloneProfile(reference, engine: name, embedder: embedder, hidden: talker.hidden, groups: talker.groups) {
            guard let coder = try options.analyzers.referenceCoder(directory) else {
                throw Qwen3TTSError.voice("this build has no Qwen3-TTS speech-tokenizer encoder, so in-context cloning "
                    + "(--voice-text) is unavailable; drop --voice-text for x-vector cloning")
            }
            return coder
        }
    }

    /// create_voice_clone_prompt: the x-vector of the clip and, when it has a transcript, its speech-tokenizer codes
    /// (in-context clone); `coder` is asked for only then. Shared with the e2e parity runner, which passes the encoders
    /// it built from a case's weights.
    static func cloneProfile(_ reference: VoiceReference, engine name: String, embedder: Qwen3SpeakerEmbedder, hidden: Int,
                             groups: Int, coder: () throws -> Qwen3ReferenceCoder) throws -> VoiceProfile {
        var audio = reference.audio
        if audio.sampleRate != embedder.sampleRate {
            // librosa.resample's default is soxr_hq.
            audio = try Resampler.resample(audio, to: embedder.sampleRate, quality: .high)
        }
        let xvector = try embedder.embedding(audio24k: audio.samples)
        guard xvector.count == hidden else {
            throw Qwen3TTSError.shape(what: "speaker embedding of \(reference.path ?? "the clip")", expected: [hidden], found: [xvector.count])
        }
        var tensors = [Qwen3VoiceSpec.speakerKey: Tensor(shape: [hidden], data: xvector)]
        var metadata = ["mode": Qwen3VoiceMode.xVector.rawValue]
        if let transcript = reference.transcript?.trimmingCharacters(in: .whitespacesAndNewlines), !transcript.isEmpty {
            let coder = try coder()
            let clip = audio.sampleRate == coder.sampleRate ? audio : try Resampler.resample(reference.audio, to: coder.sampleRate, quality: .high)
            let codes = try coder.encode(audio24k: clip.samples)
            guard !codes.isEmpty, codes.allSatisfy({ $0.count == groups }) else {
                throw Qwen3TTSError.shape(what: "reference codes", expected: [-1, groups], found: [codes.count, codes.first?.count ?? 0])
            }
            tensors[Qwen3VoiceSpec.codesKey] = Tensor(shape: [codes.count, groups], data: codes.flatMap { $0.map(Float.init) })
            metadata = ["mode": Qwen3VoiceMode.inContext.rawValue, "transcript": transcript]
        }
        return VoiceProfile(engine: name, voiceHash: reference.sha256, tensors: tensors, metadata: metadata)
    }

    func voiceSpec(_ profile: VoiceProfile) throws -> Qwen3VoiceSpec {
        try Qwen3VoiceSpec(profile: profile, transcriptIds: { self.tokenizer.encodeReferencePrompt($0) },
                           hidden: talker.hidden, groups: talker.groups)
    }

    // MARK: generate

    /// codec_language_id key for a book language ("en" → "english"); "auto" when the model has no such language.
    func codecLanguage(_ language: String) -> String {
        let l = language.lowercased()
        if tokens.languages[l] != nil { return l }
        let iso = ["en": "english", "zh": "chinese", "ja": "japanese", "ko": "korean", "de": "german", "fr": "french",
                   "ru": "russian", "pt": "portuguese", "es": "spanish", "it": "italian"]
        let base = String(l.split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
        if let name = iso[base], tokens.languages[name] != nil { return name }
        return "auto"
    }

    func prompt(_ request: SegmentRequest, voice spec: Qwen3VoiceSpec) throws -> Qwen3Prompt {
        let text = request.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw SpeechEngineError.generationFailed(key: request.key, reason: "the segment has no text") }
        let r = Qwen3PromptRequest(textIds: tokenizer.encodeAssistantPrompt(text), language: codecLanguage(request.language),
                                   speaker: spec.speaker, instructIds: tokenizer.encodeInstructPrompt(spec.instruct),
                                   reference: spec.reference, layout: options.layout ?? spec.defaultLayout)
        return try builder.build(r)
    }

    public func generate(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes {
        try generateBatch([request], voice: voice)[0].get()
    }

    public func generateBatch(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>] {
        var out: [Result<GeneratedCodes, Error>] = []
        var start = 0
        while start < requests.count {
            let chunk = Array(requests[start..<Swift.min(requests.count, start + options.maxBatch)])
            out += generateChunk(chunk, voice: voice)
            start += chunk.count
        }
        return out
    }

    private func generateChunk(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>] {
        var results = [Result<GeneratedCodes, Error>?](repeating: nil, count: requests.count)
        let spec: Qwen3VoiceSpec
        do { spec = try voiceSpec(voice) } catch { return requests.map { _ in .failure(error) } }
        var live: [Int] = [], prompts: [Qwen3Prompt] = [], caps: [Int] = []
        for (i, r) in requests.enumerated() {
            do {
                let p = try prompt(r, voice: spec)
                prompts.append(p)
                caps.append(options.frameBudget.maxFrames(textTokens: p.textTokenCount, maxNewTokens: generation.maxNewTokens))
                live.append(i)
            } catch { results[i] = .failure(error) }
        }
        var samplers = live.map { SeededTokenSampler(seed: requests[$0].seed) }
        do {
            let decoded = try generator.generate(prompts: prompts, maxFrames: caps, samplers: &samplers)
            for (j, i) in live.enumerated() {
                let r = requests[i]
                results[i] = decoded[j].map { frames in
                    GeneratedCodes(shape: [frames.count, talker.groups], values: frames.flatMap { $0.map { Int32($0) } },
                                   metadata: ["engine": name, "variant": "\(variant)", "mode": spec.mode.rawValue])
                }.mapError { error -> Error in
                    if case let Qwen3TTSError.frameCapReached(cap, codes) = error {
                        return SpeechEngineError.generationFailed(key: r.key, reason: "no end of speech after \(codes.count) frames "
                            + "(cap \(cap) = \(String(format: "%.1f", Double(cap) / 12.5)) s from \(prompts[j].textTokenCount) text "
                            + "tokens, take \(r.take)); the take ran away, another take will be tried")
                    }
                    return error
                }
            }
        } catch {
            for i in live { results[i] = .failure(error) }
        }
        return results.map { $0! }
    }

    // MARK: render

    public func render(_ codes: GeneratedCodes, request: SegmentRequest, voice: VoiceProfile) throws -> AudioBuffer {
        let g = talker.groups
        guard codes.shape.count == 2, codes.shape[1] == g, codes.values.count == codes.shape[0] * g else {
            throw Qwen3TTSError.shape(what: "codes of segment \(request.key)", expected: [-1, g], found: codes.shape)
        }
        let frames = (0..<codes.shape[0]).map { f in codes.values[(f * g)..<((f + 1) * g)].map { Int($0) } }
        guard !frames.isEmpty else { return AudioBuffer(samples: [], sampleRate: sampleRate) }
        let (wav, cut) = try Self.decode(frames, reference: try voiceSpec(voice).referenceFrames, decoder: decoder,
                                         upsampleRate: speechTokenizer.decodeUpsampleRate)
        return AudioBuffer(samples: Array(wav[cut...]), sampleRate: sampleRate)
    }

    /// speech_tokenizer.decode of the reference codes (in-context clones) followed by the generated frames, and
    /// where the segment starts in it: upstream's cut = int(ref_len / total_len · wav.shape[0]) in Python floats
    /// (0 without reference). Shared with the e2e parity runner.
    static func decode(_ frames: [[Int]], reference: [[Int]], decoder: Qwen3CodecDecoder,
                       upsampleRate: Int) throws -> (wav: [Float], cut: Int) {
        let wav = try decoder.decode(frames: reference + frames, decodeUpsampleRate: upsampleRate)
        let cut = reference.isEmpty ? 0 : Int(Double(reference.count) / Double(reference.count + frames.count) * Double(wav.count))
        return (wav, cut)
    }
}
