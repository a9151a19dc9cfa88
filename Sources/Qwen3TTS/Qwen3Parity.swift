// Parity runners of the Qwen3TTS target (cases under Tests/Fixtures/qwen3tts, schema in Tests/Fixtures/README.md):
//   qwen3tts/talker_tiny — talker + code predictor built from config.model_config; for every mode of
//   config.modes, with the request built from every input the case gives for that mode (see `request`): the
//   prefill (embeddings, positions, trailing text rows, TTS_PAD, logits at every position), and for generating
//   modes the whole greedy run (raw and processed talker logits, codebook-0 picks, decode-step inputs and
//   positions, code-predictor logits, codes, talker hidden states). Every output of the case must be checked; an
//   output no check covers is an error.
import Foundation
import Neural
import Tensors

public enum Qwen3Parity {
    public static var cases: [String: ParityRunner] {
        ["qwen3tts/talker_tiny": runTalker].merging(Qwen3SpeakerParity.cases) { a, _ in a }
            .merging(Qwen3E2EParity.cases) { a, _ in a }
    }

    /// One entry of config.modes. The texts are informational (the case gives their token ids as inputs); every
    /// other key selects what the request carries. An unknown key is an error: the runner would not know what the
    /// original was called with.
    struct CaseMode: Decodable {
        var name: String
        var mode: String
        var language: String
        var speaker: String?
        var instruct: String?
        var nonStreaming: Bool
        var generate: Bool?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case name, mode, text, language, speaker, instruct, refText = "ref_text", nonStreaming = "non_streaming", generate
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            mode = try c.decode(String.self, forKey: .mode)
            language = try c.decode(String.self, forKey: .language)
            speaker = try c.decodeIfPresent(String.self, forKey: .speaker)
            instruct = try c.decodeIfPresent(String.self, forKey: .instruct)
            nonStreaming = try c.decode(Bool.self, forKey: .nonStreaming)
            generate = try c.decodeIfPresent(Bool.self, forKey: .generate)
            let known = Set(CodingKeys.allCases.map(\.stringValue))
            let unknown = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).filter { !known.contains($0) }
            guard unknown.isEmpty else {
                throw ParityError.config(key: "modes[\(name)]", reason: "unknown keys \(unknown.sorted()) (known: \(known.sorted()))")
            }
        }
    }

    struct GenerateExtra: Decodable {
        var minNewTokens: Int
        var eosTokenId: Int
        var logitsProcessorsInOrder: [String]

        enum CodingKeys: String, CodingKey {
            case minNewTokens = "min_new_tokens", eosTokenId = "eos_token_id", logitsProcessorsInOrder = "logits_processors_in_order"
        }
    }

    static func runTalker(_ c: ParityCase) throws -> [OutputReport] {
        let config = try c.decodeConfig(Qwen3TTSConfig.self, key: "model_config")
        let modes = try c.decodeConfig([CaseMode].self, key: "modes")
        let generation = try c.decodeConfig(Qwen3GenerationConfig.self, key: "generate_kwargs")
        let extra = try c.decodeConfig(GenerateExtra.self, key: "talker_generate_extra")
        guard let weights = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let store = try WeightStore(path: weights.path)
        let talker = try Qwen3Talker(store.scope("talker"), config: config.talkerConfig)
        try store.finish()

        let tokens = Qwen3TTSTokens(config: config)
        let settings = Qwen3SamplingSettings(generation: generation, talker: config.talkerConfig)
        try checkProcessors(settings, extra: extra, eos: tokens.codecEos)
        let builder = Qwen3PromptBuilder(talker: talker, tokens: tokens)
        let generator = Qwen3Generator(talker: talker, tokens: tokens, settings: settings)

        var reports: [OutputReport] = []
        for m in modes {
            reports += try runMode(m, case: c, builder: builder, generator: generator, maxNewTokens: generation.maxNewTokens)
        }
        let covered = Set(reports.map(\.name))
        let unchecked = c.outputNames.filter { !covered.contains($0) }.sorted()
        guard unchecked.isEmpty else {
            throw ParityError.config(key: "outputs", reason: "no check covers \(unchecked.joined(separator: ", "))")
        }
        return reports
    }

    /// The case's recorded HF processor classes must be exactly the chain our settings build, in order.
    static func checkProcessors(_ settings: Qwen3SamplingSettings, extra: GenerateExtra, eos: Int) throws {
        guard extra.minNewTokens == Qwen3SamplingSettings.minNewTokens, extra.eosTokenId == eos else {
            throw ParityError.config(key: "talker_generate_extra", reason: "min_new_tokens \(extra.minNewTokens) / eos "
                + "\(extra.eosTokenId) differ from the port's \(Qwen3SamplingSettings.minNewTokens) / \(eos)")
        }
        let ours = try settings.talker.processors(promptLength: 0).processors.map { p -> String in
            switch p {
            case is RepetitionPenalty: return "RepetitionPenaltyLogitsProcessor"
            case is MinLength: return "MinLengthLogitsProcessor"
            case is MinNewTokens: return "MinNewTokensLengthLogitsProcessor"
            case is SuppressTokens: return "SuppressTokensLogitsProcessor"
            case is Temperature: return "TemperatureLogitsWarper"
            case is TopK: return "TopKLogitsWarper"
            case is TopP: return "TopPLogitsWarper"
            default: return p.name
            }
        }
        guard ours == extra.logitsProcessorsInOrder else {
            throw ParityError.config(key: "talker_generate_extra.logits_processors_in_order",
                                     reason: "recorded \(extra.logitsProcessorsInOrder), the port builds \(ours)")
        }
    }

    static func ints(_ c: ParityCase, _ name: String) throws -> [Int] { try c.inputInts(name).map { Int($0) } }

    /// The prompt request of one mode, from every input the case gives for it — as
    /// Qwen3TTSForConditionalGeneration.generate takes them: `<mode>.input_ids`; `<mode>.instruct_ids` in any mode
    /// (generate prepends instruction rows whenever instruct_ids is given: VoiceDesign, CustomVoice, and a clone
    /// call that passes one); the voice per mode — xvec: `ref_spk_embedding`; icl: `ref_spk_embedding`, `ref_ids`,
    /// `ref_code`; custom: the preset `speaker` of the mode config; design: the preset `speaker` when the mode
    /// config names one (generate looks it up whenever no clone prompt is given), else none. A mode config's
    /// `instruct` text must come with its ids. Inputs the request does not take stay unread, and the catalog
    /// reports them.
    static func request(_ m: CaseMode, case c: ParityCase) throws -> Qwen3PromptRequest {
        let p = m.name + "."
        let layout: Qwen3TextLayout = m.nonStreaming ? .nonStreaming : .streaming
        var r = Qwen3PromptRequest(textIds: try ints(c, p + "input_ids"), language: m.language, speaker: .none, layout: layout)
        if c.hasInput(p + "instruct_ids") {
            r.instructIds = try ints(c, p + "instruct_ids")
        } else if let text = m.instruct, !text.isEmpty {
            throw ParityError.config(key: "modes[\(m.name)].instruct", reason: "the mode has an instruction but the case has no input \(p)instruct_ids")
        }
        switch m.mode {
        case "xvec", "icl":
            // generate_voice_clone passes no speaker name; the x-vector is the speaker row.
            if let s = m.speaker {
                throw ParityError.config(key: "modes[\(m.name)].speaker", reason: "'\(s)' in a voice-clone mode (the x-vector is the speaker)")
            }
            r.speaker = .embedding(try c.input(p + "ref_spk_embedding"))
            if m.mode == "icl" {
                let code = try c.rawInput(p + "ref_code")
                let flat = try ints(c, p + "ref_code")
                guard code.shape.count == 2 else { throw ParityError.config(key: p + "ref_code", reason: "expected [T_ref, groups]") }
                let g = code.shape[1]
                r.reference = Qwen3ICLReference(transcriptIds: try ints(c, p + "ref_ids"),
                                                codes: (0..<code.shape[0]).map { Array(flat[($0 * g)..<(($0 + 1) * g)]) })
            }
        case "custom":
            guard let s = m.speaker else { throw ParityError.config(key: "modes[\(m.name)].speaker", reason: "custom mode needs a speaker") }
            r.speaker = .preset(s)
        case "design":
            if let s = m.speaker { r.speaker = .preset(s) }
        default:
            throw ParityError.config(key: "modes[\(m.name)].mode", reason: "unknown mode '\(m.mode)' (xvec, icl, custom, design)")
        }
        return r
    }

    static func runMode(_ m: CaseMode, case c: ParityCase, builder: Qwen3PromptBuilder, generator: Qwen3Generator,
                        maxNewTokens: Int) throws -> [OutputReport] {
        let talker = builder.talker
        let p = m.name + "."
        let prompt = try builder.build(try request(m, case: c))
        let length = prompt.embeds.shape[0]
        var reports = [
            try ParityCompare.check(c, output: p + "prefill_embeds", got: prompt.embeds),
            try ParityCompare.check(c, output: p + "trailing_text_hidden", got: prompt.trailing),
            try ParityCompare.check(c, output: p + "tts_pad_embed", got: prompt.ttsPad),
            // Batch 1, no padding: the three MRoPE rows are 0..<L (positions are implicit in the cache).
            try ParityCompare.check(c, output: p + "prefill_position_ids",
                                    gotInts: (0..<3).flatMap { _ in (0..<length).map(Int64.init) }, shape: [3, length]),
        ]
        let state = talker.makeState(capacity: length)
        let hidden = try talker.forward(prompt.embeds, state: state) // (L, hidden)
        reports.append(try ParityCompare.check(c, output: p + "prefill_logits", got: talker.logits(hidden))) // (L, vocab)
        guard m.generate ?? true else { return reports }

        let trace = Qwen3GenerationTrace()
        let codes = try generator.generate(prompt: prompt, maxFrames: maxNewTokens - 1, trace: trace)
        let frames = codes.count, groups = talker.groups, h = talker.hidden
        let steps = trace.firstCodes.count
        reports += [
            try ParityCompare.check(c, output: p + "talker_logits", got: matrix(trace.talkerLogits, width: talker.vocab)),
            try ParityCompare.check(c, output: p + "talker_scores", got: matrix(trace.talkerScores, width: talker.vocab)),
            try ParityCompare.check(c, output: p + "first_codes", gotInts: trace.firstCodes.map(Int64.init), shape: [steps]),
            try ParityCompare.check(c, output: p + "step_embeds", got: matrix(trace.stepEmbeds, width: h)),
            try ParityCompare.check(c, output: p + "step_position_ids",
                                    gotInts: trace.stepPositions.flatMap { [Int64]( repeating: Int64($0), count: 3) },
                                    shape: [trace.stepPositions.count, 3]),
            try ParityCompare.check(c, output: p + "cp_logits",
                                    got: matrix(trace.codePredictorLogits.flatMap { $0 }, width: talker.codePredictor.vocab)
                                        .reshaped([frames, groups - 1, talker.codePredictor.vocab])),
            try ParityCompare.check(c, output: p + "codes", gotInts: codes.flatMap { $0.map(Int64.init) }, shape: [frames, groups]),
            try ParityCompare.check(c, output: p + "talker_hidden", got: matrix(Array(trace.talkerHidden.prefix(frames)), width: h)),
        ]
        return reports
    }

    /// Rows of equal width as a (rows, width) tensor.
    static func matrix(_ rows: [[Float]], width: Int) -> Tensor {
        Tensor(shape: [rows.count, width], data: rows.flatMap { $0 })
    }
}
