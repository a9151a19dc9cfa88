// Parity runner for indextts2/e2e_tiny: the whole infer_v2 chain for one segment, built like every other case from
// the case's weights.safetensors + config (IndexTTS2CaseModules) and run through the functions the engine runs
// (IndexTTS2Modules, VoicePreparer, SpeakerConditioning):
//   VoicePreparer (audio_22k, emo_audio_16k) → SpeakerConditioning → emovec (emo_alpha) → GPT generation with the
//   case's settings (greedy, 1 beam) on in.text_tokens → latent pass, S2Mel with in.cfm_noise, BigVGAN → wav,
//   wav_scaled.
// Stages are chained (each consumes the Swift output of the previous one), as the engine runs them.
// When the case also ships checkpoint/ (the same model in the published directory layout), that is checked in
// addition (IndexTTS2CheckpointCheck): it loads through the engine's loader to the same tensors, and its tokenizer
// encodes the case text to in.text_tokens.
import AudioDSP
import Foundation
import Neural
import SpeechEngine
import Tensors

public enum IndexTTS2E2EParity {
    struct Generation: Decodable {
        var doSample: Bool
        var topP: Double
        var topK: Int
        var temperature: Double
        var numReturnSequences: Int
        var lengthPenalty: Double
        var numBeams: Int
        var repetitionPenalty: Double
        var maxGenerateLength: Int
        enum CodingKeys: String, CodingKey {
            case doSample = "do_sample", topP = "top_p", topK = "top_k", temperature, lengthPenalty = "length_penalty"
            case numReturnSequences = "num_return_sequences"
            case numBeams = "num_beams", repetitionPenalty = "repetition_penalty", maxGenerateLength = "max_generate_length"
        }
    }

    static func number(_ c: ParityCase, _ key: String) throws -> Double {
        if let d = c.config[key] as? Double { return d }
        if let i = c.config[key] as? Int { return Double(i) }
        throw ParityError.config(key: key, reason: "missing or not a number")
    }

    static func run(_ c: ParityCase) throws -> [OutputReport] {
        let modules = try IndexTTS2CaseModules.build(c)
        let g = try c.decodeConfig(Generation.self, key: "generation")
        guard g.numReturnSequences == 1 else {
            throw ParityError.config(key: "generation.num_return_sequences", reason: "\(g.numReturnSequences) is not supported (1)")
        }
        let settings = GenerationSettings(doSample: g.doSample, temperature: g.temperature, topK: g.topK, topP: g.topP,
                                          repetitionPenalty: g.repetitionPenalty, numBeams: g.numBeams,
                                          lengthPenalty: g.lengthPenalty, eosTokenIds: [])
        let steps = Int(try number(c, "diffusion_steps"))
        let cfgRate = try number(c, "inference_cfg_rate")
        let emotion = EmotionSettings(alpha: try number(c, "emo_alpha"))
        try emotion.validate()
        let textTokens = try c.inputInts("text_tokens").map { Int($0) }
        var (reports, preparedEmotion) = try runChain(c, modules: modules, settings: settings, maxMelTokens: g.maxGenerateLength,
                                                      emotion: emotion, steps: steps, cfgRate: cfgRate, textTokens: textTokens)
        let checkpoint = c.directory.appendingPathComponent("checkpoint")
        if FileManager.default.fileExists(atPath: checkpoint.path) {
            reports += try IndexTTS2CheckpointCheck.run(c, directory: checkpoint, textTokens: textTokens, settings: settings,
                                                        maxMelTokens: g.maxGenerateLength, emotion: emotion, caseEmotion: preparedEmotion)
        }
        return reports
    }

    static func runChain(_ c: ParityCase, modules: IndexTTS2Modules, settings: GenerationSettings, maxMelTokens: Int,
                         emotion emotionSettings: EmotionSettings, steps: Int, cfgRate: Double,
                         textTokens: [Int]) throws -> (reports: [OutputReport], emotion: PreparedEmotion) {
        var out: [String: IndexTTS2Parity.Produced] = [:]
        func ints(_ v: [Int], _ shape: [Int]) -> IndexTTS2Parity.Produced { .ints(v.map(Int64.init), shape: shape) }
        let preparer = modules.preparer

        // Voice preparation.
        let emotion = try preparer.emotion(audio16k: try c.input("emo_audio_16k").array)
        let voice = try preparer.prepare(audio22k: try c.input("audio_22k").array, emotion: emotion)
        out["audio_16k"] = .float(Tensor(shape: [1, voice.audio16k.count], data: voice.audio16k))
        // Stage by stage, each stage's reference input: the extractors on the reference's own audio_16k.
        let refAudio16k = try c.expected("audio_16k").floatTensor(key: "out.audio_16k").array
        out["input_features"] = .float(try preparer.embedder.features(refAudio16k).inputFeatures)
        out["attention_mask"] = ints(voice.features.attentionMask.map(Int.init), [1, voice.features.attentionMask.count])
        out["spk_cond_emb"] = .float(voice.spkCondEmb)
        out["S_ref_codes"] = ints(voice.sRefCodes, [1, voice.sRefCodes.count])
        out["S_ref"] = .float(voice.sRef)
        out["ref_mel"] = .float(voice.refMel)
        out["campplus_feat"] = .float(KaldiFbank.subtractingTimeMean(try preparer.fbank.compute(refAudio16k)))
        out["style"] = .float(voice.style)
        out["prompt_condition"] = .float(voice.promptCondition)
        out["emo_input_features"] = .float(emotion.features.inputFeatures)
        out["emo_attention_mask"] = ints(emotion.features.attentionMask.map(Int.init), [1, emotion.features.attentionMask.count])
        out["emo_cond_emb"] = .float(emotion.condEmb)
        out["cond_lengths"] = ints([voice.spkCondEmb.shape[1]], [1])
        out["emo_cond_lengths"] = ints([emotion.condEmb.shape[1]], [1])

        // Conditioning and generation (the case has no emotion vector, so no emotion matrices are needed).
        let speaker = try SpeakerConditioning(voice, conditioner: modules.conditioner)
        let emovec = try speaker.emovec(settings: emotionSettings, clipEmovec: nil, matrices: nil)
        out["emovec"] = .float(emovec)
        out["speech_conditioning_latent"] = .float(speaker.speechLatent)
        let conds = try modules.conditioningRows(speaker, emovec: emovec)
        var options = modules.generationOptions(settings, maxMelTokens: maxMelTokens)
        options.recordSteps = true
        var sampler = SeededTokenSampler(seed: 0) // unused: the case decodes greedily
        let result = try modules.gpt.generate(prefix: try modules.gpt.prefix(conds: conds, textTokens: textTokens), options: options,
                                              sampler: &sampler)
        let codes = try result.semanticCodes()
        out["codes_raw"] = ints(result.codes, [1, result.codes.count])
        let scores = result.stepScores.map { $0[0] }
        out["greedy_step_scores"] = .float(Tensor(shape: [1, scores.count, scores.first?.count ?? 0], data: scores.flatMap { $0 }))
        out["codes"] = ints(codes, [1, codes.count])
        out["code_lens"] = ints([codes.count], [1])

        // Latent pass, S2Mel, vocoder.
        var firstStep: Tensor?
        let s = try modules.melForPiece(textIds: textTokens, codes: codes, conds: conds, speaker: speaker, noise: try c.input("cfm_noise"),
                                        steps: steps, cfgRate: cfgRate, onStep: { step in if firstStep == nil { firstStep = step.x } })
        out["latent"] = .float(s.latent)
        out["gpt_layer_out"] = .float(s.conditioning.gptLayerOut)
        out["S_infer"] = .float(s.conditioning.sInfer)
        out["target_lengths"] = ints([s.conditioning.targetLength], [1])
        out["cond"] = .float(s.conditioning.cond)
        out["cat_condition"] = .float(s.output.catCondition)
        if let firstStep { out["cfm_x_after_step1"] = .float(firstStep) }
        out["mel"] = .float(s.mel)
        let wav = try modules.vocode(s.mel) // (1, 1, N)
        let n = wav.count
        out["wav"] = .float(wav.reshaped([1, n]))
        out["wav_scaled"] = .float(Tensor(shape: [1, n], data: wav.array.map { min(max(32767 * $0, -32767), 32767) }))
        // The same two outputs chained from Swift's own audio_16k, as the engine runs (ToleranceOverrides says why
        // these are held to a wider bound); every output computed from them passes at the manifest tolerance.
        let chained = [("input_features", voice.features.inputFeatures), ("campplus_feat", voice.campplusFeat)]
        let chainedReports = try chained.map { name, got in
            let want = try c.expected(name)
            return ParityCompare.compare(name: name + " [chained]", got: got.array, want: try want.floatTensor(key: "out." + name).array,
                                         shapeGot: got.shape, shapeWant: want.shape, tolerance: c.tolerance(for: name + " [chained]"))
        }
        return (try IndexTTS2Parity.reports(c, out) + chainedReports, emotion)
    }
}
