// Parity runners of the Whisper target (cases under Tests/Fixtures/whisper, made by
// scripts/fixtures/whisper/generate_whisper_fixtures.py from openai-whisper 20250625 and transformers 4.57.3):
//   whisper/transcribe       a model directory in the HF layout (hf/): mel filters, log-mel, encoder output, prefix
//                            logits, language detection, a without-timestamps decode, transcribe() with word timestamps
//                            (windows, segments, tokens, times, words, text), the first DTW, tokenizer encodings.
//   whisper/fallback_rules   decode_with_fallback / no-speech skip decisions on scripted decode results.
//   whisper/text_normalizer  EnglishTextNormalizer and BasicTextNormalizer outputs.
import Foundation
import Neural
import Tensors

public enum WhisperParity {
    public static var cases: [String: ParityRunner] {
        ["whisper/transcribe": runTranscribe, "whisper/fallback_rules": runFallbackRules, "whisper/text_normalizer": runNormalizer]
    }

    // MARK: helpers

    static func utf8Ints(_ s: String) -> [Int64] { s.utf8.map { Int64($0) } }

    static func utf8Flat(_ strings: [String]) -> (data: [Int64], lengths: [Int64]) {
        (strings.flatMap(utf8Ints), strings.map { Int64($0.utf8.count) })
    }

    static func strings(_ c: ParityCase, data: String, lengths: String) throws -> [String] {
        let bytes = try c.inputInts(data).map { UInt8($0) }
        var out: [String] = [], at = 0
        for n in try c.inputInts(lengths).map(Int.init) {
            out.append(String(decoding: bytes[at..<(at + n)], as: UTF8.self))
            at += n
        }
        return out
    }

    static func ints(_ c: ParityCase, _ name: String, _ values: [Int]) throws -> OutputReport {
        try ParityCompare.check(c, output: name, gotInts: values.map(Int64.init), shape: [values.count])
    }

    static func floats(_ c: ParityCase, _ name: String, _ values: [Double]) throws -> OutputReport {
        try ParityCompare.check(c, output: name, got: Tensor(shape: [values.count], data: values.map(Float.init)))
    }

    static func texts(_ c: ParityCase, _ name: String, _ values: [String]) throws -> [OutputReport] {
        let (d, l) = utf8Flat(values)
        return [try ParityCompare.check(c, output: name + "_utf8", gotInts: d, shape: [d.count]),
                try ParityCompare.check(c, output: name + "_lengths", gotInts: l, shape: [l.count])]
    }

    struct TranscribeOptions: Decodable {
        var temperature: [Double]
        var compressionRatioThreshold: Double?
        var logprobThreshold: Double?
        var noSpeechThreshold: Double?
        var conditionOnPreviousText: Bool
        var wordTimestamps: Bool
        var prependPunctuations: String
        var appendPunctuations: String
        var language: String?
        var task: String
        var suppressTokens: String
        var suppressBlank: Bool
        var withoutTimestamps: Bool
        var maxInitialTimestamp: Double?
        var initialPrompt: String?
        var carryInitialPrompt: Bool
        var clipTimestamps: String
        var hallucinationSilenceThreshold: Double?

        enum CodingKeys: String, CodingKey {
            case temperature, compressionRatioThreshold = "compression_ratio_threshold", logprobThreshold = "logprob_threshold"
            case noSpeechThreshold = "no_speech_threshold", conditionOnPreviousText = "condition_on_previous_text"
            case wordTimestamps = "word_timestamps", prependPunctuations = "prepend_punctuations"
            case appendPunctuations = "append_punctuations", language, task, suppressTokens = "suppress_tokens"
            case suppressBlank = "suppress_blank", withoutTimestamps = "without_timestamps", maxInitialTimestamp = "max_initial_timestamp"
            case initialPrompt = "initial_prompt", carryInitialPrompt = "carry_initial_prompt", clipTimestamps = "clip_timestamps"
            case hallucinationSilenceThreshold = "hallucination_silence_threshold"
        }

        /// transcribe()'s clip_timestamps string → seconds.
        static func clips(_ s: String) throws -> [Double] {
            try (s.isEmpty ? [] : s.split(separator: ",", omittingEmptySubsequences: false)).map {
                guard let v = Double($0.trimmingCharacters(in: .whitespaces)) else {
                    throw ParityError.config(key: "clip_timestamps", reason: "'\($0)' is not a number")
                }
                return v
            }
        }

        var options: WhisperTranscribeOptions {
            get throws {
                var o = WhisperTranscribeOptions()
                o.temperatures = temperature
                o.compressionRatioThreshold = compressionRatioThreshold
                o.logprobThreshold = logprobThreshold
                o.noSpeechThreshold = noSpeechThreshold
                o.conditionOnPreviousText = conditionOnPreviousText
                o.wordTimestamps = wordTimestamps
                o.prependPunctuations = prependPunctuations
                o.appendPunctuations = appendPunctuations
                o.decode.language = language
                guard let t = WhisperTokenizer.Task(rawValue: task) else { throw ParityError.config(key: "task", reason: "unknown task \(task)") }
                o.decode.task = t
                guard suppressTokens == "-1" else { throw ParityError.config(key: "suppress_tokens", reason: "only \"-1\" is used by the cases") }
                o.decode.suppressTokens = .nonSpeech
                o.decode.suppressBlank = suppressBlank
                o.decode.withoutTimestamps = withoutTimestamps
                o.decode.maxInitialTimestamp = maxInitialTimestamp
                o.initialPrompt = initialPrompt
                o.carryInitialPrompt = carryInitialPrompt
                o.clipTimestamps = try Self.clips(clipTimestamps)
                o.hallucinationSilenceThreshold = hallucinationSilenceThreshold
                return o
            }
        }
    }

    /// config.alt_transcribe_options: keyword arguments that replace those of transcribe_options.
    struct AltTranscribeOptions: Decodable {
        var language: String?
        var task: String?
        var initialPrompt: String?
        var carryInitialPrompt: Bool?
        var conditionOnPreviousText: Bool?
        var clipTimestamps: String?
        var hallucinationSilenceThreshold: Double?

        enum CodingKeys: String, CodingKey {
            case language, task, initialPrompt = "initial_prompt", carryInitialPrompt = "carry_initial_prompt"
            case conditionOnPreviousText = "condition_on_previous_text", clipTimestamps = "clip_timestamps"
            case hallucinationSilenceThreshold = "hallucination_silence_threshold"
        }

        func applied(to base: WhisperTranscribeOptions) throws -> WhisperTranscribeOptions {
            var o = base
            if let l = language { o.decode.language = l }
            if let t = task {
                guard let task = WhisperTokenizer.Task(rawValue: t) else { throw ParityError.config(key: "task", reason: "unknown task \(t)") }
                o.decode.task = task
            }
            if let p = initialPrompt { o.initialPrompt = p }
            if let c = carryInitialPrompt { o.carryInitialPrompt = c }
            if let c = conditionOnPreviousText { o.conditionOnPreviousText = c }
            if let c = clipTimestamps { o.clipTimestamps = try TranscribeOptions.clips(c) }
            if let h = hallucinationSilenceThreshold { o.hallucinationSilenceThreshold = h }
            return o
        }
    }

    // MARK: whisper/transcribe

    static func runTranscribe(_ c: ParityCase) throws -> [OutputReport] {
        guard let dirName = c.config["model_dir"] as? String else { throw ParityError.config(key: "model_dir", reason: "missing") }
        let model = try WhisperModel.load(directory: c.directory.appendingPathComponent(dirName))
        let audio = try c.input("audio").array
        var reports: [OutputReport] = []
        let outputs = Set(c.outputNames)

        // Front end
        let fb = model.frontEnd.filterbank
        reports.append(try ParityCompare.check(c, output: "mel_filters", got: Tensor(shape: [fb.melCount, fb.binCount], data: fb.weightsFloat)))
        let mel = try model.logMel(audio, padding: WhisperLogMel.chunkSamples)
        let content = mel.frameCount - WhisperLogMel.chunkFrames
        reports.append(try ParityCompare.check(c, output: "mel", got: mel.frames(start: 0, count: content)))

        // Encoder and decoder on the first window
        let melSegment = mel.frames(start: 0, count: min(WhisperLogMel.chunkFrames, content), paddedTo: WhisperLogMel.chunkFrames)
        let features = try model.encode(mel: melSegment)
        reports.append(try ParityCompare.check(c, output: "encoder_output", got: features))
        let prefix = try c.inputInts("prefix_tokens").map(Int.init)
        let state = model.decoder.makeState(audioFeatures: features)
        let (hidden, _) = try model.decoder.forward(prefix, state: state)
        reports.append(try ParityCompare.check(c, output: "prefix_logits", got: model.decoder.logits(hidden)))

        if outputs.contains("language_token") {
            let detected = try model.detectLanguage(audioFeatures: try model.encode(mel: mel.frames(start: 0, count: WhisperLogMel.chunkFrames)))
            reports.append(try ints(c, "language_token", [detected.token]))
            reports.append(try floats(c, "language_probs", detected.probabilities.map { Double($0.probability) }))
        }

        // Without timestamps
        var rng = SeededRNG(seed: 0)
        var plain = WhisperDecodingOptions()
        plain.language = c.config["notimestamps_language"] as? String
        plain.withoutTimestamps = true
        let r = try model.decode(audioFeatures: features, options: plain, rng: &rng)
        reports += [try ints(c, "notimestamps.tokens", r.tokens), try floats(c, "notimestamps.avg_logprob", [r.avgLogprob]),
                    try floats(c, "notimestamps.no_speech_prob", [r.noSpeechProb]),
                    try ParityCompare.check(c, output: "notimestamps.text_utf8", gotInts: utf8Ints(r.text), shape: [r.text.utf8.count])]

        // transcribe(), with the case's options and with the variant options
        let base = try c.decodeConfig(TranscribeOptions.self, key: "transcribe_options").options
        reports += try checkTranscribe(c, model: model, audio: audio, options: base, prefix: "")
        let alt = try c.decodeConfig(AltTranscribeOptions.self, key: "alt_transcribe_options").applied(to: base)
        reports += try checkTranscribe(c, model: model, audio: audio, options: alt, prefix: "alt.")

        // Tokenizer
        let texts = try strings(c, data: "tok.text_utf8", lengths: "tok.text_lengths")
        let encoded = texts.map { model.tokenizer.encode($0) }
        reports.append(try ints(c, "tok.ids", encoded.flatMap { $0 }))
        reports.append(try ints(c, "tok.id_counts", encoded.map(\.count)))
        reports.append(try ints(c, "tok.non_speech_tokens", model.tokenizer.nonSpeechTokens))
        let suppress = try WhisperDecodingTask(model: model, options: WhisperDecodingOptions()).suppressList
        reports.append(try ints(c, "tok.suppress_tokens", suppress))
        // generation_config.json's published list must be the same (checked under the same tolerance rule).
        let want = try c.expected("tok.suppress_tokens")
        let published = model.generation.suppressTokens ?? []
        let fromConfig = ParityCompare.compare(name: "tok.suppress_tokens [generation_config.json]", got: published.map(Float.init),
                                               want: want.int64Array().map(Float.init), shapeGot: [published.count],
                                               shapeWant: want.shape, tolerance: Tolerance(atol: 0, rtol: 0, exact: true))
        reports.append(fromConfig)
        return reports
    }

    /// transcribe() outputs "<prefix>window0.*", "window_count", "window_prompt_lengths", "align0.*", "segments.*",
    /// "words.*", "text_utf8", "language_detected_utf8".
    static func checkTranscribe(_ c: ParityCase, model: WhisperModel, audio: [Float], options: WhisperTranscribeOptions,
                                prefix p: String) throws -> [OutputReport] {
        var prompts: [Int] = []
        var firstAlignment: WhisperAlignmentTrace?
        var trace = WhisperTranscribeTrace()
        trace.window = { _, _, _, o in prompts.append(o.prompt?.count ?? 0) }
        trace.alignment = { t in if firstAlignment == nil { firstAlignment = t } }
        let t = try model.transcribe(samples16k: audio, options: options, trace: trace)
        var reports: [OutputReport] = []
        let w0 = t.windows[0].result
        reports += [try ints(c, p + "window0.tokens", w0.tokens), try floats(c, p + "window0.avg_logprob", [w0.avgLogprob]),
                    try floats(c, p + "window0.no_speech_prob", [w0.noSpeechProb]),
                    try floats(c, p + "window0.compression_ratio", [w0.compressionRatio]),
                    try ParityCompare.check(c, output: p + "window0.text_utf8", gotInts: utf8Ints(w0.text), shape: [w0.text.utf8.count]),
                    try ints(c, p + "window_count", [t.windows.count]), try ints(c, p + "window_prompt_lengths", prompts)]
        if Set(c.outputNames).contains(p + "align0.dtw_cost") {
            guard let a = firstAlignment else { throw ParityError.config(key: p + "align0", reason: "the port ran no word alignment") }
            reports.append(try ParityCompare.check(c, output: p + "align0.dtw_cost",
                                                   got: Tensor(shape: [a.rows, a.columns], data: a.dtwInput.map(Float.init))))
            reports.append(try ints(c, p + "align0.text_indices", a.textIndices))
            reports.append(try ints(c, p + "align0.time_indices", a.timeIndices))
        }
        let segs = t.segments
        reports += [try ints(c, p + "segments.seek", segs.map(\.seek)), try floats(c, p + "segments.start", segs.map(\.start)),
                    try floats(c, p + "segments.end", segs.map(\.end)), try ints(c, p + "segments.token_counts", segs.map(\.tokens.count)),
                    try ints(c, p + "segments.tokens", segs.flatMap(\.tokens)),
                    try floats(c, p + "segments.temperature", segs.map(\.temperature)),
                    try floats(c, p + "segments.avg_logprob", segs.map(\.avgLogprob)),
                    try floats(c, p + "segments.compression_ratio", segs.map(\.compressionRatio)),
                    try floats(c, p + "segments.no_speech_prob", segs.map(\.noSpeechProb))]
        reports += try texts(c, p + "segments.text", segs.map(\.text))
        let words = segs.enumerated().flatMap { i, s in (s.words ?? []).map { (i, $0) } }
        reports += [try ints(c, p + "words.segment", words.map(\.0)), try floats(c, p + "words.start", words.map(\.1.start)),
                    try floats(c, p + "words.end", words.map(\.1.end)), try floats(c, p + "words.probability", words.map(\.1.probability))]
        reports += try texts(c, p + "words.text", words.map(\.1.word))
        reports.append(try ParityCompare.check(c, output: p + "text_utf8", gotInts: utf8Ints(t.text), shape: [t.text.utf8.count]))
        reports.append(try ParityCompare.check(c, output: p + "language_detected_utf8", gotInts: utf8Ints(t.language),
                                               shape: [t.language.utf8.count]))
        return reports
    }

    // MARK: whisper/fallback_rules

    struct ThresholdSet: Decodable {
        var compressionRatioThreshold: Double?
        var logprobThreshold: Double?
        var noSpeechThreshold: Double?
        enum CodingKeys: String, CodingKey {
            case compressionRatioThreshold = "compression_ratio_threshold", logprobThreshold = "logprob_threshold"
            case noSpeechThreshold = "no_speech_threshold"
        }
    }

    static func runFallbackRules(_ c: ParityCase) throws -> [OutputReport] {
        let temperatures = try c.decodeConfig([Double].self, key: "temperatures")
        let sets = try c.decodeConfig([ThresholdSet].self, key: "threshold_sets")
        // float64 inputs read exactly: the scripted values sit on the thresholds (2.4, −1.0, 0.6).
        let cr = try c.io.raw("in.compression_ratio")
        let crD = try doubles(cr), lpD = try doubles(c.io.raw("in.avg_logprob")), nsD = try doubles(c.io.raw("in.no_speech_prob"))
        let setIndex = try c.inputInts("threshold_set").map(Int.init)
        let width = cr.shape[1]
        var calls: [Int] = [], finals: [Double] = [], skipped: [Int] = []
        for (s, k) in setIndex.enumerated() {
            let f = WhisperFallback(temperatures: temperatures, compressionRatioThreshold: sets[k].compressionRatioThreshold,
                                    logprobThreshold: sets[k].logprobThreshold, noSpeechThreshold: sets[k].noSpeechThreshold)
            var call = 0
            let (result, tried) = try f.decode { t in
                defer { call += 1 }
                let i = s * width + call
                return WhisperDecodingResult(language: "en", languageProbs: nil, tokens: [], text: "x", avgLogprob: lpD[i],
                                             noSpeechProb: nsD[i], temperature: t, compressionRatio: crD[i])
            }
            calls.append(tried.count)
            finals.append(result.temperature)
            skipped.append(f.shouldSkip(avgLogprob: result.avgLogprob, noSpeechProb: result.noSpeechProb) ? 1 : 0)
        }
        return [try ints(c, "calls", calls), try floats(c, "final_temperature", finals), try ints(c, "skipped", skipped)]
    }

    /// A contiguous F64 tensor's values.
    static func doubles(_ t: RawTensor) throws -> [Double] {
        guard t.dtype == .f64 else { throw ParityError.config(key: "inputs", reason: "expected float64, found \(t.dtype)") }
        return (0..<t.count).map { t.bytes.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
    }

    // MARK: whisper/text_normalizer

    static func runNormalizer(_ c: ParityCase) throws -> [OutputReport] {
        guard let file = c.config["spelling_map"] as? String else { throw ParityError.config(key: "spelling_map", reason: "missing") }
        let english = try EnglishTextNormalizer(spellingFile: c.directory.appendingPathComponent(file))
        let inputs = try strings(c, data: "text_utf8", lengths: "text_lengths")
        var reports: [OutputReport] = []
        reports += try texts(c, "english", inputs.map(english.normalize))
        reports += try texts(c, "basic", inputs.map(BasicTextNormalizer().normalize))
        reports += try texts(c, "basic_remove_diacritics", inputs.map(BasicTextNormalizer(removeDiacritics: true).normalize))
        reports += try texts(c, "basic_split_letters", inputs.map(BasicTextNormalizer(splitLetters: true).normalize))
        return reports
    }
}
