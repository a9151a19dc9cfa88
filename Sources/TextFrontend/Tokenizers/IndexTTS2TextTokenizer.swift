// IndexTTS2 text tokenizer: the steps of indextts.utils.front.TextTokenizer after text normalization.
//   encode(text): empty → []; a text whose Python-stripped length is 1 goes to SentencePiece as is;
//   otherwise tokenize_by_CJK_char (indextts.utils.common): strip, isolate every CJK character,
//   strip and upper-case each part, join with single spaces; then SentencePiece (bpe.model).
// TextNormalizer is passed in as a closure so that it runs exactly where the original runs it (after the
// single-character check): `IndexTTS2TextNormalizer.normalizer(language:)`; without one the text is used as is.
import Foundation

public final class IndexTTS2TextTokenizer: Sendable {
    public let sentencePiece: SentencePieceTokenizer

    public convenience init(modelPath: String) throws {
        self.init(sentencePiece: try SentencePieceTokenizer(modelPath: modelPath))
    }

    public init(sentencePiece: SentencePieceTokenizer) {
        self.sentencePiece = sentencePiece
    }

    /// The string TextTokenizer.encode hands to SentencePiece, or nil for empty input. `normalizer` stands for
    /// TextTokenizer's TextNormalizer; like the original it is skipped for texts whose stripped length is 1.
    public func preprocess(_ text: String, normalizer: ((String) -> String)? = nil) -> String? {
        if text.isEmpty { return nil }
        if PythonText.strip(text).unicodeScalars.count == 1 { return text }
        return Self.tokenizeByCJKChar(normalizer.map { $0(text) } ?? text)
    }

    /// Token ids (TextTokenizer.encode(text), out_type=int).
    public func encode(_ text: String, normalizer: ((String) -> String)? = nil) -> [Int] {
        guard let input = preprocess(text, normalizer: normalizer) else { return [] }
        return sentencePiece.encode(input)
    }

    /// Token pieces (TextTokenizer.tokenize(text)), as infer_v2 uses them before split_segments.
    public func tokenize(_ text: String, normalizer: ((String) -> String)? = nil) -> [String] {
        guard let input = preprocess(text, normalizer: normalizer) else { return [] }
        return sentencePiece.pieces(input)
    }

    /// TextTokenizer.convert_tokens_to_ids: PieceToId for each piece (unknown pieces → unk id).
    public func convertTokensToIDs(_ tokens: [String]) -> [Int] {
        tokens.map { sentencePiece.pieceToID($0) }
    }

    /// TextTokenizer.split_segments: sentence-level segments of at most `maxTokens` tokens.
    public func splitSegments(_ tokens: [String], maxTokens: Int = 120, quickStreamingTokens: Int = 0) -> [[String]] {
        IndexTTS2SegmentSplitter.splitSegments(tokens, maxTokens: maxTokens, quickStreamingTokens: quickStreamingTokens)
    }

    /// What infer_v2 feeds the GPT per segment: tokenize → split_segments → convert_tokens_to_ids.
    public func segmentIDs(_ text: String, maxTokens: Int = 120, quickStreamingTokens: Int = 0,
                           normalizer: ((String) -> String)? = nil) -> [[Int]] {
        splitSegments(tokenize(text, normalizer: normalizer), maxTokens: maxTokens, quickStreamingTokens: quickStreamingTokens)
            .map(convertTokensToIDs)
    }

    /// SentencePiece decoding of ids (without de_tokenized_by_CJK_char's re-spacing).
    public func decode(_ ids: [Int]) -> String { sentencePiece.decode(ids) }

    // MARK: - tokenize_by_CJK_char

    /// True for the code points of tokenize_by_CJK_char's CJK_RANGE_PATTERN.
    public static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x11FF, 0x2E80...0xA4CF, 0xA840...0xD7AF, 0xF900...0xFAFF, 0xFE30...0xFE4F,
             0xFF65...0xFFDC, 0x20000...0x2FFFF:
            return true
        default:
            return false
        }
    }

    /// tokenize_by_CJK_char(line, do_upper_case=True).
    public static func tokenizeByCJKChar(_ line: String) -> String {
        let scalars = Array(line.unicodeScalars)
        var out: [UInt8] = []
        out.reserveCapacity(line.utf8.count + scalars.count)
        // Appends " " + part.strip().upper() for non-empty stripped parts (the join of the original).
        func emit(_ lo: Int, _ hi: Int) {
            var a = lo, b = hi
            while a < b && PythonText.isSpace(scalars[a]) { a += 1 }
            while b > a && PythonText.isSpace(scalars[b - 1]) { b -= 1 }
            guard a < b else { return }
            if !out.isEmpty { out.append(0x20) }
            for k in a..<b { PythonText.appendUpper(scalars[k], to: &out) }
        }
        var partStart = 0
        for (i, s) in scalars.enumerated() where isCJK(s) {
            emit(partStart, i)
            emit(i, i + 1)
            partStart = i + 1
        }
        emit(partStart, scalars.count)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Python str semantics the IndexTTS2 front end relies on.
enum PythonText {
    /// str.isspace() for one code point: bidi class WS, B or S, or category Zs.
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// str.strip() with no argument.
    static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }

    /// str.upper() of one code point (full Unicode upper-case mapping, e.g. ß → SS), appended as UTF-8.
    @inline(__always)
    static func appendUpper(_ s: Unicode.Scalar, to out: inout [UInt8]) {
        if s.isASCII {
            let v = UInt8(s.value)
            out.append(v >= 0x61 && v <= 0x7A ? v - 32 : v)
        } else if s.properties.changesWhenUppercased {
            out.append(contentsOf: s.properties.uppercaseMapping.utf8)
        } else {
            UTF8.encode(s) { out.append($0) }
        }
    }
}
