// Parity runner for indextts2/gpt_tiny (UnifiedVoice v2 inference, Tests/Fixtures/indextts2/gpt_tiny):
//   emovec (merge_emovec, α = 1), speech_conditioning_latent, conds_latent, gpt_inputs_embeds,
//   gpt_fake_input_ids, greedy decoding (codes, per-step raw logits and processed scores), deterministic
//   3-beam search (codes, per-step logits / scores of every beam, sequence score, beam indices), trimmed
//   codes + code_lens, and the teacher-forced latent. Weights from weights.safetensors; the model is built
//   again from weights.pth (root `pth_root_key`) and its greedy codes and latent are reported as
//   "<name> [pth]".
import Foundation
import Neural
import Tensors

public enum IndexTTS2GPTParity {
    public static var cases: [String: ParityRunner] {
        ["indextts2/gpt_tiny": runGPT]
    }

    /// One `config.generation.*` entry of the manifest (inference_speech keyword arguments).
    struct GenerationEntry: Decodable {
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
            case doSample = "do_sample", topP = "top_p", topK = "top_k", temperature
            case numReturnSequences = "num_return_sequences", lengthPenalty = "length_penalty", numBeams = "num_beams"
            case repetitionPenalty = "repetition_penalty", maxGenerateLength = "max_generate_length"
        }

        func options(stopToken: Int) throws -> GPTGenerationOptions {
            guard numReturnSequences == 1 else {
                throw ParityError.config(key: "generation.num_return_sequences", reason: "\(numReturnSequences) is not supported (1)")
            }
            return GPTGenerationOptions(settings: GenerationSettings(
                doSample: doSample, temperature: temperature, topK: topK, topP: topP, repetitionPenalty: repetitionPenalty,
                numBeams: numBeams, lengthPenalty: lengthPenalty, eosTokenIds: [stopToken]),
                maxGenerateLength: maxGenerateLength, recordSteps: true)
        }
    }

    /// `config.generation`: the two decoding runs of the case.
    struct GenerationPair: Decodable {
        var greedy: GenerationEntry
        var beam: GenerationEntry
    }

    static func model(_ c: ParityCase, store: WeightStore) throws -> UnifiedVoiceGPT {
        let config = try c.decodeConfig(UnifiedVoiceConfig.self, key: "gpt")
        var conditioning = try c.decodeConfig(GPTConditioningConfig.self, key: "gpt")
        if let d = c.config["cond_input_dim"] as? Int { conditioning.condInputDim = d }
        if let d = c.config["emo_perceiver_dim"] as? Int { conditioning.emoPerceiverDim = d }
        if let n = c.config["condition_num_latent"] as? Int { conditioning.conditionNumLatent = n }
        let model = try UnifiedVoiceGPT(config: config, conditioning: conditioning, weights: store.root)
        try store.finish(ignoring: UnifiedVoiceGPT.ignorableKeys(layers: config.layers))
        return model
    }

    static func runGPT(_ c: ParityCase) throws -> [OutputReport] {
        guard let st = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        let gpt = try model(c, store: try WeightStore(path: st.path))
        let spk = try c.input("spk_cond_emb"), emo = try c.input("emo_cond_emb") // (1, T, D)
        let spkLen = try c.inputInts("cond_lengths").map { Int($0) }
        let emoLen = try c.inputInts("emo_cond_lengths").map { Int($0) }
        let text = try c.inputInts("text_tokens").map { Int($0) }

        let emovec = try gpt.conditioner.mergeEmovec(speaker: spk, speakerLengths: spkLen, emotion: emo, emotionLengths: emoLen) // (1, D)
        let latent = try gpt.conditioner.conditioning(spk, lengths: spkLen) // (1, N, D)
        let conds = try gpt.conditioningRows(speechLatent: latent, emovec: emovec) // (1, N + 2, D)
        let prefix = try gpt.prefix(conds: conds, textTokens: text)
        let stop = gpt.config.stopMelToken
        let generation = try c.decodeConfig(GenerationPair.self, key: "generation")
        let greedyOptions = try generation.greedy.options(stopToken: stop)
        let beamOptions = try generation.beam.options(stopToken: stop)
        var sampler = NoSampling()
        let greedy = try gpt.generate(prefix: prefix, options: greedyOptions, sampler: &sampler)
        let beam = try gpt.generate(prefix: prefix, options: beamOptions, sampler: &sampler)
        let latentOut = try gpt.latent(conds: conds, textTokens: text, codes: greedy.trimmed) // (1, n, D)

        let d = gpt.modelDim, p = prefix.length
        let ints = { (v: [Int]) in IndexTTS2Parity.Produced.ints(v.map(Int64.init), shape: [1, v.count]) }
        let beamIndices = beam.beamIndices ?? []
        let padded = beamIndices + Array(repeating: -1, count: max(0, p + 1 + beam.codes.count - beamIndices.count))
        var produced: [String: IndexTTS2Parity.Produced] = [
            "emovec": .float(emovec),
            "speech_conditioning_latent": .float(latent),
            "conds_latent": .float(conds),
            "gpt_inputs_embeds": .float(prefix.embeddings.reshaped([1, p, d])),
            "gpt_fake_input_ids": ints(prefix.fakeInputIds),
            "codes_greedy": ints(greedy.codes),
            "greedy_step_logits": .float(stack(greedy.stepLogits)),
            "greedy_step_scores": .float(stack(greedy.stepScores)),
            "codes_beam3": ints(beam.codes),
            "beam3_step_logits": .float(stack(beam.stepLogits)),
            "beam3_step_scores": .float(stack(beam.stepScores)),
            "beam3_sequence_scores": .float(Tensor(shape: [1], data: [beam.sequenceScore ?? .nan])),
            "beam3_beam_indices": ints(padded),
            "codes_greedy_trimmed": ints(greedy.trimmed),
            "code_lens": .ints([Int64(greedy.trimmed.count)], shape: [1]),
            "latent": .float(latentOut),
        ]
        var reports = try IndexTTS2Parity.reports(c, produced)
        produced = [:]

        // The same model from the PyTorch checkpoint: greedy codes and latent again.
        if let pth = c.weightsPthURL {
            let fromPth = try model(c, store: try WeightStore(path: pth.path, rootKey: c.manifest["pth_root_key"] as? String))
            let g = try fromPth.generate(prefix: prefix, options: greedyOptions, sampler: &sampler)
            let l = try fromPth.latent(conds: conds, textTokens: text, codes: g.trimmed)
            let codes = try c.expected("codes_greedy"), want = try c.expected("latent")
            var exact = c.tolerance(for: "codes_greedy")
            exact.exact = true
            reports.append(ParityCompare.compare(name: "codes_greedy [pth]", got: g.codes.map(Float.init),
                                                 want: codes.int64Array().map(Float.init), shapeGot: [1, g.codes.count],
                                                 shapeWant: codes.shape, tolerance: exact))
            reports.append(ParityCompare.compare(name: "latent [pth]", got: l.array, want: try want.floatTensor(key: "out.latent").array,
                                                 shapeGot: l.shape, shapeWant: want.shape, tolerance: c.tolerance(for: "latent")))
        }
        return reports
    }

    /// [step][row][V] → (rows, steps, V), as torch.stack(step_tensors, dim=1).
    static func stack(_ steps: [[[Float]]]) -> Tensor {
        let rows = steps.first?.count ?? 0, v = steps.first?.first?.count ?? 0
        var data = [Float](repeating: 0, count: rows * steps.count * v)
        for (t, step) in steps.enumerated() {
            for (r, values) in step.enumerated() {
                let base = (r * steps.count + t) * v
                for j in 0..<v { data[base + j] = values[j] }
            }
        }
        return Tensor(shape: [rows, steps.count, v], data: data)
    }
}

