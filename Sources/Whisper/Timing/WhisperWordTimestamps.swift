// openai-whisper timing.py merge_punctuations and add_word_timestamps: the window's words from find_alignment,
// long words at sentence ends cut to twice the median word duration (median capped at 0.7 s), punctuation merged
// into neighbouring words, times offset by the window start and rounded to 0.01 s, the first/last words of each
// segment clipped against the segment's own timestamps (and the segment's start/end moved to its words).
import Foundation
import Tensors

enum WhisperWordTimestamps {
    /// Python's round(x, 2): the float64 rounded to 2 decimals (correctly rounded, ties to even).
    static func round2(_ x: Double) -> Double { Double(String(format: "%.2f", x))! }

    static func mergePunctuations(_ alignment: inout [WhisperWordTiming], prepended: String, appended: String) {
        guard alignment.count >= 2 else { return }
        var i = alignment.count - 2, j = alignment.count - 1
        while i >= 0 {
            let previous = alignment[i]
            if PythonText.startsWith(previous.word, " ") && PythonText.isSubstring(PythonText.strip(previous.word), of: prepended) {
                alignment[j].word = previous.word + alignment[j].word
                alignment[j].tokens = previous.tokens + alignment[j].tokens
                alignment[i].word = ""
                alignment[i].tokens = []
            } else {
                j = i
            }
            i -= 1
        }
        i = 0
        j = 1
        while j < alignment.count {
            let following = alignment[j]
            if !PythonText.endsWith(alignment[i].word, " ") && PythonText.isSubstring(following.word, of: appended) {
                alignment[i].word += following.word
                alignment[i].tokens += following.tokens
                alignment[j].word = ""
                alignment[j].tokens = []
            } else {
                i = j
            }
            j += 1
        }
    }

    /// numpy.median of a non-empty array.
    static func median(_ x: [Double]) -> Double {
        let s = x.sorted()
        let n = s.count
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
    }
}

extension WhisperModel {
    /// add_word_timestamps for the segments of one window (their `words` and possibly start/end are updated).
    func addWordTimestamps(segments: inout [WhisperSegment], audioFeatures: Tensor, numFrames: Int, sotSequence: [Int],
                           language: String?, prependPunctuations: String, appendPunctuations: String,
                           lastSpeechTimestamp: Double, trace: ((WhisperAlignmentTrace) -> Void)? = nil) throws {
        if segments.isEmpty { return }
        let eot = tokenizer.eot
        let textTokensPerSegment = segments.map { $0.tokens.filter { $0 < eot } }
        let textTokens = textTokensPerSegment.flatMap { $0 }
        var alignment = try findAlignment(textTokens: textTokens, audioFeatures: audioFeatures, numFrames: numFrames,
                                          sotSequence: sotSequence, language: language, trace: trace)
        let durations = alignment.map { $0.end - $0.start }.filter { $0 != 0 }
        let medianDuration = min(0.7, durations.isEmpty ? 0.0 : WhisperWordTimestamps.median(durations))
        let maxDuration = medianDuration * 2
        if !durations.isEmpty {
            let sentenceEndMarks = ".。!！?？"
            for i in 1..<max(alignment.count, 1) where alignment[i].end - alignment[i].start > maxDuration {
                if PythonText.isSubstring(alignment[i].word, of: sentenceEndMarks) {
                    alignment[i].end = alignment[i].start + maxDuration
                } else if PythonText.isSubstring(alignment[i - 1].word, of: sentenceEndMarks) {
                    alignment[i].start = alignment[i].end - maxDuration
                }
            }
        }
        WhisperWordTimestamps.mergePunctuations(&alignment, prepended: prependPunctuations, appended: appendPunctuations)

        let timeOffset = Double(segments[0].seek * WhisperLogMel.hopLength) / Double(WhisperLogMel.sampleRate)
        var wordIndex = 0
        var lastSpeech = lastSpeechTimestamp
        for s in segments.indices {
            let textCount = textTokensPerSegment[s].count
            var saved = 0
            var words: [WhisperWord] = []
            while wordIndex < alignment.count && saved < textCount {
                let timing = alignment[wordIndex]
                if !timing.word.isEmpty {
                    words.append(WhisperWord(word: timing.word, start: WhisperWordTimestamps.round2(timeOffset + timing.start),
                                             end: WhisperWordTimestamps.round2(timeOffset + timing.end), probability: timing.probability))
                }
                saved += timing.tokens.count
                wordIndex += 1
            }
            if !words.isEmpty {
                // The first and second word after a pause are no longer than twice the median word duration.
                if words[0].end - lastSpeech > medianDuration * 4
                    && (words[0].end - words[0].start > maxDuration
                        || (words.count > 1 && words[1].end - words[0].start > maxDuration * 2)) {
                    if words.count > 1 && words[1].end - words[1].start > maxDuration {
                        let boundary = max(words[1].end / 2, words[1].end - maxDuration)
                        words[0].end = boundary
                        words[1].start = boundary
                    }
                    words[0].start = max(0, words[0].end - maxDuration)
                }
                // Prefer the segment's start timestamp if the first word is too long.
                if segments[s].start < words[0].end && segments[s].start - 0.5 > words[0].start {
                    words[0].start = max(0, min(words[0].end - medianDuration, segments[s].start))
                } else {
                    segments[s].start = words[0].start
                }
                // Prefer the segment's end timestamp if the last word is too long.
                let last = words.count - 1
                if segments[s].end > words[last].start && segments[s].end + 0.5 < words[last].end {
                    words[last].end = max(words[last].start + medianDuration, segments[s].end)
                } else {
                    segments[s].end = words[last].end
                }
                lastSpeech = segments[s].end
            }
            segments[s].words = words
        }
    }
}
