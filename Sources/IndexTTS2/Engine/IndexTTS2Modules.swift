// The neural modules of IndexTTS2 and the per-piece stages of infer_v2 that run on them, whatever the weights came
// from: a published model directory (IndexTTS2Models) or a parity case's weights.safetensors + config
// (IndexTTS2E2EParity). The engine and the e2e parity runner both go through these functions, so the case checks
// the code the engine runs.
//   conditioningRows  gpt.get_conditioning latents + merged emovec → conds (1, 34, model_dim)
//   generationOptions inference_speech settings with the stop code as EOS and the code cap
//   melForPiece       latent pass → vq2emb + gpt_layer → length regulator → CFM (given noise) → mel (1, 80, T_gen)
//   waveform          BigVGAN → clamp(32767·wav, ±32767) / 32767
import Foundation
import Neural
import Tensors

public struct IndexTTS2Modules: @unchecked Sendable {
    public let preparer: VoicePreparer
    public let gpt: UnifiedVoiceGPT
    public let s2mel: S2Mel
    public let codec: SemanticCodec
    public let bigvgan: BigVGAN

    public init(preparer: VoicePreparer, gpt: UnifiedVoiceGPT, s2mel: S2Mel, codec: SemanticCodec, bigvgan: BigVGAN) {
        self.preparer = preparer
        self.gpt = gpt
        self.s2mel = s2mel
        self.codec = codec
        self.bigvgan = bigvgan
    }

    public var conditioner: GPTConditioner { gpt.conditioner }

    /// fast mode's stages: S2Mel's DiT on `path` (DiTFastPath), BigVGAN under ConvolutionPolicy.fast; the rest shared.
    public func fast(_ path: DiTFastPath) -> IndexTTS2Modules {
        IndexTTS2Modules(preparer: preparer, gpt: gpt, s2mel: s2mel.converted(path), codec: codec, bigvgan: bigvgan.using(.fast))
    }
    /// Output rate (s2mel.preprocess_params.sr; BigVGAN's rate).
    public var sampleRate: Int { preparer.audio.melRate }

    /// The decoding options of one piece: `settings` with the stop code as EOS, at most `maxMelTokens` codes and never
    /// more than the mel position table holds (max_mel_tokens of the model config).
    public func generationOptions(_ settings: GenerationSettings, maxMelTokens: Int) -> GPTGenerationOptions {
        var s = settings
        s.eosTokenIds = [gpt.config.stopMelToken]
        return GPTGenerationOptions(settings: s, maxGenerateLength: min(maxMelTokens, gpt.config.maxMelTokens))
    }

    /// conds (1, 34, model_dim) of a voice and its merged emotion vector (1, model_dim).
    public func conditioningRows(_ speaker: SpeakerConditioning, emovec: Tensor) throws -> Tensor {
        try gpt.conditioningRows(speechLatent: speaker.speechLatent, emovec: emovec)
    }

    /// The S2Mel stages of one piece with the given CFM noise (1, 80, T_ref + T_gen).
    public func melForPiece(textIds: [Int], codes: [Int], conds: Tensor, speaker: SpeakerConditioning, noise: Tensor,
                            steps: Int, cfgRate: Double, onStep: ((CFMSolver.Step) -> Void)? = nil) throws
        -> (latent: Tensor, conditioning: S2Mel.Conditioning, output: S2Mel.Output, mel: Tensor) {
        let latent = try gpt.latent(conds: conds, textTokens: textIds, codes: codes) // (1, n, model_dim)
        let sVQ = try codec.vq2emb([codes]).transposed(1, 2) // (1, n, H)
        let cond = try s2mel.condition(latent: latent, semanticEmbedding: sVQ)
        let output = try s2mel.generate(promptCondition: speaker.promptCondition, cond: cond.cond,
                                        referenceMel: speaker.refMel, style: speaker.style, noise: noise,
                                        steps: steps, cfgRate: cfgRate, onStep: onStep)
        return (latent, cond, output, output.mel)
    }

    /// BigVGAN (1, 80, T) → the waveform (1, 1, 256·T) in [-1, 1] as the model returns it.
    public func vocode(_ mel: Tensor) throws -> Tensor { try bigvgan(mel) }

    /// BigVGAN (1, 80, T) → clamp(32767·wav, ±32767) / 32767 as floats (what infer_v2 writes as int16).
    public func waveform(_ mel: Tensor) throws -> [Float] {
        try vocode(mel).array.map { min(max(32767 * $0, -32767), 32767) / 32767 }
    }
}
