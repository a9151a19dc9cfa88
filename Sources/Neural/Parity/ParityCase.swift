// A reference case from shared/fixtures: manifest.json + io.safetensors (+ weights).
// Schema: fixtures/README.md. Inputs are "in.<name>", expected outputs "out.<name>". Every read through `io`
// (and so through `input`, `inputInts`, `expected`) is recorded; ParityCatalog fails a case whose runner left
// an input or output unread (ParityIO, InformationalInputs).
import Foundation
import Tensors

public enum ParityError: Error, CustomStringConvertible {
    case badManifest(path: String, reason: String)
    case unknownCase(String)
    case missingOutput(String)
    case missingInput(String)
    case config(key: String, reason: String)

    public var description: String {
        switch self {
        case let .badManifest(p, r): return "bad parity manifest \(p): \(r)"
        case let .unknownCase(c): return "no implementation for parity case '\(c)'"
        case let .missingOutput(o): return "case has no expected output 'out.\(o)'"
        case let .missingInput(i): return "case has no input 'in.\(i)'"
        case let .config(k, r): return "case config '\(k)': \(r)"
        }
    }
}

/// Tolerance for one output: |got − want| ≤ atol + rtol·|want|, or exact equality.
public struct Tolerance: Sendable, CustomStringConvertible {
    public var atol: Double
    public var rtol: Double
    public var exact: Bool
    /// Set when bookvox deliberately departs from the manifest (ToleranceOverrides); printed with the report.
    public var overrideReason: String?

    public init(atol: Double = 1e-4, rtol: Double = 1e-3, exact: Bool = false) {
        self.atol = atol
        self.rtol = rtol
        self.exact = exact
    }

    public var description: String {
        let base = exact ? "exact" : "atol \(atol), rtol \(rtol)"
        return overrideReason.map { base + "; OVERRIDE of the manifest: " + $0 } ?? base
    }
}

public struct ParityCase: @unchecked Sendable {
    public let directory: URL
    public let name: String
    public let manifest: [String: Any]
    /// io.safetensors; reads are recorded (ParityIO).
    public let io: ParityIO

    public init(directory: URL) throws {
        self.directory = directory
        let mpath = directory.appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: mpath.path) else {
            throw ParityError.badManifest(path: mpath.path, reason: "cannot read")
        }
        // Python's json.dump writes -Infinity / Infinity / NaN for non-finite floats; those become the
        // strings "-inf" / "inf" / "nan" here.
        let parsed = (try? JSONSerialization.jsonObject(with: data))
            ?? (try? JSONSerialization.jsonObject(with: ParityCase.quotingNonFiniteNumbers(data)))
        guard let obj = parsed as? [String: Any],
              let name = obj["case"] as? String else {
            throw ParityError.badManifest(path: mpath.path, reason: "not a JSON object with a 'case' string")
        }
        manifest = obj
        self.name = name
        io = try ParityIO(path: directory.appendingPathComponent("io.safetensors").path)
    }

    public var config: [String: Any] { manifest["config"] as? [String: Any] ?? [:] }

    /// Replaces the bare tokens -Infinity, Infinity and NaN (outside strings) by quoted "-inf", "inf", "nan".
    static func quotingNonFiniteNumbers(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var inString = false, escaped = false, i = 0
        let tokens: [(String, String)] = [("-Infinity", "\"-inf\""), ("Infinity", "\"inf\""), ("NaN", "\"nan\"")]
        outer: while i < bytes.count {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else {
                for (token, replacement) in tokens where bytes[i...].starts(with: token.utf8) {
                    out.append(contentsOf: replacement.utf8)
                    i += token.utf8.count
                    continue outer
                }
            }
            out.append(b)
            i += 1
        }
        return Data(out)
    }

    /// Decodes `config[key]` (or the whole config for nil) as a Decodable type.
    public func decodeConfig<T: Decodable>(_ type: T.Type, key: String? = nil) throws -> T {
        let value: Any = key.map { config[$0] as Any } ?? config
        guard JSONSerialization.isValidJSONObject(value) || value is [Any] else {
            throw ParityError.config(key: key ?? "<config>", reason: "missing or not an object")
        }
        let data = try JSONSerialization.data(withJSONObject: value)
        return try JSONDecoder().decode(T.self, from: data)
    }

    public var weightsURL: URL? {
        (manifest["weights"] as? String).map { directory.appendingPathComponent($0) }
    }

    public var weightsPthURL: URL? {
        (manifest["weights_pth"] as? String).map { directory.appendingPathComponent($0) }
    }

    public var inputNames: [String] { io.keys.filter { $0.hasPrefix("in.") }.map { String($0.dropFirst(3)) } }
    public var outputNames: [String] { io.keys.filter { $0.hasPrefix("out.") }.map { String($0.dropFirst(4)) } }

    /// Whether the case has input `name` (does not count as reading it).
    public func hasInput(_ name: String) -> Bool { io.has("in." + name) }

    public func input(_ name: String) throws -> Tensor {
        guard io.has("in." + name) else { throw ParityError.missingInput(name) }
        return try io.tensor("in." + name)
    }

    public func inputInts(_ name: String) throws -> [Int64] {
        guard io.has("in." + name) else { throw ParityError.missingInput(name) }
        return try io.int64s("in." + name)
    }

    /// The raw input `name` (dtype and shape as stored).
    public func rawInput(_ name: String) throws -> RawTensor {
        guard io.has("in." + name) else { throw ParityError.missingInput(name) }
        return try io.raw("in." + name)
    }

    public func expected(_ name: String) throws -> RawTensor {
        guard io.has("out." + name) else { throw ParityError.missingOutput(name) }
        return try io.raw("out." + name)
    }

    /// Inputs read so far (names without "in."), sorted.
    public var consumedInputs: [String] { io.readKeys.filter { $0.hasPrefix("in.") }.map { String($0.dropFirst(3)) } }
    /// Outputs read so far (names without "out."), sorted.
    public var consumedOutputs: [String] { io.readKeys.filter { $0.hasPrefix("out.") }.map { String($0.dropFirst(4)) } }

    /// The tolerance that applies to `output`, from the manifest's `tolerance` block.
    public func tolerance(for output: String) -> Tolerance {
        let tol = manifest["tolerance"] as? [String: Any] ?? [:]
        var t = Tolerance(atol: double(tol["atol"]) ?? 1e-4, rtol: double(tol["rtol"]) ?? 1e-3)
        let integerDTypes: Set<DType> = [.i64, .i32, .i16, .i8, .u8, .bool]
        var isInteger = false
        if let e = io.peek("out." + output) { isInteger = integerDTypes.contains(e.dtype) }
        let exactFlag = (tol["exact"] as? Bool) ?? false
        let integersExact = (tol["integer_outputs"] as? String) == "exact"
        if isInteger && (integersExact || exactFlag) { t.exact = true }
        if exactFlag && tol["atol"] == nil { t.exact = true }
        if let per = tol["per_output"] as? [String: Any] {
            // Exact name wins over the longest matching prefix glob. Outputs of multi-mode cases are named
            // "<mode>.<output>" (e.g. "icl.wav"); the manifests' rules name the output, so a rule that does not
            // match the full name is looked up for the part after the last dot.
            var match: Any?
            var names = [output]
            if let dot = output.lastIndex(of: "."), dot != output.index(before: output.endIndex) {
                names.append(String(output[output.index(after: dot)...]))
            }
            for name in names where match == nil {
                match = per[name]
                if match != nil { break }
                var bestLength = -1
                for (pattern, value) in per where pattern.hasSuffix("*") {
                    let prefix = String(pattern.dropLast())
                    if name.hasPrefix(prefix) && prefix.count > bestLength {
                        bestLength = prefix.count
                        match = value
                    }
                }
            }
            if let m = match as? [String: Any] {
                if (m["exact"] as? Bool) == true { t.exact = true }
                if let a = double(m["atol"]) { t.atol = a; t.exact = false }
                if let r = double(m["rtol"]) { t.rtol = r }
            }
        }
        if let o = ToleranceOverrides.override(case: name, output: output) {
            t.atol = o.atol
            t.rtol = o.rtol
            t.exact = false
            t.overrideReason = o.reason
        }
        return t
    }

    private func double(_ v: Any?) -> Double? {
        if let d = v as? Double { return d }
        if let i = v as? Int { return Double(i) }
        if let n = v as? NSNumber { return n.doubleValue }
        return nil
    }
}

/// Result of comparing one output against its reference.
public struct OutputReport: Sendable, CustomStringConvertible {
    public let name: String
    /// The case output this report checks: a runner may check one output several ways ("wav [pth]",
    /// "input_features [chained]"); the part before " [" names the output.
    public var outputName: String { name.components(separatedBy: " [").first ?? name }
    public let maxAbs: Double
    public let maxRel: Double
    public let cosine: Double
    public let tolerance: Tolerance
    public let passed: Bool
    public let detail: String?

    /// The same result under another name, e.g. "style [checkpoint]" for a second check of output "style".
    public func named(_ newName: String) -> OutputReport {
        OutputReport(name: newName, maxAbs: maxAbs, maxRel: maxRel, cosine: cosine, tolerance: tolerance, passed: passed, detail: detail)
    }

    public var description: String {
        let status = passed ? "PASS" : "FAIL"
        let padded = name.count < 28 ? name + String(repeating: " ", count: 28 - name.count) : name
        let numbers = String(format: "max_abs %.3e  max_rel %.3e  cos %.8f", maxAbs, maxRel, cosine)
        let base = "\(status)  \(padded) \(numbers)  (\(tolerance))"
        return detail.map { base + "  " + $0 } ?? base
    }
}

public enum ParityCompare {
    /// Compares float values under a tolerance; -inf in the reference must be -inf here too.
    public static func compare(name: String, got: [Float], want: [Float], shapeGot: [Int], shapeWant: [Int], tolerance: Tolerance) -> OutputReport {
        guard shapeGot == shapeWant, got.count == want.count else {
            return OutputReport(name: name, maxAbs: .infinity, maxRel: .infinity, cosine: 0, tolerance: tolerance, passed: false,
                                detail: "shape \(shapeGot) != expected \(shapeWant)")
        }
        var maxAbs = 0.0, maxRel = 0.0, dot = 0.0, ng = 0.0, nw = 0.0
        var ok = true
        var firstBad: Int?
        for i in 0..<got.count {
            let g = Double(got[i]), w = Double(want[i])
            if w.isInfinite || g.isInfinite || w.isNaN || g.isNaN {
                if !(g == w) { ok = false; firstBad = firstBad ?? i; maxAbs = .infinity }
                continue
            }
            let d = abs(g - w)
            maxAbs = max(maxAbs, d)
            maxRel = max(maxRel, d / max(abs(w), 1e-12))
            dot += g * w; ng += g * g; nw += w * w
            let limit = tolerance.exact ? 0 : tolerance.atol + tolerance.rtol * abs(w)
            if d > limit { ok = false; firstBad = firstBad ?? i }
        }
        let cos = (ng > 0 && nw > 0) ? dot / (ng.squareRoot() * nw.squareRoot()) : (ng == nw ? 1 : 0)
        return OutputReport(name: name, maxAbs: maxAbs, maxRel: maxRel, cosine: cos, tolerance: tolerance, passed: ok,
                            detail: firstBad.map { "first violation at flat index \($0): got \(got[$0]), want \(want[$0])" })
    }

    /// Compares a computed tensor with the case's expected output `name`.
    public static func check(_ c: ParityCase, output name: String, got: Tensor) throws -> OutputReport {
        let want = try c.expected(name)
        let wantT = try want.floatTensor(key: "out." + name)
        return compare(name: name, got: got.array, want: wantT.array, shapeGot: got.shape, shapeWant: want.shape,
                       tolerance: c.tolerance(for: name))
    }

    /// Compares integer outputs (codes, token ids) exactly.
    public static func check(_ c: ParityCase, output name: String, gotInts: [Int64], shape: [Int]) throws -> OutputReport {
        let want = try c.expected(name)
        var t = c.tolerance(for: name)
        t.exact = true
        return compare(name: name, got: gotInts.map(Float.init), want: want.int64Array().map(Float.init),
                       shapeGot: shape, shapeWant: want.shape, tolerance: t)
    }
}
