// Chapter → paragraphs → sentences → (clauses of over-long sentences) → segments with stable keys.
//
// Keys are "chapter.index": the heading is N.0, body segments count from 1 within the chapter, so editing
// one chapter never changes another chapter's keys. Fragments with fewer than `mergeWordsBelow` words join
// a neighbour: the previous segment of their paragraph, else the next one; a paragraph that is a lone
// fragment joins the previous body segment of the chapter (or the next one) unless a scene break lies
// between. The merged segment keeps the earlier part's paragraph and line, and the later part's boundary.
import Foundation

enum ChapterSegmenter {
    private struct Piece {
        var text: String
        var paragraph: Int
        var line: Int
        var boundary: Boundary
        var words: Int
    }

    static func segment(_ source: SourceChapter, number: Int, bookTitle: String, options: SegmenterOptions) -> Chapter {
        var pieces: [Piece] = []
        for (p, para) in source.paragraphs.enumerated() {
            var paraPieces = splitParagraph(para, paragraph: p + 1, options: options)
            guard !paraPieces.isEmpty else { continue }
            paraPieces[paraPieces.count - 1].boundary = para.sceneBreakAfter ? .scene : .paragraph
            mergeWithinParagraph(&paraPieces, minWords: options.mergeWordsBelow)
            pieces += paraPieces
        }
        mergeLoneParagraphs(&pieces, minWords: options.mergeWordsBelow)
        if !pieces.isEmpty { pieces[pieces.count - 1].boundary = .chapter }

        var segments: [Segment] = []
        var title = bookTitle
        var sourceParts: [String] = []
        if let heading = source.heading {
            let text = heading.text.collapsingWhitespace
            sourceParts.append(heading.text)
            if text.hasSpeakableText {
                title = text
                segments.append(Segment(chapter: number, index: 0, paragraph: 0, text: text,
                                        boundary: pieces.isEmpty ? .chapter : .paragraph, sourceLine: heading.line))
            } else {
                title = "Chapter \(number)"
            }
        }
        for (i, piece) in pieces.enumerated() {
            segments.append(Segment(chapter: number, index: i + 1, paragraph: piece.paragraph, text: piece.text,
                                    boundary: piece.boundary, sourceLine: piece.line))
        }
        sourceParts += source.paragraphs.map(\.text)
        return Chapter(index: number, title: title, segments: segments, sourceText: sourceParts.joined(separator: "\n\n"))
    }

    private static func splitParagraph(_ para: SourceParagraph, paragraph: Int, options: SegmenterOptions) -> [Piece] {
        let chars = Array(para.text)
        var out: [Piece] = []
        var line = para.line
        var scanned = 0
        for sentence in SentenceSplitter.split(chars) {
            let clauses = ClauseSplitter.split(chars, sentence, maxCharacters: options.maxCharacters,
                                               minWords: max(options.mergeWordsBelow, 1))
            for (k, clause) in clauses.enumerated() {
                let text = String(chars[clause]).collapsingWhitespace
                guard !text.isEmpty else { continue }
                // Line of the first non-blank character: paragraph line + newlines before it.
                var first = clause.lowerBound
                while chars[first].isWhitespace { first += 1 }
                for ch in chars[scanned..<first] where ch.isNewline { line += 1 }
                scanned = first
                out.append(Piece(text: text, paragraph: paragraph, line: line,
                                 boundary: k == clauses.count - 1 ? .sentence : .clause,
                                 words: ClauseSplitter.wordCount(Array(text), 0..<text.count)))
            }
        }
        return out
    }

    private static func merge(_ a: Piece, _ b: Piece) -> Piece {
        Piece(text: a.text + " " + b.text, paragraph: a.paragraph, line: a.line, boundary: b.boundary,
              words: a.words + b.words)
    }

    private static func mergeWithinParagraph(_ pieces: inout [Piece], minWords: Int) {
        var i = 0
        while pieces.count > 1, i < pieces.count {
            guard pieces[i].words < minWords else { i += 1; continue }
            if i > 0 {
                pieces[i - 1] = merge(pieces[i - 1], pieces[i])
                pieces.remove(at: i)
            } else {
                pieces[1] = merge(pieces[0], pieces[1])
                pieces.remove(at: 0)
            }
        }
    }

    private static func mergeLoneParagraphs(_ pieces: inout [Piece], minWords: Int) {
        var i = 0
        while pieces.count > 1, i < pieces.count {
            guard pieces[i].words < minWords else { i += 1; continue }
            if i > 0, pieces[i - 1].boundary != .scene {
                pieces[i - 1] = merge(pieces[i - 1], pieces[i])
                pieces.remove(at: i)
            } else if i + 1 < pieces.count, pieces[i].boundary != .scene {
                pieces[i + 1] = merge(pieces[i], pieces[i + 1])
                pieces.remove(at: i)
            } else {
                i += 1
            }
        }
    }
}
