// The wrapper-level decode of the 12 Hz tokenizer: `Qwen3TTSTokenizer.decode` (qwen_tts/inference/
// qwen3_tts_tokenizer.py) → `Qwen3TTSTokenizerV2Model.decode`:
//   pad the items' [T_i, Q] codes with −1 to a batch (B, T, Q);
//   audio_length_i = count(codes[i, :, 0] > −1) · decode_upsample_rate   (counted BEFORE clamping; 0 is a valid code);
//   codes = clamp(codes, min 0); wav = chunked_decode(codes (B, Q, T), 300, 25); item i = wav[i, :audio_length_i].
import Foundation
import Tensors

/// Chunking used by the original's `chunked_decode` defaults (the wrapper passes none).
public struct Qwen3CodecChunking: Sendable, Equatable {
    public var chunkSize: Int
    public var leftContext: Int

    public init(chunkSize: Int, leftContext: Int) {
        self.chunkSize = chunkSize
        self.leftContext = leftContext
    }

    /// `chunked_decode(chunk_size=300, left_context_size=25)`.
    public static let production = Qwen3CodecChunking(chunkSize: 300, leftContext: 25)
}

extension Qwen3CodecDecoder {
    /// Decodes items of frames [T_i][Q] (values ≥ 0, or −1 as padding) as one padded batch, exactly as the
    /// original wrapper does, and returns each item's waveform (24 kHz in the real config), trimmed to
    /// `count(frames whose first code > −1) · decodeUpsampleRate` samples.
    public func decodeBatch(_ items: [[[Int]]], decodeUpsampleRate: Int? = nil,
                            chunking: Qwen3CodecChunking = .production) throws -> [[Float]] {
        guard !items.isEmpty else { throw Qwen3CodecError.emptyInput("the batch") }
        let q = config.numQuantizers
        let maxT = items.map(\.count).max() ?? 0
        guard maxT > 0 else { throw Qwen3CodecError.emptyInput("every item of the batch") }
        var values = [Int](repeating: -1, count: items.count * q * maxT) // (B, Q, T), padded with −1
        var lengths: [Int] = []
        let rate = decodeUpsampleRate ?? samplesPerFrame
        for (b, frames) in items.enumerated() {
            for (t, row) in frames.enumerated() {
                guard row.count == q else {
                    throw Qwen3CodecError.codeShape(expected: "\(q) codes per frame", found: "\(row.count) at item \(b), frame \(t)")
                }
                for (k, c) in row.enumerated() { values[(b * q + k) * maxT + t] = c }
            }
            var valid = 0
            for t in 0..<maxT where values[(b * q) * maxT + t] > -1 { valid += 1 }
            lengths.append(valid * rate)
        }
        let codes = try Qwen3CodecCodes(batch: items.count, quantizers: q, frames: maxT, values: values).clampedToZero()
        let wav = try chunkedDecode(codes, chunkSize: chunking.chunkSize, leftContext: chunking.leftContext) // (B, 1, L)
        let total = wav.shape[2]
        return wav.withUnsafeBufferPointer { p in
            lengths.enumerated().map { b, len in
                Array(p[(b * total)..<(b * total + Swift.min(len, total))])
            }
        }
    }

    /// One utterance: frames [T][Q] → waveform of T·samplesPerFrame samples.
    public func decode(frames: [[Int]], decodeUpsampleRate: Int? = nil,
                       chunking: Qwen3CodecChunking = .production) throws -> [Float] {
        try decodeBatch([frames], decodeUpsampleRate: decodeUpsampleRate, chunking: chunking)[0]
    }
}
