// Qwen2 byte-level BPE tokenizer: the qwen3tts/text_tokenizer reference case (both pre-tokenizer regexes
// and decoding), extra strings checked against Hugging Face tokenizers, the TTS chat-template prompts of
// the talker and e2e fixtures, loading without tokenizer.json, and malformed files.
import Foundation
import XCTest
import Neural
import TestSupport
@testable import TextFrontend

final class TokenizerQwen2Tests: XCTestCase {
    static var caseDir: URL { Fixtures.caseDir("qwen3tts/text_tokenizer") }

    func testReferenceCaseEveryStringGivesExactlyItsIDs() throws {
        let parity = try Fixtures.load("qwen3tts/text_tokenizer")
        let run = try XCTUnwrap(TokenizerParity.cases[parity.name])
        let results = try run(parity.directory) { try parity.io.int64s($0) }
        XCTAssertEqual(results.count, 3 * 20)
        XCTAssertEqual(Set(results.map(\.name)).count, results.count)
        for r in results { XCTAssertTrue(r.passed, r.description) }
        // Every expected output of the case was compared.
        XCTAssertEqual(Set(results.map { "out." + $0.name }), Set(parity.io.keys.filter { $0.hasPrefix("out.") }))
        // The two regexes really differ on this case (1 of 20 strings, per the manifest).
        let ids = Dictionary(uniqueKeysWithValues: results.map { ($0.name, $0.expected) })
        let differing = (0..<20).filter { ids["ids.\($0)"] != ids["ids_fix_mistral_regex.\($0)"] }
        XCTAssertEqual(differing.count, 1)
    }

    /// The wrapping the Bookvox layer needs to register the case as a ParityRunner.
    func testResultsWrapIntoParityReports() throws {
        let runner: ParityRunner = { c in
            try QwenTokenizerCase.run(directory: c.directory) { try c.io.int64s($0) }.map {
                try ParityCompare.check(c, output: $0.name, gotInts: $0.got.map(Int64.init), shape: [$0.got.count])
            }
        }
        let reports = try runner(try Fixtures.load("qwen3tts/text_tokenizer"))
        XCTAssertEqual(reports.count, 60)
        for r in reports { XCTAssertTrue(r.passed, r.description) }
    }

    struct Extra: Decodable {
        let text: String
        let ids: [Int]
        let mistral: [Int]
        let decoded: String
        let pre: [String]?
        let pre_mistral: [String]?
    }

    func testBothRegexVariantsMatchHuggingFaceTokenizers() throws {
        let qwen2 = try Qwen2Tokenizer(directory: Self.caseDir.path, preTokenizerRegex: .qwen2)
        let mistral = try Qwen2Tokenizer(directory: Self.caseDir.path, preTokenizerRegex: .mistralFix)
        let cases = try JSONDecoder().decode([Extra].self, from: Data(Qwen2Reference.strings.utf8))
        XCTAssertEqual(cases.count, 14)
        for c in cases {
            let name = c.text.debugDescription
            if let pre = c.pre { XCTAssertEqual(qwen2.preTokenize(c.text), pre, "qwen2 pre-tokens of \(name)") }
            if let pre = c.pre_mistral { XCTAssertEqual(mistral.preTokenize(c.text), pre, "mistral pre-tokens of \(name)") }
            XCTAssertEqual(qwen2.encode(c.text), c.ids, "qwen2 ids of \(name)")
            XCTAssertEqual(mistral.encode(c.text), c.mistral, "mistral ids of \(name)")
            XCTAssertEqual(qwen2.decode(c.ids), c.decoded, "decode of \(name)")
        }
    }

    func testSpecialTokenIDs() throws {
        let tok = try Qwen2Tokenizer(directory: Self.caseDir.path)
        let parity = try Fixtures.load("qwen3tts/text_tokenizer")
        let table = try XCTUnwrap(parity.config["added_token_ids"] as? [String: Int])
        XCTAssertEqual(table.count, 33)
        for (content, id) in table {
            XCTAssertEqual(tok.tokenID(content), id, content)
            XCTAssertEqual(tok.token(id), content)
        }
        XCTAssertNil(tok.tokenID("<|not_a_token|>"))
        XCTAssertEqual(tok.decode([1001, 1028, 1002], skipSpecialTokens: true), "")
        XCTAssertEqual(tok.decode([1001, 1024], skipSpecialTokens: true), "<think>")  // <think> is not special
    }

    /// The talker and e2e fixtures fed ids built by Qwen3TTSModel's _build_*_text + processor.
    func testChatTemplatePromptsMatchTheTalkerAndE2EFixtures() throws {
        let tok = try Qwen2Tokenizer(directory: Self.caseDir.path)
        for caseName in ["qwen3tts/talker_tiny", "qwen3tts/e2e_tiny"] {
            let c = try Fixtures.load(caseName)
            let modes = try XCTUnwrap(c.config["modes"] as? [[String: Any]])
            for mode in modes {
                let name = try XCTUnwrap(mode["name"] as? String)
                let text = try XCTUnwrap(mode["text"] as? String)
                let ids = tok.encodeAssistantPrompt(text)
                XCTAssertEqual(ids, try c.inputInts("\(name).input_ids").map(Int.init), "\(caseName) \(name).input_ids")
                XCTAssertEqual(Array(ids.prefix(3)), [1001, try XCTUnwrap(tok.tokenID("assistant")), 198])
                XCTAssertEqual(Array(ids.suffix(5)), [1002, 198, 1001, tok.tokenID("assistant")!, 198])
                if let ref = mode["ref_text"] as? String {
                    XCTAssertEqual(tok.encodeReferencePrompt(ref), try c.inputInts("\(name).ref_ids").map(Int.init),
                                   "\(caseName) \(name).ref_ids")
                }
                if let instruct = mode["instruct"] as? String {
                    XCTAssertEqual(tok.encodeInstructPrompt(instruct), try c.inputInts("\(name).instruct_ids").map(Int.init),
                                   "\(caseName) \(name).instruct_ids")
                }
            }
        }
        XCTAssertNil(tok.encodeInstructPrompt(""))
        XCTAssertNil(tok.encodeInstructPrompt(nil))
    }

    /// The real checkpoints ship no tokenizer.json: vocab.json + merges.txt + tokenizer_config.json only.
    func testLoadsWithoutTokenizerJSON() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("qwen2tok-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        for f in ["vocab.json", "merges.txt", "tokenizer_config.json"] {
            try FileManager.default.copyItem(at: Self.caseDir.appendingPathComponent(f), to: tmp.appendingPathComponent(f))
        }
        let parity = try Fixtures.load("qwen3tts/text_tokenizer")
        let tok = try Qwen2Tokenizer(directory: tmp.path)
        XCTAssertEqual(tok.addedTokens.count, 33)
        let strings = try JSONDecoder().decode(
            [String].self, from: Data(contentsOf: Self.caseDir.appendingPathComponent("test_strings.json")))
        for (i, s) in strings.enumerated() {
            XCTAssertEqual(tok.encode(s), try parity.io.int64s("out.ids.\(i)").map(Int.init), "string \(i)")
        }
    }

    func testMalformedFilesThrowTypedErrors() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("qwen2bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        XCTAssertThrowsError(try Qwen2Tokenizer(directory: tmp.path)) { error in
            guard case TokenizerError.unreadable(let path) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("vocab.json"))
        }
        try FileManager.default.copyItem(at: Self.caseDir.appendingPathComponent("vocab.json"),
                                         to: tmp.appendingPathComponent("vocab.json"))
        try Data("#version: 0.2\nĠ t h\n".utf8).write(to: tmp.appendingPathComponent("merges.txt"))
        XCTAssertThrowsError(try Qwen2Tokenizer(directory: tmp.path)) { error in
            guard case TokenizerError.malformedFile(let path, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("merges.txt"))
            XCTAssertTrue(reason.contains("line 2"), reason)
        }
        try Data("[1, 2]".utf8).write(to: tmp.appendingPathComponent("vocab.json"))
        XCTAssertThrowsError(try Qwen2Tokenizer(directory: tmp.path)) { error in
            guard case TokenizerError.malformedFile(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(path.hasSuffix("vocab.json"))
        }
    }

    /// The regex transformers 4.57.3 installs for AutoProcessor.from_pretrained(localDir, fix_mistral_regex=True).
    func testOfficialLocalLoadRegexSelection() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("qwen2cfg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        func choice(_ config: String?, vocab: Int = 151_643) throws -> Qwen2PreTokenizerRegex {
            let url = tmp.appendingPathComponent("config.json")
            try? FileManager.default.removeItem(at: url)
            if let config { try Data(config.utf8).write(to: url) }
            return Qwen2PreTokenizerRegex.officialLocalLoad(modelDirectory: tmp.path, baseVocabularySize: vocab)
        }
        let qwen = #"{"model_type": "qwen3_tts""#
        XCTAssertEqual(try choice(qwen + "}"), .mistralFix)                                   // version missing
        XCTAssertEqual(try choice(qwen + #", "transformers_version": "4.57.3"}"#), .mistralFix)
        XCTAssertEqual(try choice(qwen + #", "transformers_version": "4.57.2"}"#), .qwen2)
        XCTAssertEqual(try choice(qwen + #", "transformers_version": "4.52.1"}"#), .qwen2)
        XCTAssertEqual(try choice(qwen + #", "transformers_version": "5.0.0.dev0"}"#), .mistralFix)
        XCTAssertEqual(try choice(qwen + #", "transformers_version": "5.0.0"}"#), .qwen2)
        XCTAssertEqual(try choice(#"{"model_type": "mistral", "transformers_version": "4.40.0"}"#), .mistralFix)
        XCTAssertEqual(try choice(#"{"transformers_version": "4.40.0"}"#), .mistralFix)      // no model_type
        XCTAssertEqual(try choice(nil), .qwen2)                                               // no config.json
        XCTAssertEqual(try choice(qwen + "}", vocab: 1000), .qwen2)                          // small vocabulary
        XCTAssertEqual(try Qwen2Tokenizer(directory: Self.caseDir.path).baseVocabularySize, 1000)
    }

    func testEncodingIsFast() throws {
        let tok = try Qwen2Tokenizer(directory: Self.caseDir.path)
        let sentence = String(String(repeating: "It's a small step for a man, 今天天气很好 — 1234 ok?! ", count: 8).prefix(300))
        _ = tok.encodeAssistantPrompt(sentence)
        let runs = 20
        let start = Date()
        for _ in 0..<runs { _ = tok.encodeAssistantPrompt(sentence) }
        let perCall = Date().timeIntervalSince(start) / Double(runs)
        XCTAssertLessThan(perCall, 0.05, "encoding 300 characters took \(perCall * 1000) ms")
    }
}
