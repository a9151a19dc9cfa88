// IndexTTS2 text tokenizer: the steps of indextts.utils.front.TextTokenizer after text normalization.
//   encode(text): empty → []; a text whose Python-stripped length is 1 goes to SentencePiece as is;
//   otherwise tokenize_by_CJK_char (indextts.utils.common): strip, isolate every CJK character,
//   strip and upper-case each part, join with single spaces; then SentencePiece (bpe.model).
// The input is expected to be the output of IndexTTS2's TextNormalizer (done elsewhere in TextFrontend).
import Foundation

public final class IndexTTS2TextTokenizer: Sendable {
    public let sentencePiece: SentencePieceTokenizer

    public convenience init(modelPath: String) throws {
        self.init(sentencePiece: try SentencePieceTokenizer(modelPath: modelPath))
    }

    public init(sentencePiece: SentencePieceTokenizer) {
        self.sentencePiece = sentencePiece
    }

    /// The string TextTokenizer.encode hands to SentencePiece, or nil for empty input.
    public func preprocess(_ text: String) -> String? {
        if text.isEmpty { return nil }
        if PythonText.strip(text).unicodeScalars.count == 1 { return text }
        return Self.tokenizeByCJKChar(text)
    }

    /// Token ids (TextTokenizer.encode(text), out_type=int).
    public func encode(_ text: String) -> [Int] {
        guard let input = preprocess(text) else { return [] }
        return sentencePiece.encode(input)
    }

    /// Token pieces (TextTokenizer.tokenize(text)), as infer_v2 uses them before split_segments.
    public func tokenize(_ text: String) -> [String] {
        guard let input = preprocess(text) else { return [] }
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
    public func segmentIDs(_ text: String, maxTokens: Int = 120, quickStreamingTokens: Int = 0) -> [[Int]] {
        splitSegments(tokenize(text), maxTokens: maxTokens, quickStreamingTokens: quickStreamingTokens)
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
        var parts: [String] = []
        var buffer = String.UnicodeScalarView()
        func flush() {
            let stripped = PythonText.strip(String(buffer))
            if !stripped.isEmpty { parts.append(PythonText.upper(stripped)) }
            buffer = String.UnicodeScalarView()
        }
        for s in PythonText.strip(line).unicodeScalars {
            if isCJK(s) {
                flush()
                buffer.append(s)
                flush()
            } else {
                buffer.append(s)
            }
        }
        flush()
        return parts.joined(separator: " ")
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

    /// str.upper(): full Unicode upper-case mapping, code point by code point.
    static func upper(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            if s.isASCII {
                out.append(s.value >= 0x61 && s.value <= 0x7A ? Unicode.Scalar(s.value - 32)! : s)
            } else {
                out.append(contentsOf: s.properties.uppercaseMapping.unicodeScalars)
            }
        }
        return String(out)
    }
}
