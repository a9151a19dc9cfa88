// Chapter → paragraphs → sentences → (clauses of over-long sentences) → segments with stable keys.
//
// Keys are "chapter.index": the heading is N.0, body segments count from 1 within the chapter, so editing
// one chapter never changes another chapter's keys. Fragments with fewer than `mergeWordsBelow` words join
// a neighbour: the previous segment of their paragraph, else the next one; a paragraph that is a lone
// fragment joins the previous body segment of the chapter (or the next one) unless a scene break lies
// between. The merged segment keeps the earlier part's paragraph and line, and the later part's boundary.
//
// No segment is longer than `maxCharacters` (the segment limit): over-long sentences are split by
// `ClauseSplitter`, a merge that would pass the limit is not made, and a heading over the limit keeps its
// first piece as the N.0 segment (and chapter title) and reads the rest as the first body segments.
// Voices: every segment carries the voice that reads it (a passage's, else the chapter's; nil = the book's
// default). With a dialogue voice (SegmenterOptions.dialogueVoice), a paragraph without a passage voice is cut into
// runs of narration and quoted speech (DialogueSplitter) that are split into sentences each; speech is read by the
// dialogue voice. Fragments never merge across a change of voice, nor (from a paragraph cut into runs) into another
// paragraph. Without a cast nothing here changes a segment.
// Every step is linear in the chapter's length.
import Foundation

enum ChapterSegmenter {
    private struct Piece {
        var text: String
        var paragraph: Int
        var line: Int
        var boundary: Boundary
        var words: Int
        /// Characters in `text`.
        var length: Int
        var voice: String? = nil
        /// Its paragraph was cut into runs of narration and speech: its fragments never join another paragraph's.
        var inVoicedRuns = false
    }

    static func segment(_ source: SourceChapter, number: Int, bookTitle: String, options: SegmenterOptions) -> Chapter {
        let limit = max(options.maxCharacters, 1)
        var pieces: [Piece] = []
        for (p, para) in source.paragraphs.enumerated() {
            var paraPieces = splitParagraph(para, paragraph: p + 1, chapterVoice: source.voice, options: options)
            guard !paraPieces.isEmpty else { continue }
            paraPieces[paraPieces.count - 1].boundary = para.sceneBreakAfter ? .scene : .paragraph
            pieces += mergeFragments(paraPieces, minWords: options.mergeWordsBelow, limit: limit, keepScenes: false)
        }
        pieces = mergeFragments(pieces, minWords: options.mergeWordsBelow, limit: limit, keepScenes: true)
        if !pieces.isEmpty { pieces[pieces.count - 1].boundary = .chapter }

        var segments: [Segment] = []
        var title = bookTitle
        var sourceParts: [String] = []
        if let heading = source.heading {
            var parts = splitHeading(heading, limit: limit, minWords: max(options.mergeWordsBelow, 1))
            for k in parts.indices { parts[k].voice = heading.voice ?? source.voice }
            if !parts.isEmpty {
                sourceParts.append(heading.text)
                parts[parts.count - 1].boundary = pieces.isEmpty ? .chapter : .paragraph
                let first = parts[0]
                title = TagText.singleLine(first.text)
                segments.append(Segment(chapter: number, index: 0, paragraph: 0, text: first.text,
                                        boundary: first.boundary, sourceLine: heading.line, voice: first.voice))
                pieces = Array(parts.dropFirst()) + pieces
            } else {
                title = "Chapter \(number)"
            }
        }
        for (i, piece) in pieces.enumerated() {
            segments.append(Segment(chapter: number, index: i + 1, paragraph: piece.paragraph, text: piece.text,
                                    boundary: piece.boundary, sourceLine: piece.line, voice: piece.voice))
        }
        if let explicit = source.title.map(TagText.singleLine), !explicit.isEmpty { title = explicit }
        sourceParts += source.paragraphs.map(\.text)
        return Chapter(index: number, title: title, segments: segments, sourceText: sourceParts.joined(separator: "\n\n"))
    }

    /// The heading as one piece, or (over the limit) as clauses; empty when it has nothing to read.
    private static func splitHeading(_ heading: SourceParagraph, limit: Int, minWords: Int) -> [Piece] {
        let text = heading.text.collapsingWhitespace
        guard text.hasSpeakableText else { return [] }
        let length = text.count
        guard length > limit else {
            return [Piece(text: text, paragraph: 0, line: heading.line, boundary: .paragraph, words: 0, length: length)]
        }
        let chars = Array(heading.text)
        return ClauseSplitter(chars).split(0..<chars.count, maxCharacters: limit, minWords: minWords).compactMap { r in
            let t = String(chars[r]).collapsingWhitespace
            return t.isEmpty ? nil : Piece(text: t, paragraph: 0, line: heading.line, boundary: .clause, words: 0, length: t.count)
        }
    }

    private static func splitParagraph(_ para: SourceParagraph, paragraph: Int, chapterVoice: String?,
                                       options: SegmenterOptions) -> [Piece] {
        let chars = Array(para.text)
        let limit = max(options.maxCharacters, 1)
        var splitter: ClauseSplitter?
        var out: [Piece] = []
        var line = para.line
        var scanned = 0
        let voice = para.voice ?? chapterVoice
        guard let dialogue = options.dialogueVoice, para.voice == nil else {
            splitRun(chars, SentenceSplitter.split(chars), voice: voice, paragraph: paragraph, limit: limit, options: options,
                     splitter: &splitter, line: &line, scanned: &scanned, into: &out)
            return out
        }
        let runs = DialogueSplitter.runs(chars)
        for (r, run) in runs.enumerated() {
            let offset = run.range.lowerBound
            let sentences = SentenceSplitter.split(Array(chars[run.range])).map { ($0.lowerBound + offset)..<($0.upperBound + offset) }
            let before = out.count
            splitRun(chars, sentences, voice: run.isSpeech ? dialogue : voice, paragraph: paragraph, limit: limit,
                     options: options, splitter: &splitter, line: &line, scanned: &scanned, into: &out)
            // A run that stops mid-sentence (`“Hello,” she said.`) is followed by a clause pause, not a sentence's.
            if r + 1 < runs.count, out.count > before, !endsSentence(out[out.count - 1].text) {
                out[out.count - 1].boundary = .clause
            }
        }
        if runs.count > 1 { for k in out.indices { out[k].inVoicedRuns = true } }
        return out
    }

    /// Whether `text` ends with a sentence terminator (before any closing quotes or brackets).
    private static func endsSentence(_ text: String) -> Bool {
        guard let last = text.last(where: { !SentenceSplitter.closers.contains($0) && !$0.isWhitespace }) else { return false }
        return SentenceSplitter.terminators.contains(last) || CJKPunctuation.terminators.contains(last)
    }

    /// The pieces of `sentences` (ranges of `chars`), each over-long one split at clauses.
    private static func splitRun(_ chars: [Character], _ sentences: [Range<Int>], voice: String?, paragraph: Int, limit: Int,
                                 options: SegmenterOptions, splitter: inout ClauseSplitter?, line: inout Int,
                                 scanned: inout Int, into out: inout [Piece]) {
        for sentence in sentences {
            var clauses = [sentence]
            if sentence.count > limit {
                if splitter == nil { splitter = ClauseSplitter(chars) }
                clauses = splitter!.split(sentence, maxCharacters: limit, minWords: max(options.mergeWordsBelow, 1))
            }
            for (k, clause) in clauses.enumerated() {
                let text = String(chars[clause]).collapsingWhitespace
                guard !text.isEmpty else { continue }
                // Line of the first non-blank character: paragraph line + newlines before it.
                var first = clause.lowerBound
                while chars[first].isBlank { first += 1 }
                for ch in chars[scanned..<first] where ch.isNewline { line += 1 }
                scanned = first
                let textChars = Array(text)
                out.append(Piece(text: text, paragraph: paragraph, line: line,
                                 boundary: k == clauses.count - 1 ? .sentence : .clause,
                                 words: WordCounter.count(textChars, 0..<textChars.count), length: textChars.count,
                                 voice: voice))
            }
        }
    }

    /// The text between two merged pieces: a space, or nothing when the last word character of the first and
    /// the first of the second are CJK (which is written without spaces).
    private static func separator(_ a: Piece, _ b: Piece) -> String {
        guard let x = a.text.last(where: { $0.isLetter || $0.isNumber }),
              let y = b.text.first(where: { $0.isLetter || $0.isNumber }) else { return " " }
        return CJKPunctuation.isWordCharacter(x) && CJKPunctuation.isWordCharacter(y) ? "" : " "
    }

    private static func merge(_ a: Piece, _ b: Piece) -> Piece {
        let sep = separator(a, b)
        return Piece(text: a.text + sep + b.text, paragraph: a.paragraph, line: a.line, boundary: b.boundary,
                     words: a.words + b.words, length: a.length + sep.count + b.length, voice: a.voice,
                     inVoicedRuns: a.inVoicedRuns || b.inVoicedRuns)
    }

    /// One pass: a fragment joins the previous piece, else (none, a scene break between, or over the limit) the
    /// next one; a fragment that joined forward is looked at again as part of the merged piece. `keepScenes`:
    /// never merge across a scene break (between paragraphs; within one there is none).
    private static func mergeFragments(_ pieces: [Piece], minWords: Int, limit: Int, keepScenes: Bool) -> [Piece] {
        guard pieces.count > 1 else { return pieces }
        func fits(_ a: Piece, _ b: Piece) -> Bool {
            guard a.voice == b.voice, a.paragraph == b.paragraph || !(a.inVoicedRuns || b.inVoicedRuns) else { return false }
            return a.length + separator(a, b).count + b.length <= limit
        }
        var out: [Piece] = []
        out.reserveCapacity(pieces.count)
        var forward: Piece?
        for (i, piece) in pieces.enumerated() {
            var current = piece
            if let f = forward {
                forward = nil
                if fits(f, current) { current = merge(f, current) } else { out.append(f) }
            }
            guard current.words < minWords else { out.append(current); continue }
            if let last = out.last, !(keepScenes && last.boundary == .scene), fits(last, current) {
                out[out.count - 1] = merge(last, current)
            } else if i + 1 < pieces.count, !(keepScenes && current.boundary == .scene) {
                forward = current
            } else {
                out.append(current)
            }
        }
        return out
    }
}
