// Mel filterbanks and windows against the tables dumped from the reference implementations
// (Tests/Data/indextts2/*.npy), plus a minimal .npy reader for those tables.
import AudioDSP
import Foundation
import TestSupport
import XCTest

/// Minimal reader for little-endian float32 C-order .npy files (test-only).
enum NpyFloat32 {
    struct Array2 { let shape: [Int]; let values: [Float] }

    static func load(_ url: URL) throws -> Array2 {
        let data = try Data(contentsOf: url)
        guard data.count > 10, data.prefix(6) == Data([0x93]) + Data("NUMPY".utf8) else {
            throw NSError(domain: "npy", code: 1, userInfo: [NSLocalizedDescriptionKey: "\(url.lastPathComponent): not a .npy file"])
        }
        let major = data[6]
        let lengthBytes = major == 1 ? 2 : 4
        var headerLength = 0
        for k in 0..<lengthBytes { headerLength |= Int(data[8 + k]) << (8 * k) }
        let headerStart = 8 + lengthBytes
        let header = String(decoding: data.subdata(in: headerStart..<(headerStart + headerLength)), as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
              let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw NSError(domain: "npy", code: 2, userInfo: [NSLocalizedDescriptionKey: "\(url.lastPathComponent): unsupported header \(header)"])
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let count = shape.reduce(1, *)
        let body = data.subdata(in: (headerStart + headerLength)..<data.count)
        guard body.count == 4 * count else {
            throw NSError(domain: "npy", code: 3, userInfo: [NSLocalizedDescriptionKey: "\(url.lastPathComponent): \(body.count) bytes for shape \(shape)"])
        }
        let values = body.withUnsafeBytes { raw in (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        return Array2(shape: shape, values: values)
    }
}

final class FeatureFilterbankTests: XCTestCase {
    private func table(_ name: String) throws -> NpyFloat32.Array2 {
        try NpyFloat32.load(Fixtures.data.appendingPathComponent("indextts2").appendingPathComponent(name))
    }

    private func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// librosa.filters.mel(sr=22050, n_fft=1024, n_mels=80) — the reference dump is exactly librosa's.
    func testSlaneyMelMatchesLibrosa() throws {
        let want = try table("refmel_basis.npy")
        XCTAssertEqual(want.shape, [80, 513])
        let fb = try LibrosaMel.filterbank(sampleRate: 22050, nFFT: 1024, melCount: 80, fmin: 0, fmax: nil)
        XCTAssertEqual([fb.melCount, fb.binCount], want.shape)
        let diff = maxAbsDiff(fb.weightsFloat, want.values)
        let exact = zip(fb.weightsFloat, want.values).filter { $0 == $1 }.count
        print("slaney mel: max abs diff \(diff), \(exact)/\(want.values.count) bit-exact")
        XCTAssertLessThanOrEqual(diff, 1e-9)
    }

    /// torchaudio.compliance.kaldi.get_mel_banks(80, 512, 16000, 20, 0, …) + zero Nyquist column.
    func testKaldiMelBanksMatchTorchaudio() throws {
        let want = try table("kaldi_mel_banks.npy")
        XCTAssertEqual(want.shape, [80, 257])
        let fb = try KaldiMel.torchaudioBanks(melCount: 80, paddedWindowSize: 512, sampleFrequency: 16000, lowFreq: 20, highFreq: 0)
        XCTAssertEqual([fb.melCount, fb.binCount], want.shape)
        let diff = maxAbsDiff(fb.weightsFloat, want.values)
        print("kaldi mel banks: max abs diff \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-5)  // the dump itself is within 7.1e-6 of torchaudio
        for m in 0..<80 { XCTAssertEqual(fb[m, 256], 0, "Nyquist column is zero") }
    }

    /// SeamlessM4TFeatureExtractor.mel_filters (257, 80), float64 in transformers.
    func testSeamlessMelFiltersMatchTransformers() throws {
        let want = try table("seamless_mel_filters.npy")
        XCTAssertEqual(want.shape, [257, 80])
        let fb = try KaldiMel.transformersBanks(frequencyBins: 257, melCount: 80, minFrequency: 20, maxFrequency: 8000, sampleRate: 16000)
        var diff = 0.0
        for k in 0..<257 { for m in 0..<80 { diff = max(diff, abs(fb[m, k] - Double(want.values[k * 80 + m]))) } }
        print("seamless mel filters: max abs diff \(diff)")
        XCTAssertLessThanOrEqual(diff, 1e-7)
    }

    /// SeamlessM4TFeatureExtractor.window: Povey window of 400 samples.
    func testPoveyWindowMatchesTransformers() throws {
        let want = try table("seamless_window.npy")
        XCTAssertEqual(want.shape, [400])
        let w = Windows.povey(length: 400)
        let diff = zip(w, want.values).reduce(0.0) { max($0, abs($1.0 - Double($1.1))) }
        XCTAssertLessThanOrEqual(diff, 1e-7)
        XCTAssertEqual(w[0], 0)
        XCTAssertEqual(w[399], 0)
    }

    func testHannWindowPeriodicAndSymmetric() {
        let p = Windows.hann(length: 4, periodic: true)
        XCTAssertEqual(p[0], 0, accuracy: 1e-15)
        XCTAssertEqual(p[1], 0.5, accuracy: 1e-15)
        XCTAssertEqual(p[2], 1, accuracy: 1e-15)
        XCTAssertEqual(p[3], 0.5, accuracy: 1e-15)
        let s = Windows.hann(length: 5, periodic: false)
        XCTAssertEqual(s, [0, 0.5, 1, 0.5, 0], accuracy: 1e-15)
    }

    func testMelFilterbankSupportAndApply() throws {
        let fb = try MelFilterbank(melCount: 2, binCount: 4, weights: [0, 1, 2, 0, 0, 0, 0, 3])
        XCTAssertEqual(fb.support, [1..<3, 3..<4])
        let spec: [Float] = [5, 1, 2, 4]
        var out = [Float](repeating: -1, count: 2)
        spec.withUnsafeBufferPointer { s in out.withUnsafeMutableBufferPointer { fb.apply(s.baseAddress!, into: $0.baseAddress!) } }
        XCTAssertEqual(out, [5, 12])
        XCTAssertThrowsError(try MelFilterbank(melCount: 2, binCount: 3, weights: [1]))
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
