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
        /// Inputs the runner read (names without "in."), sorted.
        public var consumedInputs: [String] = []
        /// Inputs the case's InformationalInputs entry lets the runner leave unread, with the reason.
        public var informationalInputs: [String: String] = [:]
        public var passed: Bool { error == nil && !reports.isEmpty && reports.allSatisfy(\.passed) }
    }

    /// Runs one case directory; an unknown case or a thrown error is a failure, never a skip. After the runner,
    /// every input and expected output of io.safetensors must have been read (ParityIO), except the inputs the
    /// case's InformationalInputs entry names, and every output must have a report.
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
        let informational = InformationalInputs.inputs(case: c.name)
        func result(_ reports: [OutputReport], _ error: String?) -> CaseResult {
            var r = CaseResult(directory: directory.path, caseName: c.name, reports: reports, error: error)
            r.consumedInputs = c.consumedInputs
            r.informationalInputs = informational
            return r
        }
        do {
            let reports = try runner(c)
            var problems: [String] = []
            let unchecked = Set(c.outputNames).subtracting(reports.map(\.outputName)).sorted()
            if !unchecked.isEmpty { problems.append("outputs not checked: \(unchecked.joined(separator: ", "))") }
            if let unused = unconsumed(c, informational: informational) { problems.append(unused) }
            return result(reports, problems.isEmpty ? nil : problems.joined(separator: "; "))
        } catch {
            return result([], "\(error)")
        }
    }

    /// The error for io entries the runner never read, or nil when it read them all.
    static func unconsumed(_ c: ParityCase, informational: [String: String]) -> String? {
        let unread = c.io.unreadKeys
        let inputs = unread.filter { $0.hasPrefix("in.") && informational[String($0.dropFirst(3))] == nil }
        let outputs = unread.filter { $0.hasPrefix("out.") }
        let other = unread.filter { !$0.hasPrefix("in.") && !$0.hasPrefix("out.") }
        var parts: [String] = []
        if !inputs.isEmpty { parts.append("inputs not used: \(inputs.joined(separator: ", "))") }
        if !outputs.isEmpty { parts.append("outputs not read: \(outputs.joined(separator: ", "))") }
        if !other.isEmpty { parts.append("entries that are neither in.* nor out.*: \(other.joined(separator: ", "))") }
        guard !parts.isEmpty else { return nil }
        return parts.joined(separator: "; ") + " (the \(c.name) runner must read every entry of io.safetensors: an input it "
            + "ignores means it computed something other than the case; an input that is only informational is listed, "
            + "with the reason, in InformationalInputs)"
    }
}
