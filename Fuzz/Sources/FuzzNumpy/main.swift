// libFuzzer target: NumpyFile.read on arbitrary bytes; an accepted array is read in full.
import Foundation
import FuzzDriver
import FuzzSupport
import Neural

func fuzzNumpy(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    FuzzSupport.withFile(data, size, suffix: ".npy") { path in
        try FuzzSupport.touch(NumpyFile.read(path: path), key: "array")
    }
    return 0
}

exit(FuzzDriver.run(fuzzNumpy))
