// Inputs that crashed or leaked in the weight readers under libFuzzer (Fuzz/, scripts/fuzz.sh), and the
// checked sizes added while fixing them: every one is now a clear WeightError / PickleError, never a trap.
import Foundation
import XCTest
@testable import Neural

final class WeightReaderFuzzRegressionTests: XCTestCase {
    private func write(_ bytes: [UInt8], _ name: String) throws -> String {
        try PthTestZip.write(Data(bytes), name: "fuzz-\(name)")
    }

    /// A safetensors file: 8-byte header length, JSON header, data.
    private func safetensors(header: String, data: [UInt8] = []) -> [UInt8] {
        let h = Array(header.utf8)
        return withUnsafeBytes(of: UInt64(h.count).littleEndian, Array.init) + h + data
    }

    private func assertMalformed(_ body: () throws -> Void, _ expected: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(expected), "\(error)", file: file, line: line)
        }
    }

    /// Fuzzer crash (safetensors, .npy and torch zip targets alike): an integer view of a float tensor trapped
    /// on NaN, infinity or a value beyond Int64.
    func testFloatsWithoutAnIntegerValue() throws {
        let values: [Float] = [.nan, .infinity, 1e30, -3.7]
        let bytes = values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let path = try write(safetensors(header: #"{"ids":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: bytes), "nan.safetensors")
        let file = try SafeTensorsFile(path: path)
        XCTAssertEqual(try file.raw("ids").int64Array(), [0, .max, .max, -3])
        assertMalformed({ _ = try file.int64s("ids") }, "'ids' should hold integers but element 0 is nan")
    }

    /// Fuzzer crash (torch pickle target), verbatim: BINBYTES8 with a length above Int.max trapped converting it.
    func testPickleLengthBeyondIntMax() throws {
        let crash: [UInt8] = [0x5D, 0x8E, 0x86, 0x65, 0x4B, 0x86, 0x86, 0x65, 0x4B, 0x86, 0x61]
        try crash.withUnsafeBytes { raw in
            XCTAssertThrowsError(try Unpickler().load(raw)) { XCTAssertTrue("\($0)".contains("exceeds the 11-byte pickle"), "\($0)") }
        }
    }

    /// Fuzzer leak (torch pickle target): a list appended to itself is a cycle ARC never frees; such a pickle
    /// is refused and taken apart.
    func testSelfReferencePickleIsRefused() throws {
        let pickle: [UInt8] = [0x5D, 0x71, 0x00, 0x68, 0x00, 0x61, 0x2E]  // EMPTY_LIST BINPUT 0 BINGET 0 APPEND STOP
        try pickle.withUnsafeBytes { raw in
            let unpickler = Unpickler(reduce: { _, _ in nil })
            XCTAssertThrowsError(try unpickler.load(raw)) { XCTAssertTrue("\($0)".contains("contains itself"), "\($0)") }
        }
        // A list shared twice (no cycle) is fine.
        let shared: [UInt8] = [0x5D, 0x71, 0x00, 0x68, 0x00, 0x86, 0x2E]  // EMPTY_LIST BINPUT 0 BINGET 0 TUPLE2 STOP
        shared.withUnsafeBytes { raw in XCTAssertEqual(try? Unpickler().load(raw).tuple?.count, 2) }
    }

    func testDeeplyNestedPickleIsRefused() throws {
        let pickle: [UInt8] = [0x4E] + Array(repeating: 0x85, count: Unpickler.maxDepth + 1) + [0x2E]  // NONE, TUPLE1…, STOP
        try pickle.withUnsafeBytes { raw in
            XCTAssertThrowsError(try Unpickler().load(raw)) { XCTAssertTrue("\($0)".contains("nested deeper than"), "\($0)") }
        }
        let ok: [UInt8] = [0x4E] + Array(repeating: 0x85, count: 50) + [0x2E]
        ok.withUnsafeBytes { raw in XCTAssertNotNil(try? Unpickler().load(raw)) }
    }

    func testSafeTensorsHeadersWithImpossibleNumbers() throws {
        let huge = try write([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Array("{}".utf8), "huge.safetensors")
        assertMalformed({ _ = try SafeTensorsFile(path: huge) }, "header length 18446744073709551615 exceeds file size")
        let cases = [
            (#"{"t":{"dtype":"F32","shape":[-1,-4],"data_offsets":[0,16]}}"#, "impossible shape [-1, -4]"),
            (#"{"t":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,16]}}"#, "impossible shape"),
            (#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[-16,0]}}"#, "data range [-16, 0]"),
            (#"{"t":{"dtype":"F32","shape":[4],"data_offsets":[9223372036854775800,9223372036854775807]}}"#, "lies outside"),
        ]
        for (i, (header, expected)) in cases.enumerated() {
            let path = try write(safetensors(header: header, data: Array(repeating: 0, count: 16)), "bad\(i).safetensors")
            assertMalformed({ _ = try SafeTensorsFile(path: path) }, expected)
        }
    }

    func testNumpyShapeThatOverflows() throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        let bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0] + withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian, Array.init)
            + Array(header.utf8) + Array(repeating: 0, count: 16)
        let path = try write(bytes, "overflow.npy")
        assertMalformed({ _ = try NumpyFile.read(path: path) }, "impossible shape")
    }

    func testZip64RecordsPointingBeyondAnything() throws {
        // A zip64 locator whose end-record offset is 2^64 - 1.
        var bytes: [UInt8] = Array(repeating: 0, count: 8)
        bytes += [0x50, 0x4B, 0x06, 0x07] + [0, 0, 0, 0] + Array(repeating: 0xFF, count: 8) + [1, 0, 0, 0]
        bytes += [0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18)
        let path = try write(bytes, "zip64.pth")
        assertMalformed({ _ = try ZipArchive(path: path) }, "zip64 locator points at no zip64 end record")
    }

    /// `_rebuild_tensor_v2(storage, 0, size, stride, False, {})` with storage "0" of 12 floats.
    private func checkpoint(size: [UInt8], stride: [UInt8], name: String) throws -> String {
        var p: [UInt8] = Array("ctorch._utils\n_rebuild_tensor_v2\n(".utf8)
        p += Array("(S'storage'\nctorch\nFloatStorage\nS'0'\nS'cpu'\n".utf8) + [0x4B, 12, 0x74, 0x51]  // BININT1 12, TUPLE, BINPERSID
        p += [0x4B, 0]                                                                                 // offset 0
        p += [0x28] + size + [0x74] + [0x28] + stride + [0x74] + [0x89, 0x7D, 0x74, 0x52, 0x2E]         // …, NEWFALSE, {}, TUPLE, REDUCE, STOP
        let zip = PthTestZip.build([("ckpt/data.pkl", Data(p)), ("ckpt/data/0", Data(count: 48))])
        return try PthTestZip.write(zip, name: name)
    }

    func testTorchViewsWithNegativeOrOverflowingSizes() throws {
        let long62: [UInt8] = [0x8A, 8, 0, 0, 0, 0, 0, 0, 0, 0x40]  // LONG1 2^62
        let minusOne: [UInt8] = [0x4A, 0xFF, 0xFF, 0xFF, 0xFF]       // BININT -1
        let four: [UInt8] = [0x4B, 4], one: [UInt8] = [0x4B, 1]
        let fits = try checkpoint(size: [0x4B, 3] + four, stride: four + one, name: "fits.pth")
        XCTAssertEqual(try TorchCheckpoint(path: fits).tensors()[TorchCheckpoint.bareTensorKey]?.shape, [3, 4])
        for (i, (size, stride)) in [(long62 + four, four + one), (minusOne + four, four + one), (four + four, long62 + one)].enumerated() {
            let path = try checkpoint(size: size, stride: stride, name: "view\(i).pth")
            assertMalformed({ _ = try TorchCheckpoint(path: path) }, "does not fit its storage of 12 elements")
        }
    }
}
