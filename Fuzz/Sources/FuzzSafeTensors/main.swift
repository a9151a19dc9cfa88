// libFuzzer target: SafeTensorsFile on arbitrary bytes; every tensor it accepts is read in full.
import Foundation
import FuzzDriver
import FuzzSupport
import Neural

func fuzzSafeTensors(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = input else { return 0 }
    FuzzSupport.withFile(data, size, suffix: ".safetensors") { path in
        let file = try SafeTensorsFile(path: path)
        for key in file.keys { try FuzzSupport.touch(file.raw(key), key: key) }
    }
    return 0
}

exit(FuzzDriver.run(fuzzSafeTensors))
