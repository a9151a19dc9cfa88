// Every IndexTTS2 component loaded from a model directory, as `IndexTTS2.__init__` builds them:
// text tokenizer (bpe.model), w2v-BERT (+ stats) behind the Seamless feature extractor, semantic codec,
// CAMPPlus (+ Kaldi fbank), reference mel, UnifiedVoice GPT (with its conformer/perceiver conditioner),
// emotion matrices, S2Mel (gpt_layer, length regulator, CFM/DiT) and BigVGAN.
// Loading is strict per file: every tensor a file holds is used or explicitly ignored. The neural modules are
// held as IndexTTS2Modules (shared with the e2e parity runner, which builds them from a case's weights).
import AudioDSP
import Foundation
import Logging
import Neural
import Tensors
import TextFrontend

public final class IndexTTS2Models: @unchecked Sendable {
    public let directory: IndexTTS2ModelDirectory
    public let tokenizer: IndexTTS2TextTokenizer
    public let modules: IndexTTS2Modules
    public let emotionMatrices: EmotionMatrices
    private static let logger = Logger(label: "bookvox.indextts2.models")
    private let fastLock = NSLock()
    private var fastGPTs: [ReducedKernel: UnifiedVoiceGPT] = [:]
    private var fastStages: [DiTFastPath: IndexTTS2Modules] = [:]

    public var config: IndexTTS2Config { directory.config }
    public var preparer: VoicePreparer { modules.preparer }
    public var gpt: UnifiedVoiceGPT { modules.gpt }
    public var s2mel: S2Mel { modules.s2mel }
    public var codec: SemanticCodec { modules.codec }
    public var bigvgan: BigVGAN { modules.bigvgan }
    public var conditioner: GPTConditioner { gpt.conditioner }
    /// Output rate (s2mel.preprocess_params.sr; BigVGAN's rate).
    public var sampleRate: Int { modules.sampleRate }

    public init(directory dir: IndexTTS2ModelDirectory) throws {
        directory = dir
        let config = dir.config
        let start = Date()
        tokenizer = try dir.reading(dir.bpeURL) {
            do { return try IndexTTS2TextTokenizer(modelPath: dir.bpeURL.path) } catch let e as TokenizerError {
                throw IndexTTS2ModelError.corrupt(file: dir.bpeURL.path, reason: e.description)
            }
        }

        // w2v-BERT and its statistics.
        let w2vConfig = try dir.decodeJSON(W2VBertConfig.self, at: dir.w2vBertConfigURL)
        let seamless = try dir.reading(dir.w2vBertPreprocessorURL) {
            try SeamlessFeatureExtractor(config: try dir.decodeJSON(SeamlessFeatureExtractorConfig.self, at: dir.w2vBertPreprocessorURL))
        }
        let layer = SemanticEmbedder.hiddenStateIndex(layers: w2vConfig.numHiddenLayers)
        let w2vStore = try dir.weights(dir.w2vBertWeightsURL)
        let w2v = try dir.reading(dir.w2vBertWeightsURL) { () throws -> W2VBertModel in
            let model = try W2VBertModel(config: w2vConfig, weights: w2vStore.root, layerCount: layer)
            try w2vStore.finish(ignoring: W2VBertModel.ignoredKeys(config: w2vConfig, layerCount: layer))
            return model
        }
        let embedder = try SemanticEmbedder(extractor: seamless, model: W2VBertHiddenStates(w2v),
                                            mean: try dir.smallTensor(dir.w2vStatURL, key: "mean"),
                                            variance: try dir.smallTensor(dir.w2vStatURL, key: "var"), statsFile: dir.w2vStatURL.path)

        let codec = try dir.reading(dir.semanticCodecURL) {
            try SemanticCodec(config: try config.semanticCodec, weights: try dir.weights(dir.semanticCodecURL))
        }
        let campplusStore = try dir.weights(dir.campplusURL)
        let campplus = try dir.reading(dir.campplusURL) {
            try CAMPPlus(config: try CheckpointShapes.campplus(campplusStore, file: dir.campplusURL.path), weights: campplusStore)
        }

        // UnifiedVoice (gpt.pth).
        let gptStore = try dir.gptWeights()
        let conditioning = try CheckpointShapes.conditioning(config, gpt: gptStore, semanticHidden: w2vConfig.hiddenSize,
                                                             file: dir.gptURL.path)
        let gptConfig = try config.decode(UnifiedVoiceConfig.self, key: "gpt")
        let gpt = try dir.reading(dir.gptURL) { () throws -> UnifiedVoiceGPT in
            let model = try UnifiedVoiceGPT(config: gptConfig, conditioning: conditioning, weights: gptStore.root)
            try gptStore.finish(ignoring: UnifiedVoiceGPT.ignorableKeys(layers: gptConfig.layers))
            return model
        }

        // S2Mel (s2mel.pth "net").
        let s2mel = try dir.reading(dir.s2melURL) {
            try S2Mel(config: try S2MelConfig(yamlPath: dir.configURL.path), path: dir.s2melURL.path)
        }

        // Emotion matrices (feat1 = spk_matrix, feat2 = emo_matrix).
        emotionMatrices = try EmotionMatrices(speaker: try dir.smallTensor(dir.spkMatrixURL, key: TorchCheckpoint.bareTensorKey),
                                              emotion: try dir.smallTensor(dir.emoMatrixURL, key: TorchCheckpoint.bareTensorKey),
                                              groups: config.emoNum, speakerFile: dir.spkMatrixURL.path,
                                              emotionFile: dir.emoMatrixURL.path)
        guard emotionMatrices.modelDim == gptConfig.modelDim else {
            throw IndexTTS2ModelError.corrupt(file: dir.emoMatrixURL.path, reason: "emo_matrix rows have \(emotionMatrices.modelDim) values; gpt.model_dim is \(gptConfig.modelDim)")
        }

        let bigvgan = try dir.reading(dir.bigvganWeightsURL) {
            try BigVGAN(config: try BigVGANConfig(path: dir.bigvganConfigURL.path),
                        weights: try dir.weights(dir.bigvganWeightsURL, rootKey: "generator"))
        }

        let mel = try config.referenceMel
        let reference = try ReferenceAudio(melRate: mel.samplingRate, featureRate: seamless.config.samplingRate)
        let s2 = s2mel
        let preparer = VoicePreparer(
            audio: reference, embedder: embedder, codec: codec, refMel: try LogMelSpectrogram(config: mel),
            fbank: try KaldiFbank(options: VoicePreparer.campplusFbankOptions(melBins: campplus.config.featDim,
                                                                              sampleRate: seamless.config.samplingRate)),
            campplus: campplus,
            lengthRegulator: { sRef, frames in try s2.promptCondition(semanticReference: sRef, referenceFrames: frames) })
        modules = IndexTTS2Modules(preparer: preparer, gpt: gpt, s2mel: s2mel, codec: codec, bigvgan: bigvgan)
        Self.logger.info("IndexTTS2 loaded from \(dir.root.path) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
    }

    /// The GPT with its decode-step weights in `kernel`'s reduced form (`--precision fast`), converted on first use
    /// and shared by every engine over these models.
    public func fastGPT(_ kernel: ReducedKernel) throws -> UnifiedVoiceGPT {
        guard kernel.isSupported else {
            throw IndexTTS2ModelError.unsupported("the \(kernel.rawValue) kernel needs CPU features this CPU lacks (\(ReducedKernel.cpuFeatures))")
        }
        fastLock.lock()
        defer { fastLock.unlock() }
        if let g = fastGPTs[kernel] { return g }
        let start = Date()
        let g = gpt.reduced(kernel)
        fastGPTs[kernel] = g
        Self.logger.info("IndexTTS2 GPT converted to \(kernel.rawValue) in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        return g
    }

    /// The modules fast mode renders with (`--precision fast`): S2Mel's DiT estimator on `path` and BigVGAN under
    /// ConvolutionPolicy.fast; the preparer, the GPT (its latent pass is float32 in both modes) and the semantic
    /// codec are the exact ones. Built on first use, shared by every engine over these models.
    public func fastModules(_ path: DiTFastPath) -> IndexTTS2Modules {
        fastLock.lock()
        defer { fastLock.unlock() }
        if let m = fastStages[path] { return m }
        let start = Date()
        let m = modules.fast(path)
        fastStages[path] = m
        Self.logger.info("IndexTTS2 S2Mel (\(path.rawValue)) and BigVGAN (fast convolutions) built in \(String(format: "%.1f", Date().timeIntervalSince(start))) s")
        return m
    }

    public convenience init(path: String) throws {
        try self.init(directory: try IndexTTS2ModelDirectory(path: path))
    }
}

/// w2v-BERT 2.0 behind the `SemanticHiddenStates` seam.
final class W2VBertHiddenStates: SemanticHiddenStates, @unchecked Sendable {
    let model: W2VBertModel
    init(_ model: W2VBertModel) { self.model = model }
    var hiddenSize: Int { model.config.hiddenSize }
    var encoderLayers: Int { model.config.numHiddenLayers }
    func hiddenState(_ layer: Int, inputFeatures: Tensor, attentionMask: [Int64]) throws -> Tensor {
        let frames = inputFeatures.rank == 3 ? inputFeatures.shape[1] : -1
        let valid = try W2VBertModel.validFrames(attentionMask, batch: 1, frames: frames)
        return try model.hiddenState(layer, features: inputFeatures, attentionMask: valid) // (1, T, D)
    }
}
