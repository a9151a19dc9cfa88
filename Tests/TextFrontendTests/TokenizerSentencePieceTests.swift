// SentencePiece unigram tokenizer and the IndexTTS2 text tokenizer against the release bpe.model:
// the 13 reference tokenizations of Tests/Data/indextts2, outputs of the sentencepiece library, the tiny
// e2e checkpoint model, and typed errors for malformed model files.
import Foundation
import XCTest
import TestSupport
@testable import TextFrontend

final class TokenizerSentencePieceTests: XCTestCase {
    static let modelPath = Fixtures.data.appendingPathComponent("indextts2/bpe.model").path
    nonisolated(unsafe) private static var cached: IndexTTS2TextTokenizer?

    static func tokenizer() throws -> IndexTTS2TextTokenizer {
        if let t = cached { return t }
        let t = try IndexTTS2TextTokenizer(modelPath: modelPath)
        cached = t
        return t
    }

    struct Case: Decodable {
        let text: String
        let normalized: String
        let ids: [Int]
        let pieces: [String]
    }

    struct LibraryCase: Decodable {
        let text: String
        let ids: [Int]
        let pieces: [String]
        let decoded: String
    }

    /// Every case of tokenizer_cases.json, fed its `normalized` text (see Tests/Data/indextts2/README.md).
    func testEveryReferenceCaseGivesExactlyItsIDsAndPieces() throws {
        let tok = try Self.tokenizer()
        let url = Fixtures.data.appendingPathComponent("indextts2/tokenizer_cases.json")
        let cases = try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
        XCTAssertEqual(cases.count, 13)
        for c in cases {
            XCTAssertEqual(tok.encode(c.normalized), c.ids, "ids of \(c.normalized.debugDescription)")
            XCTAssertEqual(tok.tokenize(c.normalized), c.pieces, "pieces of \(c.normalized.debugDescription)")
            XCTAssertEqual(tok.convertTokensToIDs(c.pieces), c.ids, "PieceToId of \(c.normalized.debugDescription)")
        }
    }

    func testPreprocessedTextsMatchTheSentencePieceLibrary() throws {
        let tok = try Self.tokenizer()
        let cases = try JSONDecoder().decode([LibraryCase].self, from: Data(SentencePieceReference.preprocessed.utf8))
        XCTAssertEqual(cases.count, 20)
        for c in cases {
            XCTAssertEqual(tok.encode(c.text), c.ids, "ids of \(c.text.debugDescription)")
            XCTAssertEqual(tok.tokenize(c.text), c.pieces, "pieces of \(c.text.debugDescription)")
            XCTAssertEqual(tok.decode(c.ids), c.decoded, "decode of \(c.text.debugDescription)")
        }
    }

    func testRawEncodingMatchesTheSentencePieceLibrary() throws {
        let sp = try Self.tokenizer().sentencePiece
        let cases = try JSONDecoder().decode([LibraryCase].self, from: Data(SentencePieceReference.raw.utf8))
        XCTAssertEqual(cases.count, 14)
        for c in cases {
            XCTAssertEqual(sp.encode(c.text), c.ids, "ids of \(c.text.debugDescription)")
            XCTAssertEqual(sp.pieces(c.text), c.pieces, "pieces of \(c.text.debugDescription)")
            XCTAssertEqual(sp.decode(c.ids), c.decoded, "decode of \(c.text.debugDescription)")
        }
    }

    func testDecodeMatchesTheSentencePieceLibrary() throws {
        struct D: Decodable { let ids: [Int]; let decoded: String }
        let sp = try Self.tokenizer().sentencePiece
        for d in try JSONDecoder().decode([D].self, from: Data(SentencePieceReference.decoded.utf8)) {
            XCTAssertEqual(sp.decode(d.ids), d.decoded, "decode of \(d.ids)")
        }
    }

    func testModelProtoReadsBackTheVocabularyDump() throws {
        struct Entry: Decodable { let p: String; let s: Float; let t: Int }
        struct Dump: Decodable { let unk_id: Int; let vocab: [Entry] }
        let url = Fixtures.data.appendingPathComponent("indextts2/tokenizer_vocab.json")
        let dump = try JSONDecoder().decode(Dump.self, from: Data(contentsOf: url))
        let sp = try Self.tokenizer().sentencePiece
        let model = sp.model
        XCTAssertEqual(model.pieces.count, dump.vocab.count)
        for (i, (got, want)) in zip(model.pieces, dump.vocab).enumerated() {
            guard got.piece == want.p, got.score == want.s, got.type.rawValue == want.t else {
                return XCTFail("piece \(i): got (\(got.piece), \(got.score), \(got.type)) want (\(want.p), \(want.s), \(want.t))")
            }
        }
        XCTAssertEqual(sp.unkID, dump.unk_id)
        XCTAssertEqual(model.trainerSpec.modelType, 1)
        XCTAssertEqual([model.trainerSpec.unkID, model.trainerSpec.bosID, model.trainerSpec.eosID, model.trainerSpec.padID],
                       [2, 0, 1, -1])
        XCTAssertFalse(model.trainerSpec.byteFallback)
        XCTAssertEqual(model.normalizerSpec.name, "nmt_nfkc")
        XCTAssertEqual(model.normalizerSpec.precompiledCharsmap.count, 237_561)
        XCTAssertTrue(model.normalizerSpec.addDummyPrefix && model.normalizerSpec.removeExtraWhitespaces
                      && model.normalizerSpec.escapeWhitespaces)
    }

    /// The tiny e2e checkpoint's own bpe.model reproduces the e2e case's text tokens (checkpoint/README.md).
    func testTinyCheckpointModelReproducesTheE2ETextTokens() throws {
        let e2e = try Fixtures.load("indextts2/e2e_tiny")
        let path = e2e.directory.appendingPathComponent("checkpoint/bpe.model").path
        let tok = try IndexTTS2TextTokenizer(modelPath: path)
        let text = "Hello world, this is a test."
        XCTAssertEqual(tok.tokenize(text), ["▁HE", "L", "LO", "▁WORLD", ",", "▁THIS", "▁", "IS", "▁A", "▁T", "EST", "."])
        let expected = try e2e.inputInts("text_tokens").map(Int.init)
        XCTAssertEqual(tok.encode(text), expected)
        XCTAssertEqual(tok.segmentIDs(text), [expected])
        XCTAssertEqual(tok.encode("THE QUICK BROWN FOX"), [6, 34, 47, 20, 69, 16, 38, 33])
    }

    func testEncodingIsFast() throws {
        let tok = try Self.tokenizer()
        let sentence = String(repeating: "The quick brown fox, 你好世界, jumps over the lazy dog. ", count: 6).prefix(300)
        XCTAssertEqual(sentence.count, 300)
        _ = tok.encode(String(sentence))
        let runs = 20
        let start = Date()
        for _ in 0..<runs { _ = tok.encode(String(sentence)) }
        let perCall = Date().timeIntervalSince(start) / Double(runs)
        // Debug builds are ~10-30× slower than release; release takes well under a millisecond.
        XCTAssertLessThan(perCall, 0.05, "encoding 300 characters took \(perCall * 1000) ms")
    }

    // MARK: - Malformed model files

    func testMissingFileIsUnreadable() {
        XCTAssertThrowsError(try SentencePieceTokenizer(modelPath: "/nonexistent/bpe.model")) { error in
            guard case TokenizerError.unreadable(let path) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "/nonexistent/bpe.model")
        }
    }

    func testTruncatedModelIsAProtobufErrorNamingTheFile() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.modelPath)))
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: Array(bytes.prefix(1001)), path: "cut.model")) { error in
            guard case TokenizerError.malformedProtobuf(let path, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "cut.model")
            XCTAssertTrue("\(error)".contains("cut.model"))
        }
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: Array("not a model at all".utf8), path: "text.model"))
    }

    /// A ModelProto with a single normal piece: field 1 { piece "a", score -1, type 1 }.
    private func proto(pieces: [(String, Float, Int)], trainer: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        for (p, s, t) in pieces {
            var body: [UInt8] = [0x0A, UInt8(p.utf8.count)] + Array(p.utf8)
            body += [0x15] + withUnsafeBytes(of: s.bitPattern.littleEndian, Array.init)
            body += [0x18, UInt8(t)]
            out += [0x0A, UInt8(body.count)] + body
        }
        if !trainer.isEmpty { out += [0x12, UInt8(trainer.count)] + trainer }
        return out
    }

    func testStructurallyInvalidModelsThrowInvalidModel() throws {
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: proto(pieces: [("a", -1, 1)]), path: "nounk.model")) { error in
            guard case TokenizerError.invalidModel(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, "nounk.model")
            XCTAssertTrue(reason.contains("UNKNOWN"), reason)
        }
        let dup = proto(pieces: [("<unk>", 0, 2), ("a", -1, 1), ("a", -2, 1)])
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: dup, path: "dup.model")) { error in
            guard case TokenizerError.invalidModel = error else { return XCTFail("\(error)") }
        }
        let bpe = proto(pieces: [("<unk>", 0, 2), ("a", -1, 1)], trainer: [0x18, 0x02])  // model_type: BPE
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: bpe, path: "bpe2.model")) { error in
            guard case TokenizerError.unsupportedModelType(_, 2) = error else { return XCTFail("\(error)") }
        }
        // A minimal valid model (no charsmap) encodes with its own pieces.
        let ok = try SentencePieceTokenizer(modelBytes: proto(pieces: [("<unk>", 0, 2), ("▁a", -1, 1), ("b", -2, 1)]))
        XCTAssertEqual(ok.pieces("a b"), ["▁a", "▁", "b"])
        XCTAssertEqual(ok.encode("a b"), [1, 0, 2])
    }

    /// Byte fallback, checked against the sentencepiece library on the same hand-built ModelProto:
    /// <unk>, <s>, </s>, the 256 byte pieces <0x00>…<0xFF> (ids 3…258), "▁a" -1, "b" -2, "▁" -3.
    func testByteFallbackMatchesTheSentencePieceLibrary() throws {
        var pieces: [(String, Float, Int)] = [("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3)]
        for b in 0..<256 { pieces.append((SentencePieceTokenizer.byteToPiece(UInt8(b)), 0, 6)) }
        pieces += [("▁a", -1, 1), ("b", -2, 1), ("▁", -3, 1)]
        // trainer_spec: model_type 1, byte_fallback true, unk 0, bos 1, eos 2.
        let trainer: [UInt8] = [0x18, 0x01, 0x98, 0x02, 0x01, 0xC0, 0x02, 0x00, 0xC8, 0x02, 0x01, 0xD0, 0x02, 0x02]
        let sp = try SentencePieceTokenizer(modelBytes: proto(pieces: pieces, trainer: trainer), path: "bytes.model")
        XCTAssertEqual(sp.encode("a b"), [259, 261, 260])
        XCTAssertEqual(sp.encode("a é"), [259, 261, 198, 172])
        XCTAssertEqual(sp.pieces("a é"), ["▁a", "▁", "<0xC3>", "<0xA9>"])
        XCTAssertEqual(sp.encode("ab\u{E9}b"), [259, 260, 198, 172, 260])
        XCTAssertEqual(sp.encode("é"), [261, 198, 172])
        XCTAssertEqual(sp.decode([198]), "\u{FFFD}")
        XCTAssertEqual(sp.decode([198, 172, 259]), "é a")
        XCTAssertEqual(sp.decode([1, 198, 2, 0]), "\u{FFFD} \u{2047} ")
        XCTAssertEqual(sp.decode([229, 153, 132, 259]), "▁ a")
        XCTAssertEqual(sp.decode([229, 153, 260]), "\u{FFFD}\u{FFFD}b")
        XCTAssertEqual(sp.decode([261, 261, 259]), "a")
        // Byte pieces without byte_fallback are rejected, as SentencePiece does.
        XCTAssertThrowsError(try SentencePieceTokenizer(modelBytes: proto(pieces: pieces), path: "nofallback.model"))
    }
}
