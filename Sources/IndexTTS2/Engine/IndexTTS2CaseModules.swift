// IndexTTS2Modules built from a parity case (indextts2/e2e_tiny): the case's weights.safetensors, whose keys carry
// one prefix per module (manifest `weight_prefixes`), and the constructor arguments in manifest `config` — the same
// way every single-module case is built, with no published model directory:
//   w2v_bert.        Wav2Vec2BertModel (config.w2v_bert), loaded up to config.hidden_layer_index (get_emb's layer)
//   w2v_stat.        mean / var (get_emb normalization)
//   semantic_codec.  RepCodec (config.semantic_codec)
//   campplus.        CAMPPlus (config.campplus)
//   gpt.             UnifiedVoice (config.gpt, cond_input_dim, emo_perceiver_dim)
//   s2mel.           MyModel cfm / length_regulator / gpt_layer (config.s2mel; gpt_layer input = gpt.model_dim)
//   bigvgan.         BigVGAN (config.bigvgan)
// plus the front ends: SeamlessM4T features (config.seamless_feature_extractor), the reference mel
// (config.mel_fn_args) and the CAMPPlus Kaldi fbank (config.campplus_fbank). Every prefix's store must be used
// completely, and every key of the file must sit under a prefix the manifest lists and this builder reads.
import AudioDSP
import Foundation
import Neural
import Tensors

public enum IndexTTS2CaseModules {
    /// The module prefixes of an e2e case's weights.safetensors, in build order.
    public static let prefixes = ["w2v_bert", "w2v_stat", "semantic_codec", "campplus", "gpt", "s2mel", "bigvgan"]

    public static func build(_ c: ParityCase) throws -> IndexTTS2Modules {
        guard let url = c.weightsURL else { throw ParityError.badManifest(path: c.directory.path, reason: "no weights listed") }
        try checkPrefixes(c, file: url)
        func store(_ prefix: String) throws -> WeightStore { try WeightStore(path: url.path, rootKey: prefix) }

        // w2v-BERT up to the hidden state get_emb reads, and its statistics.
        let w2vConfig = try c.decodeConfig(W2VBertConfig.self, key: "w2v_bert")
        guard let layer = c.config["hidden_layer_index"] as? Int else {
            throw ParityError.config(key: "hidden_layer_index", reason: "missing (the hidden_states index get_emb reads)")
        }
        let w2vStore = try store("w2v_bert")
        let w2v = try W2VBertModel(config: w2vConfig, weights: w2vStore.root, layerCount: layer)
        try w2vStore.finish(ignoring: W2VBertModel.ignoredKeys(config: w2vConfig, layerCount: layer))
        let statStore = try store("w2v_stat")
        let hidden = [w2vConfig.hiddenSize]
        let mean = try statStore.root.tensor("mean", shape: hidden), variance = try statStore.root.tensor("var", shape: hidden)
        try statStore.finish()
        let seamless = try SeamlessFeatureExtractor(config: try c.decodeConfig(SeamlessFeatureExtractorConfig.self,
                                                                               key: "seamless_feature_extractor"))
        let embedder = try SemanticEmbedder(extractor: seamless, model: W2VBertHiddenStates(w2v), mean: mean, variance: variance,
                                            statsFile: url.path + " (w2v_stat.*)", layer: layer)

        let codec = try SemanticCodec(config: try c.decodeConfig(SemanticCodecConfig.self, key: "semantic_codec"),
                                      weights: try store("semantic_codec"))
        let campplus = try CAMPPlus(config: try c.decodeConfig(CAMPPlusConfig.self, key: "campplus"), weights: try store("campplus"))

        let gpt = try IndexTTS2GPTParity.model(c, store: try store("gpt"))

        var s2melConfig = try c.decodeConfig(S2MelConfig.self, key: "s2mel")
        s2melConfig.gptModelDim = gpt.modelDim
        let s2melStore = try store("s2mel")
        let s2mel = try S2Mel(config: s2melConfig, weights: s2melStore.root)
        try s2melStore.finish()

        let bigvgan = try BigVGAN(config: try c.decodeConfig(BigVGANConfig.self, key: "bigvgan"), weights: try store("bigvgan"))

        let mel = try c.decodeConfig(MelSpectrogramConfig.self, key: "mel_fn_args")
        let fbank = try c.decodeConfig(KaldiFbankOptions.self, key: "campplus_fbank")
        guard fbank.numMelBins == campplus.config.featDim else {
            throw ParityError.config(key: "campplus_fbank.num_mel_bins", reason: "\(fbank.numMelBins) bins, but CAMPPlus feat_dim is \(campplus.config.featDim)")
        }
        let s2 = s2mel
        let preparer = VoicePreparer(
            audio: try ReferenceAudio(melRate: mel.samplingRate, featureRate: seamless.config.samplingRate),
            embedder: embedder, codec: codec, refMel: try LogMelSpectrogram(config: mel), fbank: try KaldiFbank(options: fbank),
            campplus: campplus,
            lengthRegulator: { sRef, frames in try s2.promptCondition(semanticReference: sRef, referenceFrames: frames) })
        return IndexTTS2Modules(preparer: preparer, gpt: gpt, s2mel: s2mel, codec: codec, bigvgan: bigvgan)
    }

    /// Every key of the weights file sits under a prefix that the manifest lists and the builder reads.
    static func checkPrefixes(_ c: ParityCase, file url: URL) throws {
        guard let listed = c.manifest["weight_prefixes"] as? [String: Any] else {
            throw ParityError.badManifest(path: c.directory.path, reason: "no weight_prefixes (module prefix → what it holds)")
        }
        let declared = Set(listed.keys.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 })
        guard declared == Set(prefixes) else {
            throw ParityError.config(key: "weight_prefixes", reason: "lists \(declared.sorted()); the e2e pipeline is built from \(prefixes)")
        }
        let keys = try SafeTensorsFile(path: url.path).keys
        let outside = keys.filter { key in !prefixes.contains { key.hasPrefix($0 + ".") } }
        guard outside.isEmpty else {
            throw WeightError.unusedKeys(outside, file: url.path)
        }
    }
}
