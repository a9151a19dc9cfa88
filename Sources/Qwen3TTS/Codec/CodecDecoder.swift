// The 12 Hz speech tokenizer decoder, mirroring `Qwen3TTSTokenizerV2Decoder`
// (qwen_tts/core/tokenizer_12hz/modeling_qwen3_tts_tokenizer_v2.py):
//
//   codes (B, Q, T) → quantizer.decode → (B, codebook_dim, T) → pre_conv (causal k3) → (B, latent, T)
//   → pre_transformer (channels-last) → (B, latent, T) → upsample stages (×prod(upsampling_ratios))
//   → decoder.0 causal conv k7 latent → decoder_dim → decoder blocks (×prod(upsample_rates))
//   → SnakeBeta → causal conv k7 → 1 channel → clamp [−1, 1]        (B, 1, T·total_upsample)
//
// `chunkedDecode` reproduces the original's `chunked_decode` (chunks with left context; a chunk at
// start s gets `left_context` frames only when s − left_context > 0, else s frames).
import Foundation
import Logging
import Neural
import Tensors

public final class Qwen3CodecDecoder: @unchecked Sendable {
    public let config: Qwen3CodecDecoderConfig
    let quantizer: CodecQuantizer
    let preConv: CodecCausalConv1d
    let transformer: CodecTransformer
    let upsample: [CodecUpsampleStage]
    let inputConv: CodecCausalConv1d
    let blocks: [CodecDecoderBlock]
    let finalSnake: SnakeBeta
    let outputConv: CodecCausalConv1d
    static let logger = Logger(label: "bookvox.qwen3tts.codec")

    /// Builds the decoder from `scope` (the keys under `decoder.` of `speech_tokenizer/model.safetensors`).
    /// Reads every declared weight with its exact shape; the caller checks for unused keys with
    /// `WeightStore.finish(ignoring: Qwen3CodecDecoder.ignoredKeys(prefix:))`. `convolutions` picks the backend
    /// per convolution shape (exact: Tensors' im2col + sgemm everywhere; fast: oneDNN where measured faster).
    public init(config: Qwen3CodecDecoderConfig, weights scope: WeightScope, convolutions: ConvolutionPolicy = .exact) throws {
        try config.validate()
        self.config = config
        let c = config
        quantizer = try CodecQuantizer(scope.scope("quantizer"), config: c)
        preConv = try CodecCausalConv1d(scope.scope("pre_conv"), inChannels: c.codebookDim, outChannels: c.latentDim,
                                        kernelSize: 3, convolutions: convolutions)
        transformer = try CodecTransformer(scope.scope("pre_transformer"), config: c)
        upsample = try c.upsamplingRatios.enumerated().map { i, f in
            try CodecUpsampleStage(scope.scope("upsample.\(i)"), dim: c.latentDim, factor: f, convolutions: convolutions)
        }
        let dec = scope.scope("decoder")
        inputConv = try CodecCausalConv1d(dec.scope("0"), inChannels: c.latentDim, outChannels: c.decoderDim, kernelSize: 7,
                                          convolutions: convolutions)
        blocks = try c.upsampleRates.enumerated().map { i, r in
            try CodecDecoderBlock(dec.scope("\(i + 1)"), inDim: c.decoderDim >> i, outDim: c.decoderDim >> (i + 1), rate: r,
                                  convolutions: convolutions)
        }
        let outDim = c.decoderDim >> c.upsampleRates.count
        finalSnake = try SnakeBeta(dec.scope("\(c.upsampleRates.count + 1)"), channels: outDim, logScale: true)
        outputConv = try CodecCausalConv1d(dec.scope("\(c.upsampleRates.count + 2)"), inChannels: outDim, outChannels: 1,
                                           kernelSize: 7, convolutions: convolutions)
    }

    /// Convenience: opens a weight file whose decoder keys sit under `prefix` (default "decoder."), builds the
    /// decoder and checks that every key under the prefix was used (the encode-only RVQ `input_proj`s excepted).
    public convenience init(config: Qwen3CodecDecoderConfig, store: WeightStore, prefix: String = "decoder.",
                            convolutions: ConvolutionPolicy = .exact) throws {
        try self.init(config: config, weights: store.scope(prefix), convolutions: convolutions)
        let foreign = store.keys.filter { !$0.hasPrefix(prefix) }
        try store.finish(ignoring: Qwen3CodecDecoder.ignoredKeys(prefix: prefix) + foreign)
    }

    /// Keys under `prefix` that exist in the checkpoint but are not used for decoding.
    public static func ignoredKeys(prefix: String = "decoder.") -> [String] {
        CodecQuantizer.encodeOnlyKeys.map { prefix + "quantizer." + $0 }
    }

    /// Whether any convolution runs through oneDNN (ConvolutionPolicy picked it for the layer's shape).
    public var usesOneDNN: Bool { !oneDNNBackends.isEmpty }

    /// The oneDNN backends its convolutions run on (none, `onednn`, `onednn-bf16` or both), in that order.
    public var oneDNNBackends: [ConvolutionBackend] {
        let convs = [preConv, inputConv, outputConv] + upsample.map(\.convNeXt.dwconv)
            + blocks.flatMap { $0.units.flatMap { [$0.conv1, $0.conv2] } }
        let transposed = upsample.map(\.transConv) + blocks.map(\.upsample)
        let types = Set(convs.compactMap { $0.conv.oneDNN?.dataType } + transposed.compactMap { $0.conv.oneDNN?.dataType })
        return [(DNNLConvolution.DataType.f32, ConvolutionBackend.oneDNN), (.bf16, .oneDNNBF16)]
            .filter { types.contains($0.0) }.map(\.1)
    }

    /// Samples per code frame (1920 in the real config).
    public var samplesPerFrame: Int { config.totalUpsample }

    /// Stage outputs, named as in the parity case, batch dim kept.
    public typealias StageHook = (_ name: String, _ value: Tensor) -> Void

    /// codes (B, Q, T) → waveform (B, 1, T·samplesPerFrame), clamped to [−1, 1]. `hook` sees every stage.
    public func forward(_ codes: Qwen3CodecCodes, hook: StageHook? = nil) throws -> Tensor {
        guard codes.frames > 0 else { throw Qwen3CodecError.emptyInput("the code sequence") }
        let dq = try quantizer.decode(codes) // (B, codebook_dim, T)
        hook?("dequantized", dq)
        let pc = preConv(dq) // (B, latent, T)
        hook?("pre_conv", pc)
        let tr = transformer(pc.transposed(1, 2)) // (B, T, latent)
        hook?("pre_transformer", tr)
        var h = tr.transposed(1, 2) // (B, latent, T)
        for (i, stage) in upsample.enumerated() {
            h = stage.transConv(h) // (B, latent, T·f)
            hook?("upsample\(i)_transconv", h)
            h = stage.convNeXt(h)
            hook?("upsample\(i)_convnext", h)
        }
        h = inputConv(h) // (B, decoder_dim, T')
        hook?("decoder0", h)
        for (i, block) in blocks.enumerated() {
            h = block(h) // (B, decoder_dim / 2^(i+1), ·rate)
            hook?("decoder\(i + 1)", h)
        }
        let n = blocks.count
        h = finalSnake(h)
        hook?("decoder\(n + 1)", h)
        h = outputConv(h) // (B, 1, T·samplesPerFrame)
        hook?("decoder\(n + 2)", h)
        return h.clamped(min: -1, max: 1)
    }

    /// The original's `chunked_decode(codes, chunk_size, left_context_size)`: (B, Q, T) → (B, 1, T·samplesPerFrame).
    public func chunkedDecode(_ codes: Qwen3CodecCodes, chunkSize: Int = 300, leftContext: Int = 25) throws -> Tensor {
        guard chunkSize > 0, leftContext >= 0 else {
            throw Qwen3CodecError.invalidConfig(key: "chunk_size/left_context_size",
                                                reason: "need chunk > 0 and context ≥ 0, found \(chunkSize)/\(leftContext)")
        }
        guard codes.frames > 0 else { throw Qwen3CodecError.emptyInput("the code sequence") }
        var pieces: [Tensor] = []
        var start = 0
        while start < codes.frames {
            let end = Swift.min(start + chunkSize, codes.frames)
            let context = start - leftContext > 0 ? leftContext : start
            let wav = try forward(codes.frames((start - context)..<end)) // (B, 1, (end − start + context)·S)
            pieces.append(wav.slice(axis: 2, start: context * samplesPerFrame, end: wav.shape[2]))
            start = end
        }
        Qwen3CodecDecoder.logger.debug("chunked decode: \(codes.frames) frames in \(pieces.count) chunk(s)")
        return pieces.count == 1 ? pieces[0] : Tensor.concat(pieces, axis: 2)
    }
}
