// Runs the IndexTTS2 front-end parity cases (mel_22k, fbank_campplus, seamless_features) against
// the PyTorch reference fixtures, and checks that a perturbed reference makes the runner fail
// on exactly the perturbed output.
import AudioDSP
import Foundation
import Neural
import TestSupport
import XCTest

final class AudioDSPParityTests: XCTestCase {
    /// Runs a case; every report must pass except those named in `deviations`, which the caller checks itself.
    private func run(_ name: String, deviations: Set<String> = [], file: StaticString = #filePath, line: UInt = #line) throws -> [OutputReport] {
        let c = try Fixtures.load(name)
        guard let runner = AudioDSPParity.cases[name] else {
            XCTFail("no runner registered for \(name)", file: file, line: line)
            return []
        }
        let reports = try runner(c)
        print("parity \(name):")
        for r in reports { print("  \(r)") }
        XCTAssertEqual(Set(reports.map(\.name)), Set(c.outputNames), "one report per expected output", file: file, line: line)
        for r in reports where !deviations.contains(r.name) { XCTAssertTrue(r.passed, "\(name): \(r)", file: file, line: line) }
        return reports
    }

    func testMel22k() throws { _ = try run("indextts2/mel_22k") }

    func testFbankCampplus() throws {
        _ = try run("indextts2/fbank_campplus")
        try assertFeatDeviationConfinedToNoiseFloorBands()
    }

    /// `feat` (= fbank − time mean) keeps fbank's absolute error but its values are near 0, so the
    /// manifest's atol 1e-4 binds. In the top mel bands (≈7–8 kHz, where the 22.05→16 kHz resampler's
    /// rolloff leaves ~60 dB less energy than the frame's speech bands) the reference itself carries
    /// float32 noise from torch's frame arithmetic and MKL FFT of up to ~5e-4 (measured: a float64
    /// computation of the same frames differs from the reference by up to 1e-3 there, while every
    /// other band agrees within 3e-5). This check allows that, and only that: every element must
    /// meet the manifest tolerance unless its reference fbank value is below −9 (noise-floor band),
    /// where |error| must stay under 1e-3; and at most 5% of elements may use that allowance.
    private func assertFeatDeviationConfinedToNoiseFloorBands() throws {
        let c = try Fixtures.load("indextts2/fbank_campplus")
        let report = try XCTUnwrap(AudioDSPParity.cases["indextts2/fbank_campplus"])(c).first { $0.name == "feat" }
        let feat = try XCTUnwrap(report)
        // The manifest's own tolerance (the runner uses ToleranceOverrides' bound for feat; this test
        // shows where, and only where, the manifest's bound is exceeded).
        let manifestTol = try XCTUnwrap(c.manifest["tolerance"] as? [String: Any])
        let tol = Tolerance(atol: try XCTUnwrap(manifestTol["atol"] as? Double), rtol: try XCTUnwrap(manifestTol["rtol"] as? Double))
        XCTAssertNotNil(c.tolerance(for: "feat").overrideReason)
        let options: KaldiFbankOptions = try {
            var block = try XCTUnwrap(c.config["fbank"] as? [String: Any])
            if let d = block.removeValue(forKey: "defaults_used") as? [String: Any] { block.merge(d) { a, _ in a } }
            return try JSONDecoder().decode(KaldiFbankOptions.self, from: JSONSerialization.data(withJSONObject: block))
        }()
        let audio = try c.expected("audio_16k").floatTensor(key: "out.audio_16k").array
        let got = KaldiFbank.subtractingTimeMean(try KaldiFbank(options: options).compute(audio)).array
        let want = try c.expected("feat").floatTensor(key: "out.feat").array
        let fbankRef = try c.expected("fbank").floatTensor(key: "out.fbank").array
        XCTAssertEqual(got.count, want.count)
        var allowanceUsed = 0
        for i in 0..<min(got.count, want.count) {
            let d = Double(abs(got[i] - want[i]))
            if d <= tol.atol + tol.rtol * Double(abs(want[i])) { continue }
            allowanceUsed += 1
            XCTAssertLessThan(fbankRef[i], -9, "element \(i) (mel bin \(i % options.numMelBins)) violates the tolerance outside a noise-floor band: got \(got[i]), want \(want[i])")
            XCTAssertLessThan(d, 1e-3, "element \(i): error \(d) exceeds the noise-floor allowance")
        }
        XCTAssertLessThanOrEqual(allowanceUsed, want.count / 20)
        print("feat: \(allowanceUsed) of \(want.count) elements beyond atol \(tol.atol), all in noise-floor bands; \(feat)")
    }

    func testSeamlessFeatures() throws { _ = try run("indextts2/seamless_features") }

    func testAllCasesRegistered() {
        for name in ["indextts2/mel_22k", "indextts2/fbank_campplus", "indextts2/seamless_features"] {
            XCTAssertNotNil(AudioDSPParity.cases[name], name)
        }
    }

    /// Copies a case with one value of `out.<output>` shifted by `delta`, runs the runner on the copy,
    /// and expects exactly that output to fail, naming it and the flat index.
    private func assertPerturbationDetected(caseName: String, output: String, index: Int, delta: Float) throws {
        let source = Fixtures.caseDir(caseName)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-perturbed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: source.appendingPathComponent("manifest.json"),
                                         to: dir.appendingPathComponent("manifest.json"))
        var bytes = try Data(contentsOf: source.appendingPathComponent("io.safetensors"))
        let headerLength = bytes.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        let header = try JSONSerialization.jsonObject(with: bytes.subdata(in: 8..<(8 + headerLength))) as! [String: Any]
        let entry = try XCTUnwrap(header["out." + output] as? [String: Any])
        XCTAssertEqual(entry["dtype"] as? String, "F32")
        let start = try XCTUnwrap((entry["data_offsets"] as? [Int])?.first)
        let at = 8 + headerLength + start + 4 * index
        var bits = bytes.subdata(in: at..<(at + 4)).enumerated().reduce(UInt32(0)) { $0 | (UInt32($1.element) << (8 * UInt32($1.offset))) }
        let value = Float(bitPattern: bits) + delta
        bits = value.bitPattern
        for k in 0..<4 { bytes[at + k] = UInt8((bits >> (8 * UInt32(k))) & 0xFF) }
        try bytes.write(to: dir.appendingPathComponent("io.safetensors"))

        let reports = try XCTUnwrap(AudioDSPParity.cases[caseName])(try ParityCase(directory: dir))
        let failed = reports.filter { !$0.passed }
        XCTAssertEqual(failed.map(\.name), [output], "only the perturbed output fails: \(reports)")
        let report = try XCTUnwrap(failed.first)
        XCTAssertTrue(report.description.contains("FAIL"))
        XCTAssertTrue(report.description.contains(output))
        XCTAssertTrue(report.detail?.contains("flat index \(index)") ?? false, report.description)
        XCTAssertGreaterThan(report.maxAbs, Double(delta) / 2)
    }

    func testPerturbedMelIsReported() throws {
        try assertPerturbationDetected(caseName: "indextts2/mel_22k", output: "mel", index: 80 * 100 + 7, delta: 0.05)
    }

    func testPerturbedSeamlessFeaturesAreReported() throws {
        try assertPerturbationDetected(caseName: "indextts2/seamless_features", output: "input_features", index: 1234, delta: 0.01)
    }
}
