// Every parity case bookvox implements, merged from the per-target tables, and the
// runner behind `bookvox dev parity CASE_DIR...` (DESIGN.md "Numerical parity").
import AudioDSP
import Foundation
import IndexTTS2
import Neural
import Qwen3TTS
import TextFrontend
import Whisper

public enum ParityCatalog {
    /// Case name (manifest "case") → runner.
    public static var cases: [String: ParityRunner] {
        var all: [String: ParityRunner] = [:]
        let tables: [[String: ParityRunner]] = [
            NeuralParity.cases,
            VocoderParity.cases,
            AudioDSPParity.cases,
            IndexTTS2Parity.cases,
            Qwen3CodecParity.cases,
            Qwen3Parity.cases,
            WhisperParity.cases,
            tokenizerCases,
        ]
        for table in tables {
            all.merge(table) { first, _ in first }
        }
        return all
    }

    /// The tokenizer cases live below Neural (TextFrontend), so they report plain id lists; wrap them here.
    private static var tokenizerCases: [String: ParityRunner] {
        TokenizerParity.cases.mapValues { run in
            { (c: ParityCase) throws -> [OutputReport] in
                try run(c.directory) { try c.io.int64s($0) }.map {
                    try ParityCompare.check(c, output: $0.name, gotInts: $0.got.map(Int64.init), shape: [$0.got.count])
                }
            }
        }
    }

    /// Outcome of one case directory.
    public struct CaseResult: Sendable {
        public let directory: String
        public let caseName: String
        public let reports: [OutputReport]
        public let error: String?
        public var passed: Bool { error == nil && !reports.isEmpty && reports.allSatisfy(\.passed) }
    }

    /// Runs one case directory; an unknown case or a thrown error is a failure, never a skip.
    public static func run(directory: URL) -> CaseResult {
        let c: ParityCase
        do {
            c = try ParityCase(directory: directory)
        } catch {
            return CaseResult(directory: directory.path, caseName: "?", reports: [], error: "\(error)")
        }
        guard let runner = cases[c.name] else {
            return CaseResult(directory: directory.path, caseName: c.name, reports: [],
                              error: "\(ParityError.unknownCase(c.name)); implemented: \(cases.keys.sorted().joined(separator: ", "))")
        }
        do {
            let reports = try runner(c)
            let expected = Set(c.outputNames)
            let checked = Set(reports.map(\.outputName))
            let unchecked = expected.subtracting(checked).sorted()
            if !unchecked.isEmpty {
                return CaseResult(directory: directory.path, caseName: c.name, reports: reports,
                                  error: "outputs not checked: \(unchecked.joined(separator: ", "))")
            }
            return CaseResult(directory: directory.path, caseName: c.name, reports: reports, error: nil)
        } catch {
            return CaseResult(directory: directory.path, caseName: c.name, reports: [], error: "\(error)")
        }
    }
}
