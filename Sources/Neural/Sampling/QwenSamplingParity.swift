// Parity runner for qwen3tts/sampling: the talker chain (RepetitionPenalty, MinLength,
// MinNewTokensLength, SuppressTokens, Temperature, TopK [, TopP]) and the sub-talker chain
// (Temperature, TopK), built from the recorded processor order and the merged generate kwargs.
import Foundation

extension SamplingParityCases {
    static func qwenSampling(_ c: ParityCase) throws -> [OutputReport] {
        let cfg = c.config
        guard let merged = cfg["merged_generate_kwargs_recorded"] as? [String: Any],
              let extra = cfg["talker_extra"] as? [String: Any],
              let talkerOrder = cfg["talker_processors_in_order"] as? [String],
              let subOrder = cfg["subtalker_processors_in_order"] as? [String],
              let subParams = cfg["subtalker_processor_params"] as? [[String: Any]], subParams.count == subOrder.count else {
            throw ParityError.config(key: "<config>", reason: "needs merged_generate_kwargs_recorded, talker_extra, "
                + "talker_processors_in_order, subtalker_processors_in_order and matching subtalker_processor_params")
        }
        let eos = Int(try number(extra["eos_token_id"], "talker_extra.eos_token_id"))
        let vocab = Int(try number(extra["vocab_size"], "talker_extra.vocab_size"))
        let minNew = Int(try number(extra["min_new_tokens"], "talker_extra.min_new_tokens"))
        // The recorded rule is "range(vocab_size - 1024, vocab_size) minus eos".
        guard (extra["suppress_tokens"] as? String) == "range(vocab_size - 1024, vocab_size) minus eos" else {
            throw ParityError.config(key: "talker_extra.suppress_tokens", reason: "unknown rule \(extra["suppress_tokens"] ?? "nil")")
        }
        let suppressed = (max(0, vocab - 1024)..<vocab).filter { $0 != eos }

        // Talker chain, named by the output each processor produces.
        var talker: [(processor: any LogitsProcessor, output: String?)] = []
        for (i, cls) in talkerOrder.enumerated() {
            let key = "talker_processors_in_order[\(i)]"
            switch cls {
            case "RepetitionPenaltyLogitsProcessor":
                talker.append((try RepetitionPenalty(number(merged["repetition_penalty"], "merged.repetition_penalty")), "after_repetition_penalty"))
            case "MinLengthLogitsProcessor":
                // HF derives min_length = min_new_tokens because the prompt is passed as inputs_embeds.
                talker.append((MinLength(minNew, eosTokenIds: [eos]), nil))
            case "MinNewTokensLengthLogitsProcessor":
                talker.append((MinNewTokens(promptLength: 0, minNewTokens: minNew, eosTokenIds: [eos]), "after_min_length"))
            case "SuppressTokensLogitsProcessor":
                talker.append((SuppressTokens(suppressed), "after_suppress"))
            case "TemperatureLogitsWarper":
                talker.append((try Temperature(number(merged["temperature"], "merged.temperature")), "after_temperature"))
            case "TopKLogitsWarper":
                talker.append((try TopK(Int(number(merged["top_k"], "merged.top_k"))), "after_top_k"))
            default:
                throw ParityError.config(key: key, reason: "processor class \(cls) not supported by this runner")
            }
        }
        // Greedy (do_sample=False) stops before the first warper.
        let greedyCount = talker.firstIndex { $0.processor is Temperature || $0.processor is TopK } ?? talker.count

        var reports: [OutputReport] = []
        let logits = try rows(c, "talker_logits")[0]
        let histories = c.inputNames.filter { $0.hasSuffix(".history") }.map { String($0.dropLast(".history".count)) }.sorted()
        guard !histories.isEmpty else { throw ParityError.missingInput("<h>.history") }
        for h in histories {
            let history = try c.inputInts(h + ".history").map { Int($0) }
            var s = logits
            for (i, step) in talker.enumerated() {
                try step.processor.process(&s, history: history)
                if let out = step.output { reports.append(try check(c, "\(h).\(out)", [s])) }
                if i == greedyCount - 1 { reports.append(try checkInts(c, "\(h).greedy_token", [Logits.argmax(s)])) }
            }
            reports.append(try check(c, "\(h).probs", [Logits.softmax(s)]))
            // Non-default top-p extras, the value encoded in the output name.
            let prefix = "\(h).nondefault_top_p_"
            for name in c.outputNames where name.hasPrefix(prefix) && name.hasSuffix(".after_top_p") {
                let valueText = String(name.dropFirst(prefix.count).dropLast(".after_top_p".count))
                guard let p = Double(valueText) else { throw ParityError.config(key: name, reason: "cannot read top_p from the name") }
                var t = s
                try TopP(p).process(&t, history: history)
                reports.append(try check(c, name, [t]))
                reports.append(try check(c, "\(prefix)\(valueText).probs", [Logits.softmax(t)]))
            }
        }

        // Sub-talker: no history, no penalty.
        let sub = try subOrder.enumerated().map { i, cls -> any LogitsProcessor in
            var spec = subParams[i]
            spec["class"] = cls
            return try processor(spec, key: "subtalker_processor_params[\(i)]")
        }
        let subLogits = try rows(c, "subtalker_logits")[0]
        let subTrace = try LogitsProcessorList(sub).trace(subLogits, history: [])
        for (i, p) in sub.enumerated() {
            let out = p is Temperature ? "subtalker.after_temperature" : p is TopK ? "subtalker.after_top_k" : nil
            if let out { reports.append(try check(c, out, [subTrace[i]])) }
        }
        reports.append(try check(c, "subtalker.probs", [Logits.softmax(subTrace.last ?? subLogits)]))
        reports.append(try checkInts(c, "subtalker.greedy_token", [Logits.argmax(subLogits)]))

        // Ties at the top-k threshold all survive.
        let tieTrace = try LogitsProcessorList(sub).trace(try rows(c, "tie_logits")[0], history: [])
        guard let topKIndex = sub.firstIndex(where: { $0 is TopK }) else {
            throw ParityError.config(key: "subtalker_processors_in_order", reason: "no TopKLogitsWarper")
        }
        reports.append(try check(c, "tie.after_top_k", [tieTrace[topKIndex]]))
        return reports
    }
}
