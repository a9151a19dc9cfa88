// Parity runner for qwen3tts/e2e_tiny: generate_voice_clone end to end, built like every other case from the case's
// weights (weights.safetensors, weights_speech_tokenizer.safetensors) and config (Qwen3CaseModel), through the
// functions the engine runs (Qwen3TTSEngine.cloneProfile, Qwen3VoiceSpec, Qwen3PromptBuilder, Qwen3BatchGenerator,
// Qwen3TTSEngine.decode):
//   ref_mel            the speaker encoder's log-mel front end on the clip;
//   ref_spk_embedding  the x-vector and ref_codes the speech-tokenizer codes of the clip (cloneProfile);
//   per mode (config.modes, outputs prefixed "<name>."): the prompt from the case's token ids (prefill_embeds,
//   trailing_text_hidden), the batch generator (greedy, traced: talker_logits, first_codes, codes),
//   codes_for_decode = reference codes + codes (ICL) or codes (x-vector), wav_full = codec decode of those (clamped),
//   cut_index = int(T_ref / T · samples), wav = wav_full[cut_index...].
// When the case ships its published-layout model folder (`checkpoint_dir`), that is checked in addition: its files
// hold the case's tensors, its tokenizer gives the case's ids, and the engine loaded from it reproduces every output
// through its own prepareVoice / prompt / render ("<output> [checkpoint]"). Every output of the case must be checked.
import AudioDSP
import Foundation
import Neural
import SpeechEngine
import Tensors

public enum Qwen3E2EParity {
    public static let caseName = "qwen3tts/e2e_tiny"

    public static var cases: [String: ParityRunner] { [caseName: run] }

    struct Mode: Decodable {
        var name: String
        var mode: String
        var text: String
        var language: String
        var refText: String?

        enum CodingKeys: String, CodingKey { case name, mode, text, language, refText = "ref_text" }
    }

    struct Call: Decodable {
        var doSample: Bool
        var subtalkerDosample: Bool
        var maxNewTokens: Int
        /// generate_voice_clone's non_streaming_mode (default False).
        var nonStreaming: Bool?

        enum CodingKeys: String, CodingKey {
            case doSample = "do_sample", subtalkerDosample = "subtalker_dosample", maxNewTokens = "max_new_tokens"
            case nonStreaming = "non_streaming_mode"
        }

        var layout: Qwen3TextLayout { nonStreaming == true ? .nonStreaming : .streaming }
    }

    /// The model directory named by the manifest's `checkpoint_dir` (its first word, relative to the case), if the
    /// manifest names one and the folder is there (it is optional).
    static func checkpoint(_ c: ParityCase) -> URL? {
        guard let text = c.manifest["checkpoint_dir"] as? String,
              let first = text.split(separator: " ").first, !first.isEmpty else { return nil }
        let url = c.directory.appendingPathComponent(String(first))
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// generation_config.json of the case with the call's overrides (sampling flags, max_new_tokens).
    static func generation(_ c: ParityCase) throws -> Qwen3GenerationConfig {
        let call = try c.decodeConfig(Call.self, key: "call")
        var g = try c.decodeConfig(Qwen3GenerationConfig.self, key: "generation_config_json")
        g.doSample = call.doSample
        g.subtalkerDosample = call.subtalkerDosample
        g.maxNewTokens = call.maxNewTokens
        guard !g.doSample, !g.subtalkerDosample else {
            throw ParityError.config(key: "call", reason: "the e2e runner reproduces greedy runs only (do_sample and subtalker_dosample false)")
        }
        return g
    }

    static func run(_ c: ParityCase) throws -> [OutputReport] {
        let generation = try generation(c)
        var reports = try runCase(c, model: try Qwen3CaseModel(c, generation: generation))
        if let dir = checkpoint(c) {
            try checkTensors(c, directory: dir)
            reports += try runCheckpoint(c, directory: dir, generation: generation).map { $0.named($0.name + " [checkpoint]") }
        }
        let covered = Set(reports.map(\.outputName))
        let unchecked = c.outputNames.filter { !covered.contains($0) }.sorted()
        guard unchecked.isEmpty else {
            throw ParityError.config(key: "outputs", reason: "no check covers \(unchecked.joined(separator: ", "))")
        }
        return reports
    }

    /// The clone pipeline on the case-built model, fed the case's token ids.
    static func runCase(_ c: ParityCase, model: Qwen3CaseModel) throws -> [OutputReport] {
        let audio = try c.input("ref_audio").array
        let layout = try c.decodeConfig(Call.self, key: "call").layout
        let talker = model.talker, groups = talker.groups
        let mel = try model.speaker.melFeatures(audio24k: audio) // (1, mels, T)
        var reports = [try ParityCompare.check(c, output: "ref_mel", got: mel.reshaped([mel.shape[1], mel.shape[2]]).transposed(0, 1))]

        for (i, m) in try c.decodeConfig([Mode].self, key: "modes").enumerated() {
            let p = m.name + "."
            let icl = m.mode == "icl"
            let refIds = icl ? try Qwen3Parity.ints(c, p + "ref_ids") : []
            let clip = VoiceReference(path: nil, audio: AudioBuffer(samples: audio, sampleRate: 24_000), sha256: "e2e",
                                      transcript: icl ? m.refText : nil)
            let voice = try Qwen3TTSEngine.cloneProfile(clip, engine: "qwen3-tts", embedder: model.speaker, hidden: talker.hidden,
                                                        groups: groups) { model.coder }
            let spec = try Qwen3VoiceSpec(profile: voice, transcriptIds: { _ in refIds }, hidden: talker.hidden, groups: groups)
            guard spec.mode.rawValue == (icl ? "icl" : "xvector") else {
                throw ParityError.config(key: "modes[\(m.name)].mode", reason: "'\(m.mode)' became mode \(spec.mode.rawValue)")
            }
            if i == 0, let x = voice.tensors[Qwen3VoiceSpec.speakerKey] {
                reports.append(try ParityCompare.check(c, output: "ref_spk_embedding", got: x))
            }
            if let codes = voice.tensors[Qwen3VoiceSpec.codesKey] {
                reports.append(try ParityCompare.check(c, output: "ref_codes", gotInts: codes.array.map { Int64($0) }, shape: codes.shape))
            }
            let request = Qwen3PromptRequest(textIds: try Qwen3Parity.ints(c, p + "input_ids"), language: m.language,
                                             speaker: spec.speaker, reference: spec.reference, layout: layout)
            let prompt = try model.builder.build(request)
            reports += [
                try ParityCompare.check(c, output: p + "prefill_embeds", got: prompt.embeds),
                try ParityCompare.check(c, output: p + "trailing_text_hidden", got: prompt.trailing),
            ]
            let trace = Qwen3GenerationTrace()
            var samplers = [NoSampling()]
            let cap = Qwen3EngineOptions().frameBudget.maxFrames(textTokens: prompt.textTokenCount, maxNewTokens: model.generation.maxNewTokens)
            let frames = try model.generator.generate(prompts: [prompt], maxFrames: [cap], samplers: &samplers, traces: [trace])[0].get()
            let (wav, cut) = try Qwen3TTSEngine.decode(frames, reference: spec.referenceFrames, decoder: model.decoder,
                                                       upsampleRate: model.speechTokenizer.decodeUpsampleRate)
            reports += try modeReports(c, prefix: p, trace: trace, frames: frames, reference: spec.referenceFrames, wav: wav, cut: cut,
                                       vocab: talker.vocab, groups: groups)
        }
        return reports
    }

    /// The reports of one mode's generation and decoding.
    static func modeReports(_ c: ParityCase, prefix p: String, trace: Qwen3GenerationTrace, frames: [[Int]], reference: [[Int]],
                            wav: [Float], cut: Int, vocab: Int, groups: Int) throws -> [OutputReport] {
        let forDecode = reference + frames
        var reports = [
            try ParityCompare.check(c, output: p + "talker_logits", got: Qwen3Parity.matrix(trace.talkerLogits, width: vocab)),
            try ParityCompare.check(c, output: p + "first_codes", gotInts: trace.firstCodes.map(Int64.init), shape: [trace.firstCodes.count]),
            try ParityCompare.check(c, output: p + "codes", gotInts: frames.flatMap { $0.map(Int64.init) }, shape: [frames.count, groups]),
            try ParityCompare.check(c, output: p + "codes_for_decode", gotInts: forDecode.flatMap { $0.map(Int64.init) },
                                    shape: [forDecode.count, groups]),
            try ParityCompare.check(c, output: p + "wav_full", got: Tensor(shape: [wav.count], data: wav)),
            try ParityCompare.check(c, output: p + "wav", got: Tensor(shape: [wav.count - cut], data: Array(wav[cut...]))),
        ]
        if !reference.isEmpty {
            reports.append(try ParityCompare.check(c, output: p + "cut_index", gotInts: [Int64(cut)], shape: []))
        }
        return reports
    }

    /// The published folder's weight files hold exactly the case's tensors (same keys, shapes, values).
    static func checkTensors(_ c: ParityCase, directory: URL) throws {
        guard let weights = c.weightsURL, let st = c.manifest["weights_speech_tokenizer"] as? String else {
            throw ParityError.badManifest(path: c.directory.path, reason: "weights and weights_speech_tokenizer must be listed")
        }
        let pairs = [(weights, directory.appendingPathComponent("model.safetensors")),
                     (c.directory.appendingPathComponent(st), directory.appendingPathComponent("speech_tokenizer/model.safetensors"))]
        for (mine, published) in pairs {
            let a = try WeightStore(path: mine.path), b = try WeightStore(path: published.path)
            guard a.keys == b.keys else {
                throw ParityError.config(key: "checkpoint " + published.path, reason: "keys differ from \(mine.lastPathComponent): "
                    + "missing \(Set(a.keys).subtracting(b.keys).sorted().prefix(5)), extra \(Set(b.keys).subtracting(a.keys).sorted().prefix(5))")
            }
            for key in a.keys {
                let x = try a.peek(key), y = try b.peek(key)
                guard x.shape == y.shape, memcmp(x.pointer, y.pointer, x.count * MemoryLayout<Float>.size) == 0 else {
                    throw ParityError.config(key: "checkpoint " + published.path, reason: "tensor '\(key)' differs from \(mine.lastPathComponent)")
                }
            }
        }
    }

    /// The engine loaded from the published folder, through its own prepareVoice / prompt / generator / render.
    static func runCheckpoint(_ c: ParityCase, directory dir: URL, generation: Qwen3GenerationConfig) throws -> [OutputReport] {
        var options = Qwen3EngineOptions(generation: generation)
        options.layout = try c.decodeConfig(Call.self, key: "call").layout
        let engine = try Qwen3TTSEngine(directory: dir, options: options)
        let audio = try c.input("ref_audio").array
        var reports: [OutputReport] = []

        let speaker = try Qwen3SpeakerEncoder(modelDirectory: dir)
        let mel = try speaker.melFeatures(audio24k: audio) // (1, mels, T)
        reports.append(try ParityCompare.check(c, output: "ref_mel",
                                               got: mel.reshaped([mel.shape[1], mel.shape[2]]).transposed(0, 1))) // (T, mels)

        for (i, m) in try c.decodeConfig([Mode].self, key: "modes").enumerated() {
            let clip = VoiceReference(path: nil, audio: AudioBuffer(samples: audio, sampleRate: 24_000), sha256: "e2e",
                                      transcript: m.mode == "icl" ? m.refText : nil)
            let voice = try engine.prepareVoice(clip)
            let spec = try engine.voiceSpec(voice)
            guard spec.mode.rawValue == (m.mode == "icl" ? "icl" : "xvector") else {
                throw ParityError.config(key: "modes[\(m.name)].mode", reason: "'\(m.mode)' became engine mode \(spec.mode.rawValue)")
            }
            if i == 0, let x = voice.tensors[Qwen3VoiceSpec.speakerKey] {
                reports.append(try ParityCompare.check(c, output: "ref_spk_embedding", got: x))
            }
            if let codes = voice.tensors[Qwen3VoiceSpec.codesKey] {
                reports.append(try ParityCompare.check(c, output: "ref_codes", gotInts: codes.array.map { Int64($0) }, shape: codes.shape))
            }
            reports += try runMode(m, case: c, engine: engine, voice: voice, spec: spec)
        }
        return reports
    }

    /// The case's ids (inputs) must be what the checkpoint's tokenizer makes of the texts.
    static func checkIds(_ c: ParityCase, input: String, got: [Int]) throws {
        let want = try Qwen3Parity.ints(c, input)
        guard want == got else {
            throw ParityError.config(key: "inputs.\(input)", reason: "the checkpoint tokenizer gives \(got), the case \(want)")
        }
    }

    static func runMode(_ m: Mode, case c: ParityCase, engine: Qwen3TTSEngine, voice: VoiceProfile,
                        spec: Qwen3VoiceSpec) throws -> [OutputReport] {
        let p = m.name + "."
        try checkIds(c, input: p + "input_ids", got: engine.tokenizer.encodeAssistantPrompt(m.text))
        if let t = m.refText, m.mode == "icl" {
            try checkIds(c, input: p + "ref_ids", got: engine.tokenizer.encodeReferencePrompt(t))
        }
        let request = SegmentRequest(key: m.name, text: m.text, language: m.language, seed: 1)
        let prompt = try engine.prompt(request, voice: spec)
        let talker = engine.talker, groups = talker.groups
        var reports = [
            try ParityCompare.check(c, output: p + "prefill_embeds", got: prompt.embeds),
            try ParityCompare.check(c, output: p + "trailing_text_hidden", got: prompt.trailing),
        ]

        let trace = Qwen3GenerationTrace()
        var samplers = [NoSampling()]
        let cap = engine.options.frameBudget.maxFrames(textTokens: prompt.textTokenCount, maxNewTokens: engine.generation.maxNewTokens)
        let frames = try engine.generator.generate(prompts: [prompt], maxFrames: [cap], samplers: &samplers, traces: [trace])[0].get()
        reports += [
            try ParityCompare.check(c, output: p + "talker_logits", got: Qwen3Parity.matrix(trace.talkerLogits, width: talker.vocab)),
            try ParityCompare.check(c, output: p + "first_codes", gotInts: trace.firstCodes.map(Int64.init), shape: [trace.firstCodes.count]),
            try ParityCompare.check(c, output: p + "codes", gotInts: frames.flatMap { $0.map(Int64.init) }, shape: [frames.count, groups]),
        ]

        let reference = spec.referenceFrames
        let forDecode = reference + frames
        reports.append(try ParityCompare.check(c, output: p + "codes_for_decode", gotInts: forDecode.flatMap { $0.map(Int64.init) },
                                               shape: [forDecode.count, groups]))
        let (full, cut) = try Qwen3TTSEngine.decode(frames, reference: reference, decoder: engine.decoder,
                                                    upsampleRate: engine.speechTokenizer.decodeUpsampleRate)
        reports.append(try ParityCompare.check(c, output: p + "wav_full", got: Tensor(shape: [full.count], data: full)))
        if !reference.isEmpty {
            reports.append(try ParityCompare.check(c, output: p + "cut_index", gotInts: [Int64(cut)], shape: []))
        }
        let codes = GeneratedCodes(shape: [frames.count, groups], values: frames.flatMap { $0.map { Int32($0) } })
        let wav = try engine.render(codes, request: request, voice: voice).samples
        reports.append(try ParityCompare.check(c, output: p + "wav", got: Tensor(shape: [wav.count], data: wav)))
        return reports
    }
}
