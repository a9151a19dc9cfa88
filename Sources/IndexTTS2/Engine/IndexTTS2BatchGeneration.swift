// IndexTTS2's `generateBatch`: cross-segment GPT batching. Up to `maxBatch` segments decode together, each in a slot
// with its own GPT2State (prefix, cache, beams), beam search and SeededTokenSampler (the request's seed, continued
// over its text pieces exactly as `generate` does); every decode step runs all slots' beam rows through one weight
// pass (UnifiedVoiceGPT.decodeStep). A piece's prefill runs alone in its slot; when a segment's last piece ends its
// slot takes the next request, so the batch stays full. Per segment the codes are bit for bit those of `generate`.
import Foundation
import Neural
import SpeechEngine
import Tensors

extension IndexTTS2Engine {
    /// The scheduler hands this many segments to generateBatch at once.
    public var preferredBatchSize: Int { Swift.max(1, options.maxBatch) }

    public func generateBatch(_ requests: [SegmentRequest], voice: VoiceProfile) -> [Result<GeneratedCodes, Error>] {
        if requests.count <= 1 || options.maxBatch <= 1 {
            return requests.map { r in Result { try generate(r, voice: voice) } }
        }
        let conds: Tensor
        do { conds = try conditioningRows(try speaker(voice)) } catch { return requests.map { _ in .failure(error) } }
        var results = [Result<GeneratedCodes, Error>?](repeating: nil, count: requests.count)
        var active: [BatchSlot] = []
        var next = 0
        let scratch = GPTBatchScratch()

        /// Runs `slot` until it needs a decode step (true) or its segment has ended, done or failed (false).
        func settle(_ slot: BatchSlot) -> Bool {
            let request = requests[slot.index]
            do {
                while true {
                    if let decoder = slot.decoder {
                        guard let result = try decoder.advance(sampler: &slot.sampler) else { return true }
                        let codes = try pieceCodes(result, request: request, piece: slot.piece, of: slot.pieces.count)
                        slot.counts.append(codes.count)
                        slot.codes += codes.map(Int32.init)
                        slot.piece += 1
                        slot.decoder = nil
                    }
                    if slot.piece == slot.pieces.count {
                        results[slot.index] = .success(generatedCodes(slot.codes, counts: slot.counts, request: request))
                        return false
                    }
                    let prefix = try gpt.prefix(conds: conds, textTokens: slot.pieces[slot.piece])
                    slot.decoder = try GPTPieceDecoder(gpt, prefix: prefix, options: generation)
                }
            } catch {
                results[slot.index] = .failure(error)
                return false
            }
        }

        while true {
            while active.count < options.maxBatch && next < requests.count {
                let slot = BatchSlot(index: next, pieces: textPieces(requests[next].text), seed: requests[next].seed)
                next += 1
                if settle(slot) { active.append(slot) }
            }
            if active.isEmpty { break }
            do {
                try gpt.decodeStep(active.map { $0.decoder! }, scratch: scratch)
            } catch {
                for slot in active { results[slot.index] = .failure(error) }
                active.removeAll()
                continue
            }
            active = active.filter(settle)
        }
        return results.map { $0! }
    }
}

/// One segment in flight in `generateBatch`: its pieces, the piece being decoded and the codes so far.
private final class BatchSlot {
    let index: Int
    let pieces: [[Int]]
    var piece = 0
    var sampler: SeededTokenSampler
    var decoder: GPTPieceDecoder?
    var codes: [Int32] = []
    var counts: [Int] = []

    init(index: Int, pieces: [[Int]], seed: UInt64) {
        self.index = index
        self.pieces = pieces
        sampler = SeededTokenSampler(seed: seed)
    }
}
