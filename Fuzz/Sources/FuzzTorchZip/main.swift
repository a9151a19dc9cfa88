// libFuzzer target: TorchCheckpoint on arbitrary bytes (the zip container first); accepted tensors are read.
import Foundation
import FuzzDriver
import FuzzSupport
import Neural

func fuzzTorchZip(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    FuzzSupport.withFile(data, size, suffix: ".pth") { path in
        let checkpoint = try TorchCheckpoint(path: path)
        for (key, raw) in try checkpoint.tensors() { try FuzzSupport.touch(raw, key: key) }
    }
    return 0
}

exit(FuzzDriver.run(fuzzTorchZip))
