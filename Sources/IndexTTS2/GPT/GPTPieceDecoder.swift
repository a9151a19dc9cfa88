// One piece's autoregressive decode (inference_speech's loop, GPTGeneration's header) as a state machine, so a
// generation can either drive its own decode steps (`UnifiedVoiceGPT.generate`) or share them with other pieces
// (`UnifiedVoiceGPT.decodeStep`: several segments × beams per weight pass). The decoder owns the piece's GPT2State
// (prefilled on creation, alone: many rows through the fp32 path), its beam search and processors; the token sampler
// stays with the caller (a segment's pieces continue one sampler).
//   advance(sampler:) — picks the next tokens from the current logits; returns the result when the piece has ended,
//                       else leaves the next decode step's input rows in `x` (beams, D)
//   receive(_:)       — takes that step's logits (beams, V)
import Foundation
import Neural
import Tensors

public final class GPTPieceDecoder {
    let model: UnifiedVoiceGPT
    let options: GPTGenerationOptions
    let prefixLength: Int
    let maxLength: Int
    /// Sequences decoded per step (num_beams, 1 for greedy / multinomial sampling).
    public let beams: Int
    let state: GPT2State
    private let processors: LogitsProcessorList
    private var history: [Int]
    private var search: BeamSearch?
    /// Greedy: the last row's logits (V); beams: one row per beam.
    private var logits: [Float]
    private var rows: [[Float]]
    /// The next decode step's input rows (beams, D), valid after `advance` returned nil.
    var x: [Float]
    private var stepLogits: [[[Float]]] = [], stepScores: [[[Float]]] = [], stepCandidates: [[Int]] = []
    /// Decode steps this piece has taken so far.
    public private(set) var steps = 0

    /// Checks the options, allocates the cache and runs the prefill.
    init(_ model: UnifiedVoiceGPT, prefix: GPTPrefix, options: GPTGenerationOptions) throws {
        let s = options.settings, p = prefix.length
        guard options.maxGenerateLength >= 1 else { throw GPTError.badInput("max_generate_length must be ≥ 1") }
        let maxLength = p + 1 + options.maxGenerateLength
        let lastPosition = maxLength - 1 - p // mel position of the last code that can be fed
        guard lastPosition < model.embeddings.melPositions.count else {
            throw GPTError.tooLong(what: "\(options.maxGenerateLength) codes", needed: lastPosition + 1,
                                   limit: model.embeddings.melPositions.count)
        }
        self.model = model
        self.options = options
        prefixLength = p
        self.maxLength = maxLength
        beams = max(1, s.numBeams)
        state = model.gpt.makeState(batch: beams, capacity: maxLength)
        processors = try s.processors(promptLength: prefix.fakeInputIds.count)
        logits = try model.prefill(prefix, state: state) // (V)
        history = prefix.fakeInputIds
        x = [Float](repeating: 0, count: beams * model.modelDim)
        if beams == 1 {
            rows = []
        } else {
            search = try BeamSearch(prompt: history, config: BeamSearchConfig(
                numBeams: beams, lengthPenalty: s.lengthPenalty, earlyStopping: .heuristic, eosTokenIds: s.eosTokenIds,
                padTokenId: s.eosTokenIds.first ?? model.config.stopMelToken, maxLength: maxLength, doSample: s.doSample))
            rows = Array(repeating: logits, count: beams) // the prefill is shared: identical rows
        }
    }

    /// Chooses the next tokens from the current logits. Returns the piece's result when it has ended; otherwise the
    /// next step's input rows are in `x` and the caller runs a decode step and hands its logits to `receive`.
    func advance(sampler: inout some TokenSampler) throws -> GPTGenerationResult? {
        let s = options.settings, p = prefixLength, d = model.modelDim
        if var search = self.search {
            self.search = nil // no second reference: the step mutates the histories in place
            let step = try search.step(logits: rows, processors: processors, sampler: &sampler)
            self.search = search
            if options.recordSteps {
                stepLogits.append(rows)
                stepScores.append(step.processedScores)
                stepCandidates.append(step.candidateIndices)
            }
            if search.isFinished {
                let result = try search.finalize()
                return model.finish(codes: Array(result.sequence.dropFirst(p + 1)), stepLogits: stepLogits, stepScores: stepScores,
                                    stepCandidates: stepCandidates, score: result.score, beamIndices: result.beamIndices,
                                    options: options)
            }
            state.reorder(step.sourceBeams)
            let position = search.histories[0].count - p
            try x.withUnsafeMutableBufferPointer { xb in
                for b in 0..<beams { try model.embeddings.melRow(step.tokens[b], position: position, into: xb.baseAddress! + b * d) }
            }
            return nil
        }
        var scores = logits
        try processors.process(&scores, history: history)
        let token = s.doSample ? try sampler.sample(Logits.softmax(scores)) : Logits.argmax(scores)
        if options.recordSteps { stepLogits.append([logits]); stepScores.append([scores]) }
        history.append(token)
        if s.eosTokenIds.contains(token) || history.count >= maxLength {
            return model.finish(codes: Array(history.dropFirst(p + 1)), stepLogits: stepLogits, stepScores: stepScores,
                                stepCandidates: [], score: nil, beamIndices: nil, options: options)
        }
        try x.withUnsafeMutableBufferPointer { try model.embeddings.melRow(token, position: history.count - p, into: $0.baseAddress!) }
        return nil
    }

    /// The logits (beams, V) of the decode step that consumed `x`.
    func receive(_ stepLogits: UnsafePointer<Float>) {
        let v = model.vocab
        steps += 1
        if beams == 1 {
            logits = Array(UnsafeBufferPointer(start: stepLogits, count: v))
        } else {
            rows = (0..<beams).map { Array(UnsafeBufferPointer(start: stepLogits + $0 * v, count: v)) }
        }
    }
}

extension UnifiedVoiceGPT {
    /// One decode step shared by several pieces (cross-segment batching): every decoder's input rows, gathered slot
    /// after slot, through one GPT-2 pass (`GPT2Model.forwardStep`), ln_f, final_norm and mel_head over all rows
    /// (grouped per piece in exact mode), then each decoder receives its logits. Each piece's logits are bit for
    /// bit those of its own `decode` call.
    func decodeStep(_ decoders: [GPTPieceDecoder], scratch: GPTBatchScratch) throws {
        let d = modelDim, v = vocab
        let groups = decoders.map(\.beams), total = groups.reduce(0, +)
        scratch.reserve(rows: total, width: d, vocab: v)
        let x = scratch.x.pointer, logits = scratch.logits.pointer
        var first = 0
        for dec in decoders {
            dec.x.withUnsafeBufferPointer { (x + first * d).update(from: $0.baseAddress!, count: dec.beams * d) }
            first += dec.beams
        }
        try gpt.forwardStep(x, slots: decoders.map(\.state), scratch: scratch.step) // (total, D)
        gpt.finalLayerNorm(x, rows: total, out: x)
        heads.finalNorm(x, rows: total, out: x)
        heads.melLogitsGrouped(x, groups: groups, out: logits) // (total, V)
        first = 0
        for dec in decoders {
            dec.receive(logits + first * v)
            first += dec.beams
        }
    }
}

/// Buffers of the cross-segment decode step (input rows, logits, the backbone's row scratch).
public final class GPTBatchScratch {
    let x = ScratchBuffer(count: 1)      // rows · D
    let logits = ScratchBuffer(count: 1) // rows · V
    let step = GPT2StepScratch()

    public init() {}

    func reserve(rows: Int, width: Int, vocab: Int) {
        x.reserve(rows * width)
        logits.reserve(rows * vocab)
    }
}
