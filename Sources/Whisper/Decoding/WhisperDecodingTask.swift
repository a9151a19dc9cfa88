// openai-whisper decoding.py DecodingTask for one audio: initial tokens ([<|startofprev|> + prompt[−(n_ctx/2 − 1):]]
// + sot_sequence [+ <|notimestamps|>] [+ prefix]), language detection when no language is given, the main loop
// (decoder with a KV cache; no-speech probability = softmax of the logits at <|startoftranscript|> on the first
// step; logit filters; GreedyDecoder: argmax at temperature 0, else a sample of softmax(logits / T) drawn from the
// explicit seeded RNG; sum of log-softmax of the picked tokens until EOT; stop at EOT or past n_ctx), then the
// tokens up to EOT, text = decode(tokens).strip(), avg_logprob = sum / (len + 1) and the compression ratio.
// best_of > 1 (temperature > 0) samples that many candidates one after another and keeps the best by
// MaximumLikelihoodRanker (sum_logprob / length, or the Google NMT length penalty). Beam search is not ported.
import Foundation
import Neural
import Tensors

struct WhisperDecodingTask {
    let model: WhisperModel
    let options: WhisperDecodingOptions
    let sotSequence: [Int]
    let initialTokens: [Int]
    let sampleBegin: Int
    let sotIndex: Int
    let sampleLength: Int
    let filters: [WhisperLogitFilter]

    init(model: WhisperModel, options: WhisperDecodingOptions) throws {
        try options.validate()
        let tok = model.tokenizer
        self.model = model
        self.options = options
        let nCtx = model.config.maxTargetPositions
        sampleLength = options.sampleLength ?? nCtx / 2
        var sot = try tok.sotSequence(language: options.language ?? "en", task: options.task)
        if options.withoutTimestamps { sot.append(tok.noTimestamps) }
        sotSequence = sot
        var tokens = sot
        if let prefix = options.prefix, !prefix.isEmpty {
            let maxPrefix = nCtx / 2 - sampleLength
            // prefix_tokens[-max_prefix_len:] (0 keeps everything, a negative length drops that many from the front)
            tokens += maxPrefix > 0 ? Array(prefix.suffix(maxPrefix)) : Array(prefix.dropFirst(-maxPrefix))
        }
        if let prompt = options.prompt, !prompt.isEmpty {
            tokens = [tok.sotPrev] + Array(prompt.suffix(nCtx / 2 - 1)) + tokens
        }
        initialTokens = tokens
        sampleBegin = tokens.count
        sotIndex = tokens.firstIndex(of: tok.sot)!
        var filters: [WhisperLogitFilter] = []
        if options.suppressBlank {
            filters.append(SuppressBlank(blank: tok.encode(" ") + [tok.eot], sampleBegin: sampleBegin))
        }
        // `if options.suppress_tokens:` — "-1" or a non-empty list adds the filter (with the special tokens every
        // such decode suppresses); an empty list adds none.
        var suppress: [Int]?
        switch options.suppressTokens {
        case .nonSpeech: suppress = tok.nonSpeechTokens
        case let .ids(ids): suppress = ids.isEmpty ? nil : ids
        case .none: suppress = nil
        }
        if var s = suppress {
            s += [tok.transcribe, tok.translate, tok.sot, tok.sotPrev, tok.sotLM, tok.noSpeech]
            filters.append(SuppressTokens(ids: Array(Set(s)).sorted()))
        }
        if !options.withoutTimestamps {
            let precision = Double(WhisperLogMel.chunkSeconds) / Double(model.config.maxSourcePositions)
            let maxInitial = options.maxInitialTimestamp.flatMap { $0 != 0 ? Int(($0 / precision).rounded(.toNearestOrEven)) : nil }
            filters.append(ApplyTimestampRules(eot: tok.eot, noTimestamps: tok.noTimestamps, timestampBegin: tok.timestampBegin,
                                               sampleBegin: sampleBegin, maxInitialTimestampIndex: maxInitial))
        }
        self.filters = filters
    }

    /// The suppress list this task applies (sorted), for checks against generation_config.json.
    var suppressList: [Int] { filters.compactMap { ($0 as? SuppressTokens)?.ids }.first ?? [] }

    func run(audioFeatures: Tensor, rng: inout SeededRNG) throws -> WhisperDecodingResult {
        let tok = model.tokenizer
        var tokens = initialTokens
        var language = options.language ?? "en"
        var languageProbs: [String: Double]?
        if options.language == nil {
            let detected = try model.detectLanguage(audioFeatures: audioFeatures)
            tokens[sotIndex + 1] = detected.token
            language = detected.code
            languageProbs = detected.probabilityByCode
        }
        let groups = options.temperature > 0 ? (options.bestOf ?? 1) : 1
        var candidates: [(tokens: [Int], sumLogprob: Float)] = []
        var noSpeechProb = Double.nan
        for g in 0..<groups {
            let (sampled, sum, noSpeech) = try mainLoop(audioFeatures: audioFeatures, tokens: tokens, rng: &rng)
            if g == 0 { noSpeechProb = noSpeech }
            var t = Array(sampled[sampleBegin...])
            if let end = t.firstIndex(of: tok.eot) { t = Array(t[..<end]) }
            candidates.append((t, sum))
        }
        let scores = candidates.map { c -> Double in
            let length = Double(c.tokens.count)
            let penalty = options.lengthPenalty.map { pow((5 + length) / 6, $0) } ?? length
            return Double(c.sumLogprob) / penalty
        }
        var best = 0
        for i in scores.indices where scores[i] > scores[best] { best = i }
        let chosen = candidates[best]
        let text = PythonText.strip(try tok.decode(chosen.tokens))
        return WhisperDecodingResult(
            language: language, languageProbs: languageProbs, tokens: chosen.tokens, text: text,
            avgLogprob: Double(chosen.sumLogprob) / Double(chosen.tokens.count + 1), noSpeechProb: noSpeechProb,
            temperature: options.temperature, compressionRatio: try CompressionRatio.of(text))
    }

    /// One candidate: the tokens (initial tokens included), the summed log probability, the no-speech probability.
    private func mainLoop(audioFeatures: Tensor, tokens initial: [Int], rng: inout SeededRNG) throws
        -> (tokens: [Int], sumLogprob: Float, noSpeechProb: Double) {
        let tok = model.tokenizer
        let decoder = model.decoder
        let nCtx = model.config.maxTargetPositions
        let state = decoder.makeState(audioFeatures: audioFeatures)
        var tokens = initial
        var sumLogprob: Float = 0
        var noSpeechProb = Double.nan
        for i in 0..<sampleLength {
            let input = i == 0 ? tokens : [tokens[tokens.count - 1]]
            let (hidden, _) = try decoder.forward(input, state: state)
            if i == 0 {
                noSpeechProb = Double(WhisperMath.softmax(decoder.logitsRow(hidden, row: sotIndex))[tok.noSpeech])
            }
            var logits = decoder.logitsRow(hidden, row: hidden.shape[0] - 1)
            for f in filters { f.apply(&logits, tokens: tokens) }
            let next: Int
            if options.temperature == 0 {
                next = WhisperMath.argmax(logits)
            } else {
                next = Self.sample(logits, temperature: Float(options.temperature), rng: &rng)
            }
            if tokens[tokens.count - 1] != tok.eot { sumLogprob += WhisperMath.logSoftmax(logits, at: next) }
            tokens.append(next)
            if next == tok.eot || tokens.count > nCtx { break }
        }
        return (tokens, sumLogprob, noSpeechProb)
    }

    /// A draw from softmax(logits / T) (torch.distributions.Categorical): inverse CDF of one uniform double.
    static func sample(_ logits: [Float], temperature: Float, rng: inout SeededRNG) -> Int {
        let probs = WhisperMath.softmax(logits.map { $0 / temperature })
        let u = rng.nextDouble()
        var acc = 0.0
        var last = 0
        for (i, p) in probs.enumerated() where p > 0 {
            acc += Double(p)
            last = i
            if u < acc { return i }
        }
        return last
    }
}
