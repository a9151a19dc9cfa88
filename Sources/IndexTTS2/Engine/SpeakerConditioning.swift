// The per-speaker tensors the engine keeps in a VoiceProfile (cached on disk by clip sha256), and how the
// per-segment emotion vector is resolved from them (§1.10, §1.12):
//   speech_conditioning_latent = get_conditioning(spk_cond_emb)                 (1, 32, model_dim)
//   emovec_speaker = get_emovec(spk_cond_emb); emovec_self = get_emovec(emo_cond_emb of the speaker file)
//   no emotion input:  emovec = merge(emovec_speaker, emovec_self, 1)
//   emotion clip:      emovec = merge(emovec_speaker, get_emovec(clip), α)
//   emotion vector:    emovec = Σ w_i·emo_matrix[i][nearest(style)] + (1 − Σw)·merge(emovec_speaker, emovec_self, 1)
// Conditioner lengths are the real frame counts (infer_v2 passes the feature size 1024, which covers every frame
// of a ≤ 15 s clip: the same all-valid mask).
import Foundation
import SpeechEngine
import Tensors

public struct SpeakerConditioning: Sendable {
    public static let tensorNames = ["spk_cond_emb", "emo_cond_emb", "ref_mel", "style", "prompt_condition",
                                     "speech_conditioning_latent", "emovec_speaker", "emovec_self"]

    public var spkCondEmb: Tensor // (1, T50, D)
    public var emoCondEmb: Tensor // (1, T50e, D)
    public var refMel: Tensor // (1, 80, T_ref)
    public var style: Tensor // (1, 192)
    public var promptCondition: Tensor // (1, T_ref, C)
    public var speechLatent: Tensor // (1, 32, model_dim)
    public var emovecSpeaker: Tensor // (1, model_dim)
    public var emovecSelf: Tensor // (1, model_dim)

    /// Runs the conditioner on a prepared voice.
    public init(_ voice: PreparedVoice, conditioner: GPTConditioner) throws {
        spkCondEmb = voice.spkCondEmb
        emoCondEmb = voice.emotion.condEmb
        refMel = voice.refMel
        style = voice.style
        promptCondition = voice.promptCondition
        let t = voice.spkCondEmb.shape[1], te = voice.emotion.condEmb.shape[1]
        speechLatent = try conditioner.conditioning(voice.spkCondEmb, lengths: [t])
        emovecSpeaker = try conditioner.emovec(voice.spkCondEmb, lengths: [t])
        emovecSelf = try conditioner.emovec(voice.emotion.condEmb, lengths: [te])
    }

    /// Reads the tensors back from a cached profile.
    public init(profile: VoiceProfile) throws {
        func t(_ name: String) throws -> Tensor {
            guard let v = profile.tensors[name] else {
                throw IndexTTS2ModelError.badVoice("cached voice profile \(profile.voiceHash) lacks '\(name)'; delete the project's "
                    + "voices/ cache entry to re-prepare it")
            }
            return v
        }
        spkCondEmb = try t("spk_cond_emb")
        emoCondEmb = try t("emo_cond_emb")
        refMel = try t("ref_mel")
        style = try t("style")
        promptCondition = try t("prompt_condition")
        speechLatent = try t("speech_conditioning_latent")
        emovecSpeaker = try t("emovec_speaker")
        emovecSelf = try t("emovec_self")
    }

    public func profile(engine: String, voiceHash: String, metadata: [String: String]) -> VoiceProfile {
        VoiceProfile(engine: engine, voiceHash: voiceHash, tensors: [
            "spk_cond_emb": spkCondEmb, "emo_cond_emb": emoCondEmb, "ref_mel": refMel, "style": style,
            "prompt_condition": promptCondition, "speech_conditioning_latent": speechLatent,
            "emovec_speaker": emovecSpeaker, "emovec_self": emovecSelf,
        ], metadata: metadata)
    }

    /// The segment's emovec (1, model_dim) for the given emotion inputs; `clipEmovec` is get_emovec of the
    /// emotion clip's features when a clip is used. `matrices` (feat1 / feat2) are needed only for an emotion
    /// vector; nil (a parity case that ships no emotion matrices) then is an error.
    public func emovec(settings: EmotionSettings, clipEmovec: Tensor?, matrices: EmotionMatrices?) throws -> Tensor {
        let merged: Tensor
        if settings.effectiveClip != nil {
            guard let clipEmovec else { throw IndexTTS2ModelError.badEmotion("emotion clip features were not prepared") }
            merged = GPTConditioner.merge(base: emovecSpeaker, emotion: clipEmovec, alpha: settings.effectiveMergeAlpha)
        } else {
            merged = GPTConditioner.merge(base: emovecSpeaker, emotion: emovecSelf, alpha: 1)
        }
        guard let vector = settings.effectiveVector else { return merged }
        guard let matrices else {
            throw IndexTTS2ModelError.badEmotion("an emotion vector needs the emotion matrices (feat1.pt / feat2.pt), which were not loaded")
        }
        return try matrices.apply(vector, style: style, to: merged)
    }
}
