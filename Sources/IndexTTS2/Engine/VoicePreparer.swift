// IndexTTS2 voice preparation (the per-speaker half of infer_v2, §1.2–1.9):
//   audio_22k ─┬─ ref_mel = mel_fn(audio_22k)                                      (1, 80, T_ref)
//              └─ audio_16k = sinc(22050→16000) ─┬─ Seamless → w2v-BERT → spk_cond_emb  (1, T50, D)
//                                                │     └─ semantic_codec.quantize → S_ref (1, T50, D)
//                                                │          └─ length_regulator(S_ref, T_ref) → prompt_condition
//                                                └─ Kaldi fbank − time mean → CAMPPlus → style (1, 192)
//   emotion audio (the speaker file read at 16 kHz, or a second clip) → Seamless → w2v-BERT → emo_cond_emb
// Everything here depends only on the clips, so the pipeline caches it per clip sha256.
import AudioDSP
import Foundation
import Tensors

/// What voice preparation computes, intermediates included (the parity runner checks them all).
public struct PreparedVoice: Sendable {
    public var audio22k: [Float]
    public var audio16k: [Float]
    public var features: SeamlessFeatures
    public var spkCondEmb: Tensor // (1, T50, D)
    public var sRefCodes: [Int] // (T50)
    public var sRef: Tensor // (1, T50, D)
    public var refMel: Tensor // (1, 80, T_ref)
    public var campplusFeat: Tensor // (frames, 80)
    public var style: Tensor // (1, 192)
    public var promptCondition: Tensor // (1, T_ref, C)
    public var emotion: PreparedEmotion
}

/// The emotion-path features of one clip (§1.9).
public struct PreparedEmotion: Sendable {
    public var audio16k: [Float]
    public var features: SeamlessFeatures
    public var condEmb: Tensor // (1, T50e, D)
}

public struct VoicePreparer: Sendable {
    public let audio: ReferenceAudio
    public let embedder: SemanticEmbedder
    public let codec: SemanticCodec
    public let refMel: LogMelSpectrogram
    public let fbank: KaldiFbank
    public let campplus: CAMPPlus
    /// s2mel length_regulator: (S (1, T, D), target frames) → (1, target, C).
    public let lengthRegulator: @Sendable (Tensor, Int) throws -> Tensor

    /// torchaudio kaldi.fbank(num_mel_bins=80, dither=0, sample_frequency=16000), other Kaldi defaults.
    public static func campplusFbankOptions(melBins: Int, sampleRate: Int) -> KaldiFbankOptions {
        var o = KaldiFbankOptions()
        o.numMelBins = melBins
        o.dither = 0
        o.sampleFrequency = Double(sampleRate)
        return o
    }

    /// Full preparation from decoded clips (any sample rate); `emotionClip` nil = the speaker clip itself.
    public func prepare(speaker: AudioBuffer, emotionClip: AudioBuffer? = nil) throws -> PreparedVoice {
        let a22 = try audio.speaker(speaker)
        let emo = try emotion(emotionClip ?? speaker)
        return try prepare(audio22k: a22, emotion: emo)
    }

    /// The emotion path of one clip: read at the feature rate, Seamless features, w2v-BERT embedding.
    public func emotion(_ clip: AudioBuffer) throws -> PreparedEmotion {
        try emotion(audio16k: try audio.emotion(clip))
    }

    public func emotion(audio16k: [Float]) throws -> PreparedEmotion {
        let f = try embedder.features(audio16k)
        return PreparedEmotion(audio16k: audio16k, features: f, condEmb: try embedder.embed(f))
    }

    /// Speaker preparation from audio_22k (already loaded and cut) plus a prepared emotion path.
    public func prepare(audio22k: [Float], emotion: PreparedEmotion) throws -> PreparedVoice {
        let minimum = refMel.config.nFFT
        guard audio22k.count > minimum else {
            throw IndexTTS2ModelError.badVoice(String(format: "the clip is %.2f s long; IndexTTS2 needs more than %.2f s",
                                                      Double(audio22k.count) / Double(audio.melRate), Double(minimum) / Double(audio.melRate)))
        }
        let a16 = audio.speakerFeatureRate(audio22k)
        let features = try embedder.features(a16)
        let spk = try embedder.embed(features) // (1, T50, D)
        let q = try codec.quantize(spk)
        let mel = try refMel.compute(audio22k) // (1, 80, T_ref)
        let feat = KaldiFbank.subtractingTimeMean(try fbank.compute(a16)) // (frames, 80)
        let style = try campplus(feat.reshaped([1] + feat.shape)) // (1, 192)
        let prompt = try lengthRegulator(q.embedding, mel.shape[2]) // (1, T_ref, C)
        return PreparedVoice(audio22k: audio22k, audio16k: a16, features: features, spkCondEmb: spk, sRefCodes: q.codes[0],
                             sRef: q.embedding, refMel: mel, campplusFeat: feat, style: style, promptCondition: prompt,
                             emotion: emotion)
    }
}
