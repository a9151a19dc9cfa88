// Parity runner for qwen3tts/e2e_tiny: generate_voice_clone end to end through the engine built from the case's
// published-layout model directory (`checkpoint_dir`, resolved against the case directory):
//   ref_mel            the speaker encoder's log-mel front end on the clip (Qwen3SpeakerEncoder(modelDirectory:));
//   ref_spk_embedding  the x-vector and ref_codes the speech-tokenizer codes, both from Qwen3TTSEngine.prepareVoice;
//   per mode (config.modes, outputs prefixed "<name>."): the engine's prompt (prefill_embeds, trailing_text_hidden),
//   its batch generator (greedy, traced: talker_logits, first_codes, codes), codes_for_decode = reference codes +
//   codes (ICL) or codes (x-vector), wav_full = codec decode of those (clamped), cut_index = int(T_ref / T · samples),
//   wav = Qwen3TTSEngine.render (the cut waveform). The case's token ids (inputs) must equal the checkpoint
//   tokenizer's chat-template ids. Every output of the case must be checked.
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

        enum CodingKeys: String, CodingKey {
            case doSample = "do_sample", subtalkerDosample = "subtalker_dosample", maxNewTokens = "max_new_tokens"
        }
    }

    /// The model directory named by the manifest's `checkpoint_dir` (its first word, relative to the case).
    static func checkpoint(_ c: ParityCase) throws -> URL {
        guard let text = c.manifest["checkpoint_dir"] as? String,
              let first = text.split(separator: " ").first, !first.isEmpty else {
            throw ParityError.badManifest(path: c.directory.path, reason: "no checkpoint_dir (the published-layout model folder) listed")
        }
        return c.directory.appendingPathComponent(String(first))
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
        let dir = try checkpoint(c)
        let engine = try Qwen3TTSEngine(directory: dir, options: Qwen3EngineOptions(generation: try generation(c)))
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
        let covered = Set(reports.map(\.name))
        let unchecked = c.outputNames.filter { !covered.contains($0) }.sorted()
        guard unchecked.isEmpty else {
            throw ParityError.config(key: "outputs", reason: "no check covers \(unchecked.joined(separator: ", "))")
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
        let full = try engine.decoder.decode(frames: forDecode, decodeUpsampleRate: engine.speechTokenizer.decodeUpsampleRate)
        reports.append(try ParityCompare.check(c, output: p + "wav_full", got: Tensor(shape: [full.count], data: full)))
        if !reference.isEmpty {
            // Upstream: int(ref_len / total_len * wav.shape[0]) in Python floats.
            let cut = Int(Double(reference.count) / Double(forDecode.count) * Double(full.count))
            reports.append(try ParityCompare.check(c, output: p + "cut_index", gotInts: [Int64(cut)], shape: []))
        }
        let codes = GeneratedCodes(shape: [frames.count, groups], values: frames.flatMap { $0.map { Int32($0) } })
        let wav = try engine.render(codes, request: request, voice: voice).samples
        reports.append(try ParityCompare.check(c, output: p + "wav", got: Tensor(shape: [wav.count], data: wav)))
        return reports
    }
}
