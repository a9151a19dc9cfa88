// Sizes computed from numbers a weight file claims (shapes, offsets, lengths) without trapping: a negative
// dimension or an overflowing product is nil, so the reader can say the file is malformed.
import Foundation

enum CheckedSize {
    /// The number of elements of `shape`, or nil when a dimension is negative or the product overflows.
    static func elements(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            n = p
        }
        return n
    }

    /// The bytes `shape` takes at `dtype`, or nil (see `elements`).
    static func bytes(_ shape: [Int], _ dtype: DType) -> Int? {
        guard let n = elements(shape) else { return nil }
        let (b, overflow) = n.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : b
    }

    /// A little-endian u64 from a file as an Int, or nil beyond Int.max.
    static func int(_ v: UInt64) -> Int? { v <= UInt64(Int.max) ? Int(v) : nil }
}
