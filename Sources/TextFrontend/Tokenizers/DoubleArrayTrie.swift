// Read-only view of a darts-clone double-array trie, the format SentencePiece stores in
// NormalizerSpec.precompiled_charsmap. Mirrors Darts::DoubleArrayImpl::commonPrefixSearch.
// Unit layout (32-bit little-endian): bit 8 = has_leaf, bits 0-7 = label (bit 31 set on leaf units),
// value = low 31 bits of a leaf unit, offset = (unit >> 10) << ((unit & (1 << 9)) >> 6).
import Foundation

struct DoubleArrayTrie {
    private let units: [UInt32]

    init(units: [UInt32]) { self.units = units }

    @inline(__always) private static func hasLeaf(_ u: UInt32) -> Bool { (u >> 8) & 1 == 1 }
    @inline(__always) private static func value(_ u: UInt32) -> Int { Int(u & ((1 << 31) - 1)) }
    @inline(__always) private static func label(_ u: UInt32) -> UInt32 { u & ((1 << 31) | 0xFF) }
    @inline(__always) private static func offset(_ u: UInt32) -> Int { Int((u >> 10) << ((u & (1 << 9)) >> 6)) }

    /// The longest key that is a prefix of `key[start..<end]`: (length in bytes, value), or nil.
    /// SentencePiece keeps the longest of the (at most 32) common-prefix results.
    func longestPrefix(_ key: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> (length: Int, value: Int)? {
        guard !units.isEmpty else { return nil }
        var best: (length: Int, value: Int)?
        var nodePos = Self.offset(units[0])
        var i = start
        while i < end {
            let c = key[i]
            nodePos ^= Int(c)
            guard nodePos >= 0, nodePos < units.count else { return best }
            let unit = units[nodePos]
            if Self.label(unit) != UInt32(c) { return best }
            nodePos ^= Self.offset(unit)
            if Self.hasLeaf(unit) {
                guard nodePos >= 0, nodePos < units.count else { return best }
                best = (i + 1 - start, Self.value(units[nodePos]))
            }
            i += 1
        }
        return best
    }
}
