// Runner for the `qwen3tts/text_tokenizer` reference case. TextFrontend sits below Neural (where
// ParityCase / ParityRunner live), so the case's io.safetensors is read through a closure that the
// caller supplies (e.g. `{ try parityCase.io.int64s($0) }`); the caller turns the results into reports.
import Foundation

public struct TokenizerCaseResult: Sendable, CustomStringConvertible {
    /// Output name without the "out." prefix, e.g. "ids.3" or "decoded_utf8.3".
    public let name: String
    public let got: [Int]
    public let expected: [Int]
    public var passed: Bool { got == expected }

    public var description: String {
        passed ? "\(name): PASS (\(got.count) values)" : "\(name): FAIL got \(got) expected \(expected)"
    }
}

public enum QwenTokenizerCase {
    public static let caseName = "qwen3tts/text_tokenizer"

    /// Runs every test string of the case directory: ids with the Qwen2 regex (`ids.<i>`), ids with the
    /// fix_mistral_regex pattern (`ids_fix_mistral_regex.<i>`) and the decoded UTF-8 bytes (`decoded_utf8.<i>`).
    /// `tensor` returns an int64 tensor of io.safetensors by its full key ("in.text_utf8.0", "out.ids.0").
    public static func run(directory: URL, tensor: (String) throws -> [Int64]) throws -> [TokenizerCaseResult] {
        let stringsPath = directory.appendingPathComponent("test_strings.json").path
        guard let data = FileManager.default.contents(atPath: stringsPath) else {
            throw TokenizerError.unreadable(path: stringsPath)
        }
        guard let strings = (try? JSONSerialization.jsonObject(with: data)) as? [String] else {
            throw TokenizerError.malformedFile(path: stringsPath, reason: "expected a JSON array of strings")
        }
        let qwen2 = try Qwen2Tokenizer(directory: directory.path, preTokenizerRegex: .qwen2)
        let mistral = try Qwen2Tokenizer(directory: directory.path, preTokenizerRegex: .mistralFix)
        var results: [TokenizerCaseResult] = []
        for (i, listed) in strings.enumerated() {
            let bytes = try tensor("in.text_utf8.\(i)").map { UInt8(truncatingIfNeeded: $0) }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text == listed, Array(text.utf8) == bytes else {
                throw TokenizerError.malformedFile(
                    path: stringsPath, reason: "string \(i) differs from in.text_utf8.\(i) of io.safetensors")
            }
            let ids = qwen2.encode(text)
            results.append(TokenizerCaseResult(
                name: "ids.\(i)", got: ids, expected: try tensor("out.ids.\(i)").map { Int($0) }))
            results.append(TokenizerCaseResult(
                name: "ids_fix_mistral_regex.\(i)", got: mistral.encode(text),
                expected: try tensor("out.ids_fix_mistral_regex.\(i)").map { Int($0) }))
            let decoded = Array(qwen2.decode(ids).utf8).map { Int($0) }
            results.append(TokenizerCaseResult(
                name: "decoded_utf8.\(i)", got: decoded, expected: try tensor("out.decoded_utf8.\(i)").map { Int($0) }))
        }
        return results
    }
}

/// Parity cases implemented in TextFrontend. Their runners need the caller's safetensors reader,
/// so the table maps case names to functions taking (case directory, tensor reader).
public enum TokenizerParity {
    public static var cases: [String: (URL, (String) throws -> [Int64]) throws -> [TokenizerCaseResult]] {
        [QwenTokenizerCase.caseName: QwenTokenizerCase.run]
    }
}
