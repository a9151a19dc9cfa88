// Parity runner for indextts2/e2e_tiny: the whole infer_v2 chain for one segment, run through the engine's
// own code path on the case's checkpoint/ directory (loaded as a published model directory):
//   IndexTTS2Models(checkpoint) → VoicePreparer (audio_22k, emo_audio_16k) → SpeakerConditioning → engine text
//   pieces (checked against in.text_tokens) → GPT generation with the case's settings (greedy, 1 beam) →
//   latent pass, S2Mel with in.cfm_noise, BigVGAN → wav, wav_scaled.
// Stages are chained (each consumes the Swift output of the previous one), as the engine runs them.
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
        var lengthPenalty: Double
        var numBeams: Int
        var repetitionPenalty: Double
        var maxGenerateLength: Int
        enum CodingKeys: String, CodingKey {
            case doSample = "do_sample", topP = "top_p", topK = "top_k", temperature, lengthPenalty = "length_penalty"
            case numBeams = "num_beams", repetitionPenalty = "repetition_penalty", maxGenerateLength = "max_generate_length"
        }
    }

    /// The text of the case (checkpoint/tiny_dims.json e2e_run.text: test metadata, not read by the engine).
    static func caseText(_ c: ParityCase) throws -> String {
        let url = c.directory.appendingPathComponent("checkpoint/tiny_dims.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let text = (json["e2e_run"] as? [String: Any])?["text"] as? String else {
            throw ParityError.config(key: "checkpoint/tiny_dims.json e2e_run.text", reason: "missing")
        }
        return text
    }

    static func run(_ c: ParityCase) throws -> [OutputReport] {
        let models = try IndexTTS2Models(path: c.directory.appendingPathComponent("checkpoint").path)
        let g = try c.decodeConfig(Generation.self, key: "generation")
        let settings = GenerationSettings(doSample: g.doSample, temperature: g.temperature, topK: g.topK, topP: g.topP,
                                          repetitionPenalty: g.repetitionPenalty, numBeams: g.numBeams,
                                          lengthPenalty: g.lengthPenalty, eosTokenIds: [])
        let steps = c.config["diffusion_steps"] as? Int ?? 25
        let cfg = c.config["inference_cfg_rate"] as? Double ?? 0.7
        let alpha = c.config["emo_alpha"] as? Double ?? 1
        let engine = try IndexTTS2Engine(options: IndexTTS2EngineOptions(
            modelDir: models.directory.root.path, emotion: EmotionSettings(alpha: alpha), generation: settings,
            maxMelTokens: g.maxGenerateLength, diffusionSteps: steps, cfgRate: cfg), models: models)
        var out: [String: IndexTTS2Parity.Produced] = [:]
        func ints(_ v: [Int], _ shape: [Int]) -> IndexTTS2Parity.Produced { .ints(v.map(Int64.init), shape: shape) }

        // Voice preparation.
        let emotion = try models.preparer.emotion(audio16k: try c.input("emo_audio_16k").array)
        let voice = try models.preparer.prepare(audio22k: try c.input("audio_22k").array, emotion: emotion)
        out["audio_16k"] = .float(Tensor(shape: [1, voice.audio16k.count], data: voice.audio16k))
        // Stage by stage, each stage's reference input: the extractors on the reference's own audio_16k.
        let refAudio16k = try c.expected("audio_16k").floatTensor(key: "out.audio_16k").array
        out["input_features"] = .float(try models.preparer.embedder.features(refAudio16k).inputFeatures)
        out["attention_mask"] = ints(voice.features.attentionMask.map(Int.init), [1, voice.features.attentionMask.count])
        out["spk_cond_emb"] = .float(voice.spkCondEmb)
        out["S_ref_codes"] = ints(voice.sRefCodes, [1, voice.sRefCodes.count])
        out["S_ref"] = .float(voice.sRef)
        out["ref_mel"] = .float(voice.refMel)
        out["campplus_feat"] = .float(KaldiFbank.subtractingTimeMean(try models.preparer.fbank.compute(refAudio16k)))
        out["style"] = .float(voice.style)
        out["prompt_condition"] = .float(voice.promptCondition)
        out["emo_input_features"] = .float(emotion.features.inputFeatures)
        out["emo_attention_mask"] = ints(emotion.features.attentionMask.map(Int.init), [1, emotion.features.attentionMask.count])
        out["emo_cond_emb"] = .float(emotion.condEmb)
        out["cond_lengths"] = ints([voice.spkCondEmb.shape[1]], [1])
        out["emo_cond_lengths"] = ints([emotion.condEmb.shape[1]], [1])

        // Conditioning and generation.
        let speaker = try SpeakerConditioning(voice, conditioner: models.conditioner)
        let emovec = try speaker.emovec(settings: engine.options.emotion, clipEmovec: nil, matrices: models.emotionMatrices)
        out["emovec"] = .float(emovec)
        out["speech_conditioning_latent"] = .float(speaker.speechLatent)
        let pieces = engine.textPieces(try caseText(c))
        let wantIds = try c.inputInts("text_tokens").map { Int($0) }
        guard pieces == [wantIds] else {
            throw ParityError.config(key: "in.text_tokens", reason: "the engine tokenizes the case text to \(pieces), expected [\(wantIds)]")
        }
        let conds = try engine.conditioningRows(speaker)
        var options = engine.generation
        options.recordSteps = true
        var sampler = SeededTokenSampler(seed: 0) // unused: the case decodes greedily
        let result = try models.gpt.generate(prefix: try models.gpt.prefix(conds: conds, textTokens: pieces[0]), options: options,
                                             sampler: &sampler)
        let codes = try result.semanticCodes()
        out["codes_raw"] = ints(result.codes, [1, result.codes.count])
        let scores = result.stepScores.map { $0[0] }
        out["greedy_step_scores"] = .float(Tensor(shape: [1, scores.count, scores.first?.count ?? 0], data: scores.flatMap { $0 }))
        out["codes"] = ints(codes, [1, codes.count])
        out["code_lens"] = ints([codes.count], [1])

        // Latent pass, S2Mel, vocoder.
        var firstStep: Tensor?
        let s = try engine.melForPiece(textIds: pieces[0], codes: codes, conds: conds, speaker: speaker, noise: try c.input("cfm_noise"),
                                       onStep: { step in if firstStep == nil { firstStep = step.x } })
        out["latent"] = .float(s.latent)
        out["gpt_layer_out"] = .float(s.conditioning.gptLayerOut)
        out["S_infer"] = .float(s.conditioning.sInfer)
        out["target_lengths"] = ints([s.conditioning.targetLength], [1])
        out["cond"] = .float(s.conditioning.cond)
        out["cat_condition"] = .float(s.output.catCondition)
        if let firstStep { out["cfm_x_after_step1"] = .float(firstStep) }
        out["mel"] = .float(s.mel)
        let wav = try models.bigvgan(s.mel) // (1, 1, N)
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
        return try IndexTTS2Parity.reports(c, out) + chainedReports
    }
}
