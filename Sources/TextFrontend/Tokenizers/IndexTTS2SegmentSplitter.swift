// IndexTTS2's segmentation of a token sequence (indextts.utils.front.TextTokenizer.split_segments and
// split_segments_by_token), kept behaviour-for-behaviour, quirks included:
//  * a chunk is flushed through a recursive split on commas as soon as it holds "," or "▁,", and
//    (when not already splitting on "-") on "-";
//  * a sentence terminator flushes a chunk of more than 2 tokens; a following "'" / "▁'" token is
//    appended to it AND, since Python's `i += 1` inside a for-range has no effect, also starts the
//    next chunk (the quote appears twice);
//  * a chunk longer than the limit is cut into limit-sized slices;
//  * finally adjacent segments are merged left to right while the merged length stays ≤ the limit
//    (once more than `quickStreamingTokens` tokens have been seen) or ≤ half the limit.
import Foundation
import Logging

public enum IndexTTS2SegmentSplitter {
    private static let logger = Logger(label: "bookvox.textfrontend.indextts2-segments")

    /// TextTokenizer.punctuation_marks_tokens.
    public static let sentenceTerminators: [String] = [".", "!", "?", "▁.", "▁?", "▁..."]

    public static func splitSegments(_ tokens: [String], maxTokens: Int = 120, quickStreamingTokens: Int = 0) -> [[String]] {
        splitByToken(tokens, splitTokens: sentenceTerminators, maxTokens: maxTokens,
                     quickStreamingTokens: quickStreamingTokens)
    }

    public static func splitByToken(_ tokens: [String], splitTokens: [String], maxTokens: Int,
                                    quickStreamingTokens: Int = 0) -> [[String]] {
        if tokens.isEmpty { return [] }
        let splitsOnComma = splitTokens.contains(",") || splitTokens.contains("▁,")
        let splitsOnDash = splitTokens.contains("-")
        var segments: [[String]] = []
        var current: [String] = []
        var currentLength = 0
        for i in 0..<tokens.count {
            let token = tokens[i]
            current.append(token)
            currentLength += 1
            let sub: [[String]]
            if !splitsOnComma && (current.contains(",") || current.contains("▁,")) {
                sub = splitByToken(current, splitTokens: [",", "▁,"], maxTokens: maxTokens,
                                   quickStreamingTokens: quickStreamingTokens)
            } else if !splitsOnDash && current.contains("-") {
                sub = splitByToken(current, splitTokens: ["-"], maxTokens: maxTokens,
                                   quickStreamingTokens: quickStreamingTokens)
            } else if currentLength <= maxTokens {
                if splitTokens.contains(token) && currentLength > 2 {
                    if i < tokens.count - 1 && (tokens[i + 1] == "'" || tokens[i + 1] == "▁'") {
                        current.append(tokens[i + 1])
                    }
                    segments.append(current)
                    current = []
                    currentLength = 0
                }
                continue
            } else {
                var slices: [[String]] = []
                var j = 0
                while j < current.count {
                    slices.append(Array(current[j..<min(j + maxTokens, current.count)]))
                    j += maxTokens
                }
                logger.warning("segment of \(current.count) tokens exceeds the limit of \(maxTokens); cut by length")
                sub = slices
            }
            segments.append(contentsOf: sub)
            current = []
            currentLength = 0
        }
        if currentLength > 0 { segments.append(current) }

        var merged: [[String]] = []
        var totalTokens = 0
        for segment in segments {
            totalTokens += segment.count
            if segment.isEmpty { continue }
            guard let last = merged.last else {
                merged.append(segment)
                continue
            }
            if last.count + segment.count <= maxTokens && totalTokens > quickStreamingTokens {
                merged[merged.count - 1] = last + segment
            } else if Double(last.count + segment.count) <= Double(maxTokens) / 2 {
                merged[merged.count - 1] = last + segment
            } else {
                merged.append(segment)
            }
        }
        return merged
    }
}
