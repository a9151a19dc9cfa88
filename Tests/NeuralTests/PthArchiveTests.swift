// Zip container and pickle details of torch.save archives, on hand-built archives:
// strided views, storage offsets, parameters, nested dicts, opaque objects, zip64,
// compressed entries, bare tensors.
import Foundation
import XCTest
@testable import Neural
import TestSupport

/// Writes a zip of stored entries (CRC fields left 0: the reader does not check them), optionally
/// with zip64 extra fields and end records as torch writes for archives above 4 GiB.
enum PthTestZip {
    static func build(_ entries: [(String, Data)], zip64: Bool = false, methodOverride: [String: UInt16] = [:]) -> Data {
        var out = Data()
        var central = Data()
        func le<T: FixedWidthInteger>(_ v: T, _ d: inout Data) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        for (name, payload) in entries {
            let offset = out.count
            let nameBytes = Data(name.utf8)
            let method = methodOverride[name] ?? 0
            le(UInt32(0x0403_4B50), &out); le(UInt16(zip64 ? 45 : 20), &out); le(UInt16(0), &out); le(method, &out)
            le(UInt32(0), &out); le(UInt32(0), &out)  // time/date, crc
            le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(payload.count)), &out)
            le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(payload.count)), &out)
            le(UInt16(nameBytes.count), &out)
            var localExtra = Data()
            if zip64 { le(UInt16(1), &localExtra); le(UInt16(16), &localExtra); le(UInt64(payload.count), &localExtra); le(UInt64(payload.count), &localExtra) }
            le(UInt16(localExtra.count), &out)
            out.append(nameBytes); out.append(localExtra); out.append(payload)

            le(UInt32(0x0201_4B50), &central); le(UInt16(zip64 ? 45 : 20), &central); le(UInt16(zip64 ? 45 : 20), &central)
            le(UInt16(0), &central); le(method, &central); le(UInt32(0), &central); le(UInt32(0), &central)
            le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(payload.count)), &central)
            le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(payload.count)), &central)
            le(UInt16(nameBytes.count), &central)
            var extra = Data()
            if zip64 {
                le(UInt16(1), &extra); le(UInt16(24), &extra)
                le(UInt64(payload.count), &extra); le(UInt64(payload.count), &extra); le(UInt64(offset), &extra)
            }
            le(UInt16(extra.count), &central); le(UInt16(0), &central); le(UInt16(0), &central); le(UInt16(0), &central)
            le(UInt32(0), &central); le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(offset)), &central)
            central.append(nameBytes); central.append(extra)
        }
        let cdOffset = out.count
        out.append(central)
        if zip64 {
            let z64 = out.count
            le(UInt32(0x0606_4B50), &out); le(UInt64(44), &out); le(UInt16(45), &out); le(UInt16(45), &out)
            le(UInt32(0), &out); le(UInt32(0), &out)
            le(UInt64(entries.count), &out); le(UInt64(entries.count), &out)
            le(UInt64(central.count), &out); le(UInt64(cdOffset), &out)
            le(UInt32(0x0706_4B50), &out); le(UInt32(0), &out); le(UInt64(z64), &out); le(UInt32(1), &out)
        }
        le(UInt32(0x0605_4B50), &out); le(UInt16(0), &out); le(UInt16(0), &out)
        le(UInt16(zip64 ? 0xFFFF : UInt16(entries.count)), &out); le(UInt16(zip64 ? 0xFFFF : UInt16(entries.count)), &out)
        le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(central.count)), &out)
        le(UInt32(zip64 ? 0xFFFF_FFFF : UInt32(cdOffset)), &out)
        le(UInt16(0), &out)
        return out
    }

    static func write(_ data: Data, name: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bookvox-pth-tests-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try data.write(to: url)
        return url.path
    }
}

final class PthArchiveTests: XCTestCase {
    // Produced by Python's pickle (protocol 2, as torch.save uses) with stand-ins for torch's
    // classes and persistent ids ('storage', torch.<T>Storage, key, 'cpu', numel):
    // {'model': OrderedDict(a.weight: storage0[0:12] (3,4) stride (4,1); a.weight_t: same storage (4,3)
    //   stride (1,4); b.bias: Parameter(storage0 offset 5, (3,), stride (2,)); pos: LongStorage '1' (4,);
    //   sub: {'x': HalfStorage '2' (2,)}) with _metadata restored by BUILD,
    //  'optimizer': {'state': {0: {'step': 10}}, 'param_groups': [...]}, 'args': argparse.Namespace(lr, name),
    //  'epoch': 3, 'big': 2**70, 'f': -1.5, 'b': b'xy', 'none': None}
    static let nestedPickle = """
    gAJ9cQAoWAUAAABtb2RlbHEBY2NvbGxlY3Rpb25zCk9yZGVyZWREaWN0CnECKVJxAyhYCAAAAGEud2VpZ2h0cQRjdG9yY2guX3V0aWxzCl9yZWJ1aWxkX3RlbnNvcl92MgpxBSgoWAcAAABzdG9yYWdlcQZjdG9yY2gKRmxvYXRTdG9yYWdlCnEHWAEAAAAwcQhYAwAAAGNwdXEJSwx0cQpRSwBLA0sEhnELSwRLAYZxDIloAilScQ10cQ5ScQ9YCgAAAGEud2VpZ2h0X3RxEGgFKChoBmgHaAhoCUsMdHERUUsASwRLA4ZxEksBSwSGcROJaAIpUnEUdHEVUnEWWAYAAABiLmJpYXNxF2N0b3JjaC5fdXRpbHMKX3JlYnVpbGRfcGFyYW1ldGVyCnEYaAUoKGgGaAdoCGgJSwx0cRlRSwVLA4VxGksChXEbiWgCKVJxHHRxHVJxHohoAilScR+HcSBScSFYAwAAAHBvc3EiaAUoKGgGY3RvcmNoCkxvbmdTdG9yYWdlCnEjWAEAAAAxcSRoCUsEdHElUUsASwSFcSZLAYVxJ4loAilScSh0cSlScSpYAwAAAHN1YnErfXEsWAEAAAB4cS1oBSgoaAZjdG9yY2gKSGFsZlN0b3JhZ2UKcS5YAQAAADJxL2gJSwJ0cTBRSwBoG2gniWgCKVJxMXRxMlJxM3N1fXE0WAkAAABfbWV0YWRhdGFxNWgCKVJxNlgAAAAAcTd9cThYBwAAAHZlcnNpb25xOUsBc3NzYlgJAAAAb3B0aW1pemVycTp9cTsoWAUAAABzdGF0ZXE8fXE9SwB9cT5YBAAAAHN0ZXBxP0sKc3NYDAAAAHBhcmFtX2dyb3Vwc3FAXXFBfXFCKFgCAAAAbHJxQ0c/uZmZmZmZmlgGAAAAcGFyYW1zcURdcUUoSwBLAWV1YXVYBAAAAGFyZ3NxRmNhcmdwYXJzZQpOYW1lc3BhY2UKcUcpgXFIfXFJKGhDRz+5mZmZmZmaWAQAAABuYW1lcUpYAwAAAHJ1bnFLdWJYBQAAAGVwb2NocUxLA1gDAAAAYmlncU2KCQAAAAAAAAAAQFgBAAAAZnFOR7/4AAAAAAAAWAEAAABicU9jX2NvZGVjcwplbmNvZGUKcVBYAgAAAHh5cVFYBgAAAGxhdGluMXFShnFTUnFUWAQAAABub25lcVVOdS4=
    """
    // Same stand-ins: a bare tensor, storage0 offset 2, size (2,2), stride (1,2).
    static let barePickle = """
    gAJjdG9yY2guX3V0aWxzCl9yZWJ1aWxkX3RlbnNvcl92MgpxACgoWAcAAABzdG9yYWdlcQFjdG9yY2gKRmxvYXRTdG9yYWdlCnECWAEAAAAwcQNYAwAAAGNwdXEESwx0cQVRSwJLAksChnEGSwFLAoZxB4ljY29sbGVjdGlvbnMKT3JkZXJlZERpY3QKcQgpUnEJdHEKUnELLg==
    """

    static func storages() -> [(String, Data)] {
        var f = Data(), l = Data(), h = Data()
        for i in 0..<12 { withUnsafeBytes(of: Float(i).bitPattern.littleEndian) { f.append(contentsOf: $0) } }
        for v: Int64 in [7, 8, 9, 10] { withUnsafeBytes(of: v.littleEndian) { l.append(contentsOf: $0) } }
        for bits: UInt16 in [0x3C00, 0xC100] { withUnsafeBytes(of: bits.littleEndian) { h.append(contentsOf: $0) } }  // 1.0, -2.5
        return [("ckpt/data/0", f), ("ckpt/data/1", l), ("ckpt/data/2", h)]
    }

    static func archive(pickle: String, zip64: Bool = false, method: [String: UInt16] = [:]) -> Data {
        let pkl = Data(base64Encoded: pickle.trimmingCharacters(in: .whitespacesAndNewlines))!
        return PthTestZip.build([("ckpt/data.pkl", pkl), ("ckpt/byteorder", Data("little".utf8))] + storages()
                                + [("ckpt/version", Data("3\n".utf8))], zip64: zip64, methodOverride: method)
    }

    func checkNested(_ path: String) throws {
        let store = try WeightStore(path: path, rootKey: "model")
        XCTAssertEqual(store.keys, ["a.weight", "a.weight_t", "b.bias", "pos", "sub.x"])
        let root = store.root
        XCTAssertEqual(try root.tensor("a.weight", shape: [3, 4]).array, (0..<12).map(Float.init))
        XCTAssertEqual(try root.tensor("a.weight_t", shape: [4, 3]).array, [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
        XCTAssertEqual(try root.scope("b").tensor("bias", shape: [3]).array, [5, 7, 9])
        XCTAssertEqual(try root.int64s("pos", shape: [4]), [7, 8, 9, 10])
        XCTAssertEqual(try root.scope("sub").tensor("x", shape: [2]).array, [1.0, -2.5])
        XCTAssertNoThrow(try store.finish())
    }

    func testNestedCheckpointWithOpaqueValues() throws {
        try checkNested(PthTestZip.write(Self.archive(pickle: Self.nestedPickle), name: "nested.pth"))
        // Without rootKey every tensor is found under its flattened path; non-tensors are skipped.
        let all = try TorchCheckpoint(path: PthTestZip.write(Self.archive(pickle: Self.nestedPickle), name: "nested2.pt"))
        XCTAssertEqual(try all.tensors().keys.sorted(), ["model.a.weight", "model.a.weight_t", "model.b.bias", "model.pos", "model.sub.x"])
        guard case let .dict(d) = all.root else { return XCTFail("root is not a dict") }
        XCTAssertEqual(d["epoch"]?.int, 3)
        if case let .float(f)? = d["f"] { XCTAssertEqual(f, -1.5) } else { XCTFail("'f' is not a float") }
        if case .bigInt? = d["big"] {} else { XCTFail("2**70 should be a big integer") }
        if case let .object(o)? = d["args"] {
            XCTAssertEqual(o.callable.qualifiedName, "argparse.Namespace")
        } else { XCTFail("'args' should stay an opaque object") }
        if case let .dict(model)? = d["model"] { XCTAssertNotNil(model.attributes, "_metadata BUILD state kept apart") }
    }

    func testZip64Archive() throws {
        try checkNested(PthTestZip.write(Self.archive(pickle: Self.nestedPickle, zip64: true), name: "zip64.pth"))
    }

    func testCompressedEntryIsReportedByName() throws {
        let path = try PthTestZip.write(Self.archive(pickle: Self.nestedPickle, method: ["ckpt/data/1": 8]), name: "deflated.pth")
        XCTAssertThrowsError(try WeightStore(path: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("ckpt/data/1") && text.contains("compressed"), text)
        }
    }

    func testMissingRootKeyListsTopLevelKeys() throws {
        let path = try PthTestZip.write(Self.archive(pickle: Self.nestedPickle), name: "rootkey.pth")
        XCTAssertThrowsError(try WeightStore(path: path, rootKey: "generator")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("'generator'") && text.contains("model"), text)
        }
    }

    func testBareStridedTensor() throws {
        let path = try PthTestZip.write(Self.archive(pickle: Self.barePickle), name: "bare.pt")
        let store = try WeightStore(path: path)
        XCTAssertEqual(store.keys, [TorchCheckpoint.bareTensorKey])
        // storage [0…11], offset 2, size (2,2), stride (1,2) → [[2,4],[3,5]]
        XCTAssertEqual(try store.root.tensor("", shape: [2, 2]).array, [2, 4, 3, 5])
    }

    func testNotAZipIsMalformed() throws {
        let path = try PthTestZip.write(Data(repeating: 7, count: 100), name: "junk.pth")
        XCTAssertThrowsError(try WeightStore(path: path)) { error in
            XCTAssertTrue("\(error)".contains("end-of-central-directory"), "\(error)")
        }
    }
}
