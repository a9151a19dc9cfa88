// IndexTTS2 behind the SpeechEngine contract (infer_v2's `infer` split into the contract's stages):
//   prepareVoice: reference chains, w2v-BERT, semantic codec, ref mel, CAMPPlus, prompt condition, conditioner
//                 latents and emotion vectors (SpeakerConditioning) — cached by the pipeline per clip sha256;
//   generate:     text → tokens → ≤ 120-token pieces (split_segments) → per piece, beam-sampled codes
//                 (SeededTokenSampler from the request seed); codes of all pieces in one GeneratedCodes;
//   render:       per piece, latent pass → S2Mel (CFM noise from a SeededRNG of the request seed) → BigVGAN,
//                 clamp(32767·wav, ±32767), pieces joined by 200 ms of zeros (§1.19).
// The text arrives normalized by bookvox's own front end; no WeTextProcessing pass runs here.
import AudioDSP
import Foundation
import Logging
import Neural
import SpeechEngine
import Tensors

public final class IndexTTS2Engine: SpeechEngine, @unchecked Sendable {
    public let name = "indextts2"
    /// Bump when output for the same inputs may change.
    public let version = "1"
    public let modelHash: String
    public var sampleRate: Int { models.sampleRate }
    public let canCloneVoice = true
    public let options: IndexTTS2EngineOptions
    public let models: IndexTTS2Models
    let generation: GPTGenerationOptions
    /// The GPT this engine decodes with: the models' fp32 one, or its reduced form in fast mode (shared per kernel).
    let gpt: UnifiedVoiceGPT
    /// The S2Mel and BigVGAN stages: the models' exact ones, or fast mode's (IndexTTS2Models.fastModules).
    let stages: IndexTTS2Modules
    let emotionClipHash: String?
    private let clipLock = NSLock()
    private var clipEmovecCache: [String: Tensor] = [:]
    private let logger = Logger(label: "bookvox.indextts2.engine")

    public var settingsDescription: String {
        options.identity + (emotionClipHash.map { " emotion_clip_hash=\($0)" } ?? "")
    }

    public init(options: IndexTTS2EngineOptions, models: IndexTTS2Models? = nil) throws {
        try options.validate()
        let models = try models ?? IndexTTS2Models(path: options.modelDir)
        self.models = models
        self.options = options
        modelHash = try models.directory.fingerprint()
        // The mel position table holds max_mel_tokens (+3) rows of the checkpoint: never ask for more codes.
        generation = models.modules.generationOptions(options.generation, maxMelTokens: options.maxMelTokens)
        gpt = try options.fastKernel.map { try models.fastGPT($0) } ?? models.gpt
        stages = options.fastKernel == nil ? models.modules : models.fastModules(options.ditPath)
        if let clip = options.emotion.effectiveClip {
            guard let data = FileManager.default.contents(atPath: clip) else {
                throw IndexTTS2ModelError.badEmotion("emotion clip \(clip) does not exist or is unreadable")
            }
            emotionClipHash = Self.fnv1a(data)
        } else {
            emotionClipHash = nil
        }
    }

    // MARK: voice

    public func prepareVoice(_ reference: VoiceReference?) throws -> VoiceProfile {
        guard let reference else {
            throw IndexTTS2ModelError.badVoice("IndexTTS2 clones a narrator and has no built-in voice: pass --voice CLIP.wav")
        }
        let prepared = try models.preparer.prepare(speaker: reference.audio)
        let speaker = try SpeakerConditioning(prepared, conditioner: models.conditioner)
        return speaker.profile(engine: name, voiceHash: reference.sha256, metadata: [
            "engineVersion": version, "modelHash": modelHash,
            "referenceFrames": "\(prepared.refMel.shape[2])", "semanticFrames": "\(prepared.spkCondEmb.shape[1])",
        ])
    }

    /// The voice's tensors, refusing a cached profile prepared by another model or engine version.
    func speaker(_ voice: VoiceProfile) throws -> SpeakerConditioning {
        if let h = voice.metadata["modelHash"], h != modelHash {
            throw IndexTTS2ModelError.badVoice("the cached voice profile \(voice.voiceHash) was prepared with another IndexTTS2 model "
                + "(\(h), loaded: \(modelHash)); delete it from the project's voices/ directory so it is prepared again")
        }
        if let v = voice.metadata["engineVersion"], v != version {
            throw IndexTTS2ModelError.badVoice("the cached voice profile \(voice.voiceHash) was prepared by engine version \(v) "
                + "(this is \(version)); delete it from the project's voices/ directory so it is prepared again")
        }
        return try SpeakerConditioning(profile: voice)
    }

    /// get_emovec of the emotion clip (prepared once per engine).
    func clipEmovec() throws -> Tensor? {
        guard let path = options.emotion.effectiveClip else { return nil }
        clipLock.lock()
        defer { clipLock.unlock() }
        if let v = clipEmovecCache[path] { return v }
        let audio = try AudioFile.read(path: path)
        let emotion = try models.preparer.emotion(audio)
        let v = try models.conditioner.emovec(emotion.condEmb, lengths: [emotion.condEmb.shape[1]])
        clipEmovecCache[path] = v
        return v
    }

    /// conds (1, 34, model_dim) for a voice under this engine's emotion settings.
    func conditioningRows(_ speaker: SpeakerConditioning) throws -> Tensor {
        let emovec = try speaker.emovec(settings: options.emotion, clipEmovec: try clipEmovec(), matrices: models.emotionMatrices)
        return try models.modules.conditioningRows(speaker, emovec: emovec)
    }

    // MARK: text

    /// The token ids of each ≤ max-token piece of `text` (tokenize → split_segments → ids).
    /// infer_v2's segmentation into pieces of at most `maxTextTokensPerSegment` (120) tokens, and never more
    /// than the checkpoint's text position table holds (`max_text_tokens`: 600 in the release, so 120 rules there).
    public func textPieces(_ text: String) -> [[Int]] {
        models.tokenizer.segmentIDs(text, maxTokens: min(options.maxTextTokensPerSegment, models.gpt.config.maxTextTokens))
    }

    // MARK: generate

    public func generate(_ request: SegmentRequest, voice: VoiceProfile) throws -> GeneratedCodes {
        let speaker = try speaker(voice)
        let conds = try conditioningRows(speaker)
        let pieces = textPieces(request.text)
        var sampler = SeededTokenSampler(seed: request.seed)
        var all: [Int32] = []
        var counts: [Int] = []
        for (i, ids) in pieces.enumerated() {
            let prefix = try gpt.prefix(conds: conds, textTokens: ids)
            let codes = try pieceCodes(try gpt.generate(prefix: prefix, options: generation, sampler: &sampler), request: request,
                                       piece: i, of: pieces.count)
            counts.append(codes.count)
            all += codes.map(Int32.init)
        }
        return generatedCodes(all, counts: counts, request: request)
    }

    /// A piece's codes trimmed at the stop code, checked (semantic codes only, at least one).
    func pieceCodes(_ result: GPTGenerationResult, request: SegmentRequest, piece i: Int, of count: Int) throws -> [Int] {
        if result.hitLengthCap {
            logger.warning("IndexTTS2: a text piece reached the code cap (\(result.codes.count) codes) without a stop code; its audio may be cut short")
        }
        let codes = try result.semanticCodes()
        guard !codes.isEmpty else {
            throw SpeechEngineError.generationFailed(key: request.key, reason: "piece \(i + 1) of \(count) produced no codes")
        }
        return codes
    }

    func generatedCodes(_ all: [Int32], counts: [Int], request: SegmentRequest) -> GeneratedCodes {
        GeneratedCodes(shape: [all.count], values: all, metadata: [
            "engine": name, "pieces": counts.map(String.init).joined(separator: ","), "textHash": Self.fnv1a(Data(request.text.utf8)),
        ])
    }

    // MARK: render

    public func render(_ codes: GeneratedCodes, request: SegmentRequest, voice: VoiceProfile) throws -> AudioBuffer {
        let pieces = try splitCodes(codes, request: request)
        if pieces.isEmpty { return AudioBuffer(samples: [], sampleRate: sampleRate) }
        let speaker = try speaker(voice)
        let conds = try conditioningRows(speaker)
        var rng = SeededRNG(seed: Self.noiseSeed(request.seed))
        let gap = [Float](repeating: 0, count: sampleRate * options.intervalSilenceMs / 1000)
        var out: [Float] = []
        for (i, piece) in pieces.enumerated() {
            let wav = try renderPiece(textIds: piece.ids, codes: piece.codes, conds: conds, speaker: speaker, rng: &rng)
            if i > 0 { out += gap }
            out += wav
        }
        return AudioBuffer(samples: out, sampleRate: sampleRate)
    }

    /// One piece: latent pass → S2Mel → BigVGAN → clamp(32767·wav, ±32767) / 32767.
    func renderPiece(textIds: [Int], codes: [Int], conds: Tensor, speaker: SpeakerConditioning, rng: inout SeededRNG) throws -> [Float] {
        let shape = models.s2mel.noiseShape(referenceFrames: speaker.refMel.shape[2], codeCount: codes.count)
        var noise = Tensor(zeros: shape)
        noise.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = rng.nextGaussian() } }
        let mel = try melForPiece(textIds: textIds, codes: codes, conds: conds, speaker: speaker, noise: noise).mel
        return try waveform(mel)
    }

    /// The S2Mel stages of one piece with the given CFM noise (1, 80, T_ref + T_gen).
    func melForPiece(textIds: [Int], codes: [Int], conds: Tensor, speaker: SpeakerConditioning, noise: Tensor,
                     onStep: ((CFMSolver.Step) -> Void)? = nil) throws
        -> (latent: Tensor, conditioning: S2Mel.Conditioning, output: S2Mel.Output, mel: Tensor) {
        try stages.melForPiece(textIds: textIds, codes: codes, conds: conds, speaker: speaker, noise: noise,
                                       steps: options.diffusionSteps, cfgRate: options.cfgRate, onStep: onStep)
    }

    /// BigVGAN (1, 80, T) → clamp(32767·wav, ±32767) / 32767 as floats.
    func waveform(_ mel: Tensor) throws -> [Float] { try stages.waveform(mel) }

    /// The stored codes split back into pieces, checked against the text they were generated for.
    func splitCodes(_ codes: GeneratedCodes, request: SegmentRequest) throws -> [(ids: [Int], codes: [Int])] {
        guard codes.metadata["engine"] == name, codes.metadata["textHash"] == Self.fnv1a(Data(request.text.utf8)) else {
            throw IndexTTS2ModelError.badCodes(key: request.key, reason: "they were generated by another engine or for other text")
        }
        let pieces = textPieces(request.text)
        let counts = (codes.metadata["pieces"] ?? "").split(separator: ",").compactMap { Int($0) }
        guard counts.count == pieces.count, counts.reduce(0, +) == codes.values.count, counts.allSatisfy({ $0 > 0 }) else {
            throw IndexTTS2ModelError.badCodes(key: request.key, reason: "piece sizes \(codes.metadata["pieces"] ?? "?") do not match "
                + "\(pieces.count) text pieces and \(codes.values.count) codes")
        }
        let limit = models.codec.config.codebookSize
        var start = 0
        return try zip(pieces, counts).map { ids, n in
            let c = codes.values[start..<(start + n)].map(Int.init)
            start += n
            if let bad = c.first(where: { $0 < 0 || $0 >= limit }) {
                throw IndexTTS2ModelError.badCodes(key: request.key, reason: "code \(bad) is outside the codebook 0..<\(limit)")
            }
            return (ids, c)
        }
    }

    // MARK: helpers

    /// The CFM noise stream's seed: a SplitMix64 step of the segment seed (independent of the sampler's stream).
    static func noiseSeed(_ seed: UInt64) -> UInt64 {
        var s = seed ^ 0x6366_6D5F_6E6F_6973 // "cfm_nois"
        return SeededRNG.splitMix64(&s)
    }

    /// FNV-1a 64 as 16 hex digits.
    static func fnv1a(_ data: Data) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01B3 }
        return String(format: "%016llx", h)
    }
}
