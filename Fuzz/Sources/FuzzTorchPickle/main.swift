// libFuzzer target: the input is the data.pkl of a well-formed torch.save archive that also holds storages
// "0" (64 bytes) and "1" (6 bytes), so the unpickler and the tensor rebuilding get arbitrary pickles.
import Foundation
import FuzzDriver
import FuzzSupport
import Neural

func fuzzTorchPickle(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    let zip = FuzzSupport.storedZip([
        ("archive/data.pkl", Array(UnsafeBufferPointer(start: data, count: size))),
        ("archive/byteorder", Array("little".utf8)),
        ("archive/data/0", (0..<64).map { UInt8($0) }),
        ("archive/data/1", [1, 2, 3, 4, 5, 6]),
    ])
    zip.withUnsafeBufferPointer { buffer in
        FuzzSupport.withFile(buffer.baseAddress!, buffer.count, suffix: ".pth") { path in
            let checkpoint = try TorchCheckpoint(path: path)
            for (key, raw) in try checkpoint.tensors() { try FuzzSupport.touch(raw, key: key) }
        }
    }
    return 0
}

exit(FuzzDriver.run(fuzzTorchPickle))
