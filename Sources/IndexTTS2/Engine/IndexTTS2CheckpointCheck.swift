// The additional check of indextts2/e2e_tiny when the case ships checkpoint/ (the same model in the published
// IndexTTS2 directory layout, see its README.md):
//   1. the directory loads through the engine's own loader (IndexTTS2Models: config.yaml, strict per file);
//   2. every published weight file holds, as that loader reads it, exactly the tensors of the case's
//      weights.safetensors under the matching prefix (same keys, shapes and values);
//   3. the engine built on it tokenizes the case text (tiny_dims.json e2e_run.text) to in.text_tokens;
//   4. the modules it built reproduce the case's voice conditioning and GPT codes from the case inputs (reported as
//      "<output> [checkpoint]": style, emovec, speech_conditioning_latent, codes_raw, latent), so the sizes the
//      loader takes from config.yaml and the checkpoint shapes agree with the case config. (S2Mel and BigVGAN are
//      covered by 2 and by their own config reads; running them again would double the case's time.)
// The case-built run (IndexTTS2E2EParity) is the parity check; this one only ties the published layout to it.
import Foundation
import Neural
import SpeechEngine
import Tensors

enum IndexTTS2CheckpointCheck {
    /// Case weight prefix → the published file's tensors, opened the way IndexTTS2Models opens them.
    static func publishedWeights(_ dir: IndexTTS2ModelDirectory) throws -> [(prefix: String, file: URL, store: WeightStore)] {
        [
            ("w2v_bert", dir.w2vBertWeightsURL, try dir.weights(dir.w2vBertWeightsURL)),
            ("w2v_stat", dir.w2vStatURL, try dir.weights(dir.w2vStatURL)),
            ("semantic_codec", dir.semanticCodecURL, try dir.weights(dir.semanticCodecURL)),
            ("campplus", dir.campplusURL, try dir.weights(dir.campplusURL)),
            ("gpt", dir.gptURL, try dir.gptWeights()),
            ("s2mel", dir.s2melURL, try dir.weights(dir.s2melURL, rootKey: "net")),
            ("bigvgan", dir.bigvganWeightsURL, try dir.weights(dir.bigvganWeightsURL, rootKey: "generator")),
        ]
    }

    /// `emotion` is the case-built emotion path (emo_audio_16k through w2v-BERT): the checkpoint's w2v-BERT is
    /// exercised on the speaker clip, which saves a second pass over the same model.
    static func run(_ c: ParityCase, directory: URL, textTokens: [Int], settings: GenerationSettings, maxMelTokens: Int,
                    emotion emotionSettings: EmotionSettings, caseEmotion: PreparedEmotion) throws -> [OutputReport] {
        let models = try IndexTTS2Models(path: directory.path)
        try checkTensors(c, models.directory)

        let engine = try IndexTTS2Engine(options: IndexTTS2EngineOptions(modelDir: directory.path), models: models)
        let text = try caseText(directory)
        let pieces = engine.textPieces(text)
        guard pieces == [textTokens] else {
            throw ParityError.config(key: "checkpoint/bpe.model", reason: "the engine tokenizes the case text '\(text)' to \(pieces), "
                + "the case gives [\(textTokens)]")
        }

        // The checkpoint-built modules on the case inputs: voice conditioning and greedy codes.
        let m = models.modules
        let voice = try m.preparer.prepare(audio22k: try c.input("audio_22k").array, emotion: caseEmotion)
        let speaker = try SpeakerConditioning(voice, conditioner: m.conditioner)
        let emovec = try speaker.emovec(settings: emotionSettings, clipEmovec: nil, matrices: models.emotionMatrices)
        let conds = try m.conditioningRows(speaker, emovec: emovec)
        let options = m.generationOptions(settings, maxMelTokens: maxMelTokens)
        var sampler = NoSampling()
        let result = try m.gpt.generate(prefix: try m.gpt.prefix(conds: conds, textTokens: textTokens), options: options, sampler: &sampler)
        let latent = try m.gpt.latent(conds: conds, textTokens: textTokens, codes: try result.semanticCodes())
        let produced: [(String, IndexTTS2Parity.Produced)] = [
            ("style", .float(speaker.style)),
            ("emovec", .float(emovec)),
            ("speech_conditioning_latent", .float(speaker.speechLatent)),
            ("codes_raw", .ints(result.codes.map(Int64.init), shape: [1, result.codes.count])),
            ("latent", .float(latent)),
        ]
        return try produced.map { name, value in
            let r: OutputReport
            switch value {
            case let .float(t): r = try ParityCompare.check(c, output: name, got: t)
            case let .ints(v, shape): r = try ParityCompare.check(c, output: name, gotInts: v, shape: shape)
            }
            return r.named(name + " [checkpoint]")
        }
    }

    /// Same keys, shapes and values in every published file as under its prefix in the case's weights.safetensors.
    static func checkTensors(_ c: ParityCase, _ dir: IndexTTS2ModelDirectory) throws {
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        for (prefix, file, published) in try publishedWeights(dir) {
            let reference = try WeightStore(path: url.path, rootKey: prefix)
            let want = Set(reference.keys), got = Set(published.keys)
            guard want == got else {
                throw ParityError.config(key: "checkpoint " + file.path, reason: "keys differ from the case's '\(prefix).*': "
                    + "missing \(want.subtracting(got).sorted().prefix(5)), extra \(got.subtracting(want).sorted().prefix(5))")
            }
            for key in want.sorted() {
                let a = try reference.peek(key), b = try published.peek(key)
                guard a.shape == b.shape, memcmp(a.pointer, b.pointer, a.count * MemoryLayout<Float>.size) == 0 else {
                    throw ParityError.config(key: "checkpoint " + file.path, reason: "tensor '\(key)' differs from the case's '\(prefix).\(key)' "
                        + "(shape \(b.shape) vs \(a.shape))")
                }
            }
        }
    }

    /// The case text (checkpoint/tiny_dims.json e2e_run.text: how the case was produced from this directory).
    static func caseText(_ directory: URL) throws -> String {
        let url = directory.appendingPathComponent("tiny_dims.json")
        guard let data = FileManager.default.contents(atPath: url.path),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let text = (json["e2e_run"] as? [String: Any])?["text"] as? String else {
            throw ParityError.config(key: "checkpoint/tiny_dims.json e2e_run.text", reason: "missing")
        }
        return text
    }
}
