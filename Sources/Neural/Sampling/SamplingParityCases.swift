// Parity runners for the weight-free sampling cases:
//   indextts2/logits_processing — the processor lists of UnifiedVoice.inference_speech (greedy, sample,
//                                 beam, beam-sample) and the beam candidate selection;
//   qwen3tts/sampling            — the talker / sub-talker chains of Qwen3-TTS.
// Processor chains are built from the case config (class names and arguments as recorded).
import Foundation
import Tensors

enum SamplingParityCases {
    // MARK: helpers

    static func rows(_ c: ParityCase, _ name: String) throws -> [[Float]] {
        let t = try c.input(name)
        let width = t.shape.last ?? t.count
        let a = t.array
        if t.shape.count <= 1 { return [a] }
        return stride(from: 0, to: a.count, by: max(width, 1)).map { Array(a[$0..<($0 + width)]) }
    }

    static func intRows(_ c: ParityCase, _ name: String) throws -> [[Int]] {
        let raw = try c.rawInput(name)
        let a = raw.int64Array().map { Int($0) }
        guard raw.shape.count == 2 else { return [a] }
        let width = raw.shape[1]
        return (0..<raw.shape[0]).map { Array(a[($0 * width)..<(($0 + 1) * width)]) }
    }

    static func check(_ c: ParityCase, _ name: String, _ rows: [[Float]]) throws -> OutputReport {
        let shape = try c.expected(name).shape
        return try ParityCompare.check(c, output: name, got: Tensor(shape: shape, data: rows.flatMap { $0 }))
    }

    static func checkInts(_ c: ParityCase, _ name: String, _ values: [Int]) throws -> OutputReport {
        let shape = try c.expected(name).shape
        return try ParityCompare.check(c, output: name, gotInts: values.map(Int64.init), shape: shape)
    }

    static func number(_ v: Any?, _ key: String) throws -> Double {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        if let n = v as? NSNumber { return n.doubleValue }
        throw ParityError.config(key: key, reason: "missing or not a number")
    }

    static func requireNegInfFilter(_ spec: [String: Any], _ key: String) throws {
        guard let f = spec["filter_value"] else { return }
        let isNegInf = (f as? String) == "-inf" || ((try? number(f, key)) == -.infinity)
        if !isNegInf { throw ParityError.config(key: key, reason: "filter_value \(f) unsupported (only -inf)") }
    }

    /// A processor from a recorded `{"class": ..., args}` entry.
    static func processor(_ spec: [String: Any], key: String) throws -> any LogitsProcessor {
        guard let cls = spec["class"] as? String else { throw ParityError.config(key: key, reason: "entry without 'class'") }
        let keep = (spec["min_tokens_to_keep"] as? Int) ?? 1
        switch cls {
        case "RepetitionPenaltyLogitsProcessor": return try RepetitionPenalty(number(spec["penalty"], key + ".penalty"))
        case "TemperatureLogitsWarper": return try Temperature(number(spec["temperature"], key + ".temperature"))
        case "TopKLogitsWarper":
            try requireNegInfFilter(spec, key)
            return try TopK(Int(number(spec["top_k"], key + ".top_k")), minTokensToKeep: keep)
        case "TopPLogitsWarper":
            try requireNegInfFilter(spec, key)
            return try TopP(number(spec["top_p"], key + ".top_p"), minTokensToKeep: keep)
        default:
            throw ParityError.config(key: key, reason: "processor class \(cls) not supported by this runner")
        }
    }

    // MARK: indextts2/logits_processing

    static func logitsProcessing(_ c: ParityCase) throws -> [OutputReport] {
        guard let lists = c.config["processor_lists"] as? [String: [[String: Any]]] else {
            throw ParityError.config(key: "processor_lists", reason: "missing")
        }
        guard let gen = c.config["generation_infer_v2"] as? [String: Any] else {
            throw ParityError.config(key: "generation_infer_v2", reason: "missing")
        }
        let numBeams = Int(try number(gen["num_beams"], "generation_infer_v2.num_beams"))
        let eos = Int(try number(gen["eos_token_id"], "generation_infer_v2.eos_token_id"))
        func chain(_ mode: String) throws -> [any LogitsProcessor] {
            guard let l = lists[mode] else { throw ParityError.config(key: "processor_lists.\(mode)", reason: "missing") }
            return try l.enumerated().map { try processor($0.element, key: "processor_lists.\(mode)[\($0.offset)]") }
        }
        var reports: [OutputReport] = []

        // Single sequence: processors act on the raw logits.
        let logits = try rows(c, "logits")
        let ids = try intRows(c, "input_ids")
        let greedy = try zip(logits, ids).map { try SequenceStep.greedy(logits: $0, history: $1, processors: LogitsProcessorList(chain("num_beams=1,do_sample=False"))) }
        reports.append(try check(c, "greedy_scores", greedy.map(\.scores)))
        reports.append(try checkInts(c, "greedy_next_token", greedy.map(\.token)))

        let sampleChain = try chain("num_beams=1,do_sample=True")
        let sampleNames = ["sample_after_rep_penalty", "sample_after_temperature", "sample_after_top_k", "sample_after_top_p"]
        guard sampleChain.count == sampleNames.count else {
            throw ParityError.config(key: "processor_lists.num_beams=1,do_sample=True", reason: "expected \(sampleNames.count) processors")
        }
        let traces = try zip(logits, ids).map { try LogitsProcessorList(sampleChain).trace($0, history: $1) }
        for (k, name) in sampleNames.enumerated() { reports.append(try check(c, name, traces.map { $0[k] })) }
        reports.append(try check(c, "sample_probs", traces.map { Logits.softmax($0.last!) }))

        // Beams: processors act on log_softmax, then the running beam scores are added.
        let beamLogits = try rows(c, "beam_logits")
        let beamIds = try intRows(c, "beam_input_ids")
        let beamScores = try c.input("beam_scores").array
        guard beamLogits.count == numBeams, beamIds.count == numBeams, beamScores.count == numBeams else {
            throw ParityError.config(key: "num_beams", reason: "\(numBeams) beams but inputs have \(beamLogits.count) rows")
        }
        let logProbs = beamLogits.map(Logits.logSoftmax)
        reports.append(try check(c, "beam_log_softmax", logProbs))
        let beamChain = LogitsProcessorList(try chain("num_beams=\(numBeams),do_sample=False"))
        var processed = logProbs
        for b in 0..<numBeams { try beamChain.process(&processed[b], history: beamIds[b]) }
        reports.append(try check(c, "beam_after_rep_penalty", processed))
        let flat = (0..<numBeams).flatMap { b in processed[b].map { $0 + beamScores[b] } }
        reports.append(try check(c, "beam_next_token_scores", [flat]))
        let config = BeamSearchConfig(numBeams: numBeams, eosTokenIds: [eos], padTokenId: eos, maxLength: .max, doSample: false)
        let top = Logits.topK(flat, config.candidatesPerStep)
        let vocab = beamLogits[0].count
        reports.append(try check(c, "beam_topk_scores", [top.values]))
        reports.append(try checkInts(c, "beam_topk_beam_index", top.indices.map { $0 / vocab }))
        reports.append(try checkInts(c, "beam_topk_token", top.indices.map { $0 % vocab }))

        let beamSampleChain = try chain("num_beams=\(numBeams),do_sample=True")
        let beamNames = ["beam_sample_after_rep_penalty", "beam_sample_after_temperature", "beam_sample_after_top_k", "beam_sample_after_top_p"]
        guard beamSampleChain.count == beamNames.count else {
            throw ParityError.config(key: "processor_lists.num_beams=\(numBeams),do_sample=True", reason: "expected \(beamNames.count) processors")
        }
        let beamTraces = try (0..<numBeams).map { try LogitsProcessorList(beamSampleChain).trace(logProbs[$0], history: beamIds[$0]) }
        for (k, name) in beamNames.enumerated() { reports.append(try check(c, name, beamTraces.map { $0[k] })) }
        let sampleFlat = (0..<numBeams).flatMap { b in beamTraces[b].last!.map { $0 + beamScores[b] } }
        reports.append(try check(c, "beam_sample_next_token_scores", [sampleFlat]))
        reports.append(try check(c, "beam_sample_probs", [Logits.softmax(sampleFlat)]))
        return reports
    }
}
