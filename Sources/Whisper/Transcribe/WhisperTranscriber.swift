// openai-whisper transcribe.py transcribe(): the log-mel of the audio with 30 s of zeros appended; the language
// (given, English for English-only models, else detected on the first 30 s); then window by window from `seek`:
// the content frames of the window padded with zeros to 3000, decode_with_fallback with the previous text as the
// prompt, the no-speech skip, segments cut at consecutive timestamp tokens (seek moves to the last timestamp, or past
// the window after a single timestamp ending / without timestamps), word timestamps (seek moves to the last word's
// end), the hallucination-silence heuristics when a threshold is set, empty or instantaneous segments cleared, and
// the prompt reset after a decode hotter than 0.5. Temperature > 0 draws from one SeededRNG seeded by options.seed.
import AudioDSP
import Foundation
import Neural
import Tensors

/// Observes internals of a transcription (parity checks); every callback is optional.
public struct WhisperTranscribeTrace {
    public var window: ((_ seek: Int, _ mel: Tensor, _ features: Tensor, _ options: WhisperDecodingOptions) -> Void)?
    public var alignment: ((WhisperAlignmentTrace) -> Void)?
    public init() {}
}

extension WhisperModel {
    /// transcribe() of mono audio at any sample rate (resampled to 16 kHz with soxr).
    public func transcribe(audio: AudioBuffer, options: WhisperTranscribeOptions = WhisperTranscribeOptions()) throws -> WhisperTranscript {
        let resampled = try Resampler.resample(audio, to: WhisperLogMel.sampleRate)
        return try transcribe(samples16k: resampled.samples, options: options)
    }

    /// transcribe() of 16 kHz mono samples.
    public func transcribe(samples16k audio: [Float], options: WhisperTranscribeOptions = WhisperTranscribeOptions(),
                           trace: WhisperTranscribeTrace = WhisperTranscribeTrace()) throws -> WhisperTranscript {
        guard !audio.isEmpty else { throw WhisperError.input("no audio to transcribe (0 samples)") }
        let nFrames = WhisperLogMel.chunkFrames, hop = WhisperLogMel.hopLength, sr = WhisperLogMel.sampleRate
        let mel = try frontEnd.compute(audio, padding: WhisperLogMel.chunkSamples)
        let contentFrames = mel.frameCount - nFrames
        let contentDuration = Double(contentFrames * hop) / Double(sr)
        var decodeOptions = options.decode
        var rng = SeededRNG(seed: options.seed)

        if decodeOptions.language == nil {
            if !tokenizer.isMultilingual {
                decodeOptions.language = "en"
            } else {
                let features = try encode(mel: mel.frames(start: 0, count: nFrames))
                decodeOptions.language = try detectLanguage(audioFeatures: features).code
            }
        }
        let language = decodeOptions.language!
        let task = decodeOptions.task
        let wordLanguage: String? = tokenizer.isMultilingual ? language : nil // get_tokenizer drops it for .en
        let sotSequence = try tokenizer.sotSequence(language: language, task: task)

        var seekPoints = options.clipTimestamps.map { Int(($0 * 100).rounded(.toNearestOrEven)) }
        if seekPoints.isEmpty { seekPoints.append(0) }
        if seekPoints.count % 2 == 1 { seekPoints.append(contentFrames) }
        let seekClips = stride(from: 0, to: seekPoints.count, by: 2).map { (seekPoints[$0], seekPoints[$0 + 1]) }
        let punctuation = "\"'“¿([{-\"'.。,，!！?？:：”)]}、"

        var clipIndex = 0
        var seek = seekClips[0].0
        let inputStride = nFrames / config.maxSourcePositions // mel frames per audio position: 2
        let timePrecision = Double(inputStride * hop) / Double(sr) // 0.02 s
        var allTokens: [Int] = []
        var allSegments: [WhisperSegment] = []
        var windows: [WhisperWindow] = []
        var promptResetSince = 0
        var remainingPromptLength = config.maxTargetPositions / 2 - 1
        var initialPromptTokens: [Int] = []
        if let p = options.initialPrompt {
            initialPromptTokens = tokenizer.encode(" " + PythonText.strip(p))
            allTokens += initialPromptTokens
            remainingPromptLength -= initialPromptTokens.count
        }
        var lastSpeechTimestamp = 0.0
        let fallback = options.fallback
        var iterations = 0

        while clipIndex < seekClips.count {
            iterations += 1
            if iterations > 10 * (contentFrames + 10) {
                throw WhisperError.input("transcribe made no progress (seek \(seek) of \(contentFrames) frames)")
            }
            let (clipStart, clipEnd) = seekClips[clipIndex]
            if seek < clipStart { seek = clipStart }
            if seek >= clipEnd {
                clipIndex += 1
                if clipIndex < seekClips.count { seek = seekClips[clipIndex].0 }
                continue
            }
            let timeOffset = Double(seek * hop) / Double(sr)
            let windowEndTime = Double((seek + nFrames) * hop) / Double(sr)
            let segmentSize = min(nFrames, contentFrames - seek, clipEnd - seek)
            let segmentDuration = Double(segmentSize * hop) / Double(sr)
            let melSegment = mel.frames(start: seek, count: segmentSize, paddedTo: nFrames)
            let features = try encode(mel: melSegment)

            if options.carryInitialPrompt {
                let ignored = max(initialPromptTokens.count, promptResetSince)
                let rest = Array(allTokens[min(ignored, allTokens.count)...])
                // rest[-remaining_prompt_length:] (Python: 0 keeps all, a negative length drops from the front)
                let r = remainingPromptLength
                decodeOptions.prompt = initialPromptTokens + (r > 0 ? Array(rest.suffix(r)) : Array(rest.dropFirst(-r)))
            } else {
                decodeOptions.prompt = Array(allTokens[promptResetSince...])
            }
            trace.window?(seek, melSegment, features, decodeOptions)
            let (result, tried) = try fallback.decode { t in
                var o = decodeOptions
                o.temperature = t
                if t == 0 { o.bestOf = nil } // best_of is dropped at temperature 0 (beam search is not ported)
                return try decode(audioFeatures: features, options: o, rng: &rng)
            }
            let tokens = result.tokens
            if fallback.shouldSkip(avgLogprob: result.avgLogprob, noSpeechProb: result.noSpeechProb) {
                windows.append(WhisperWindow(seek: seek, frames: segmentSize, temperaturesTried: tried, result: result, skippedAsSilence: true))
                seek += segmentSize
                continue
            }
            windows.append(WhisperWindow(seek: seek, frames: segmentSize, temperaturesTried: tried, result: result, skippedAsSilence: false))
            let previousSeek = seek
            var current: [WhisperSegment] = []

            func newSegment(start: Double, end: Double, tokens: [Int]) throws -> WhisperSegment {
                let text = try tokenizer.decode(tokens.filter { $0 < tokenizer.eot })
                return WhisperSegment(id: 0, seek: seek, start: start, end: end, text: text, tokens: tokens, temperature: result.temperature,
                                      avgLogprob: result.avgLogprob, compressionRatio: result.compressionRatio,
                                      noSpeechProb: result.noSpeechProb, words: nil)
            }

            let isTimestamp = tokens.map { $0 >= tokenizer.timestampBegin }
            let singleTimestampEnding = isTimestamp.count >= 2 && !isTimestamp[isTimestamp.count - 2] && isTimestamp[isTimestamp.count - 1]
            var consecutive: [Int] = []
            if tokens.count >= 2 { for k in 0..<(tokens.count - 1) where isTimestamp[k] && isTimestamp[k + 1] { consecutive.append(k + 1) } }
            if !consecutive.isEmpty {
                var slices = consecutive
                if singleTimestampEnding { slices.append(tokens.count) }
                var lastSlice = 0
                for currentSlice in slices {
                    let sliced = Array(tokens[lastSlice..<currentSlice])
                    let startPos = sliced[0] - tokenizer.timestampBegin
                    let endPos = sliced[sliced.count - 1] - tokenizer.timestampBegin
                    current.append(try newSegment(start: timeOffset + Double(startPos) * timePrecision,
                                                  end: timeOffset + Double(endPos) * timePrecision, tokens: sliced))
                    lastSlice = currentSlice
                }
                if singleTimestampEnding {
                    seek += segmentSize // no speech after the last timestamp
                } else {
                    seek += (tokens[lastSlice - 1] - tokenizer.timestampBegin) * inputStride // to the last timestamp
                }
            } else {
                var duration = segmentDuration
                let stamps = tokens.filter { $0 >= tokenizer.timestampBegin }
                if let last = stamps.last, last != tokenizer.timestampBegin {
                    duration = Double(last - tokenizer.timestampBegin) * timePrecision
                }
                current.append(try newSegment(start: timeOffset, end: timeOffset + duration, tokens: tokens))
                seek += segmentSize
            }

            if options.wordTimestamps {
                try addWordTimestamps(segments: &current, audioFeatures: features, numFrames: segmentSize, sotSequence: sotSequence,
                                      language: wordLanguage, prependPunctuations: options.prependPunctuations,
                                      appendPunctuations: options.appendPunctuations, lastSpeechTimestamp: lastSpeechTimestamp,
                                      trace: trace.alignment)
                if !singleTimestampEnding, let lastWordEnd = Self.lastEnd(current), lastWordEnd > timeOffset {
                    seek = Int((lastWordEnd * 100).rounded(.toNearestOrEven))
                }
                if let threshold = options.hallucinationSilenceThreshold {
                    if !singleTimestampEnding, let lastWordEnd = Self.lastEnd(current), lastWordEnd > timeOffset {
                        seek = windowEndTime - lastWordEnd > threshold ? Int((lastWordEnd * 100).rounded(.toNearestOrEven))
                                                                       : previousSeek + segmentSize
                    }
                    // If the first segment might be a hallucination, skip the leading silence.
                    if let first = current.first(where: { !($0.words ?? []).isEmpty }), Self.isSegmentAnomaly(first, punctuation) {
                        let gap = first.start - timeOffset
                        if gap > threshold {
                            seek = previousSeek + Int((gap * 100).rounded(.toNearestOrEven))
                            continue
                        }
                    }
                    // Skip silence before a possible hallucination surrounded by silence or more hallucinations.
                    var halLastEnd = lastSpeechTimestamp
                    var si = 0
                    while si < current.count {
                        let segment = current[si]
                        if (segment.words ?? []).isEmpty { si += 1; continue }
                        if Self.isSegmentAnomaly(segment, punctuation) {
                            let next = current[(si + 1)...].first { !($0.words ?? []).isEmpty }
                            let halNextStart = next?.words?.first?.start ?? (timeOffset + segmentDuration)
                            let silenceBefore = segment.start - halLastEnd > threshold || segment.start < threshold
                                || segment.start - timeOffset < 2.0
                            let silenceAfter = halNextStart - segment.end > threshold || (next.map { Self.isSegmentAnomaly($0, punctuation) } ?? false)
                                || windowEndTime - segment.end < 2.0
                            if silenceBefore && silenceAfter {
                                seek = Int((max(timeOffset + 1, segment.start) * 100).rounded(.toNearestOrEven))
                                if contentDuration - segment.end < threshold { seek = contentFrames }
                                current.removeSubrange(si...)
                                break
                            }
                        }
                        halLastEnd = segment.end
                        si += 1
                    }
                }
                if let lastWordEnd = Self.lastEnd(current) { lastSpeechTimestamp = lastWordEnd }
            }

            // An instantaneous segment, or one without text, is cleared.
            for i in current.indices where current[i].start == current[i].end || PythonText.strip(current[i].text).isEmpty {
                current[i].text = ""
                current[i].tokens = []
                current[i].words = []
            }
            for i in current.indices { current[i].id = allSegments.count + i }
            allSegments += current
            allTokens += current.flatMap(\.tokens)
            if !options.conditionOnPreviousText || result.temperature > 0.5 {
                promptResetSince = allTokens.count // no prompt after a high-temperature decode
            }
        }
        let text = try tokenizer.decode(Array(allTokens[initialPromptTokens.count...]))
        return WhisperTranscript(text: text, segments: allSegments, language: language, windows: windows)
    }

    /// utils.get_end: the end of the last word, else the last segment's end.
    static func lastEnd(_ segments: [WhisperSegment]) -> Double? {
        for s in segments.reversed() { if let w = s.words?.last { return w.end } }
        return segments.last?.end
    }

    /// word_anomaly_score summed over the first 8 non-punctuation words (is_segment_anomaly).
    static func isSegmentAnomaly(_ segment: WhisperSegment, _ punctuation: String) -> Bool {
        guard let all = segment.words, !all.isEmpty else { return false }
        let words = Array(all.filter { !PythonText.isSubstring($0.word, of: punctuation) }.prefix(8))
        var score = 0.0
        for w in words {
            let duration = w.end - w.start
            if w.probability < 0.15 { score += 1 }
            if duration < 0.133 { score += (0.133 - duration) * 15 }
            if duration > 2.0 { score += duration - 2.0 }
        }
        return score >= 3 || score + 0.01 >= Double(words.count)
    }
}
