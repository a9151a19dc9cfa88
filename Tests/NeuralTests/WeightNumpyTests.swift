// .npy tables shipped with the IndexTTS2 release data, and the header variants of the format.
import Foundation
import XCTest
import Neural
import TestSupport

final class WeightNumpyTests: XCTestCase {
    func testReleaseTablesHaveTheirShapes() throws {
        let expected: [(String, [Int])] = [
            ("spk_matrix.npy", [73, 192]), ("emo_matrix.npy", [73, 1280]), ("kaldi_mel_banks.npy", [80, 257]),
            ("seamless_mel_filters.npy", [257, 80]), ("seamless_window.npy", [400]), ("refmel_basis.npy", [80, 513]),
            ("semantic_mean.npy", [1024]), ("semantic_std.npy", [1024]),
        ]
        for (name, shape) in expected {
            let raw = try NumpyFile.read(path: Fixtures.data.appendingPathComponent("indextts2/" + name).path)
            XCTAssertEqual(raw.shape, shape, name)
            XCTAssertEqual(raw.dtype, .f32, name)
            let t = try raw.floatTensor(key: name)
            XCTAssertTrue(t.array.allSatisfy(\.isFinite), name)
        }
        // The Povey window of 400 samples: (0.5 - 0.5 cos(2πn/399))^0.85, 0 at both ends, 1 at n = 199.5 ± 0.5.
        let w = try NumpyFile.tensor(path: Fixtures.data.appendingPathComponent("indextts2/seamless_window.npy").path).array
        for n in [0, 1, 100, 199, 399] {
            let ref = pow(0.5 - 0.5 * cos(2 * Double.pi * Double(n) / 399), 0.85)
            XCTAssertEqual(Double(w[n]), ref, accuracy: 3e-7, "window[\(n)]")
        }
    }

    /// Builds an .npy file by hand: version, descr, shape, payload.
    func npy(major: UInt8, descr: String, shape: String, payload: Data) throws -> String {
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let prefix = major == 1 ? 10 : 12
        while (prefix + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var d = Data([0x93] + Array("NUMPY".utf8) + [major, 0])
        if major == 1 { withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { d.append(contentsOf: $0) } }
        else { withUnsafeBytes(of: UInt32(header.utf8.count).littleEndian) { d.append(contentsOf: $0) } }
        d.append(Data(header.utf8)); d.append(payload)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-npy-\(getpid())-\(major)-\(descr.hashValue).npy")
        try d.write(to: url)
        return url.path
    }

    func testHeaderVersionsAndDTypes() throws {
        var f8 = Data(), i8 = Data()
        for v in [1.5, -2.25, 3.0, 4.0, 5.0, 6.0] { withUnsafeBytes(of: v.bitPattern.littleEndian) { f8.append(contentsOf: $0) } }
        for v: Int64 in [-3, 9_000_000_000] { withUnsafeBytes(of: v.littleEndian) { i8.append(contentsOf: $0) } }
        let a = try NumpyFile.read(path: npy(major: 2, descr: "<f8", shape: "(2, 3)", payload: f8))
        XCTAssertEqual(a.shape, [2, 3])
        XCTAssertEqual(try a.floatTensor(key: "a").array, [1.5, -2.25, 3, 4, 5, 6])
        let b = try NumpyFile.read(path: npy(major: 3, descr: "<i8", shape: "(2,)", payload: i8))
        XCTAssertEqual(b.int64Array(), [-3, 9_000_000_000])
        let c = try NumpyFile.read(path: npy(major: 1, descr: "<f4", shape: "()", payload: Data([0, 0, 0x80, 0x3F])))
        XCTAssertEqual(c.shape, [])
        XCTAssertEqual(try c.floatTensor(key: "c").array, [1])
        // .npy through WeightStore: one array under the key "".
        let store = try WeightStore(path: npy(major: 1, descr: "<i8", shape: "(2,)", payload: i8))
        XCTAssertEqual(try store.root.int64s("", shape: [2]), [-3, 9_000_000_000])
    }

    func testRejectsFortranOrderAndUnknownDType() throws {
        let fortran = try npy(major: 1, descr: "<f4", shape: "(1,)", payload: Data(count: 4))
        let text = try String(contentsOfFile: fortran, encoding: .isoLatin1).replacingOccurrences(of: "False", with: "True ")
        try text.data(using: .isoLatin1)!.write(to: URL(fileURLWithPath: fortran))
        XCTAssertThrowsError(try NumpyFile.read(path: fortran)) { XCTAssertTrue("\($0)".contains("fortran_order"), "\($0)") }
        let big = try npy(major: 1, descr: ">f4", shape: "(1,)", payload: Data(count: 4))
        XCTAssertThrowsError(try NumpyFile.read(path: big)) { XCTAssertTrue("\($0)".contains(">f4"), "\($0)") }
    }
}
