// Export JSON files (timings, ACX report) as stable bytes: sorted keys, pretty-printed, a final newline, no
// timestamps — identical content gives identical files.
import Foundation

extension Encodable {
    public func stableJSON() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        var d = try enc.encode(self)
        d.append(0x0A)
        return d
    }
}
