// A static byte-wise trie over UTF-8 keys, built once when a tokenizer loads. Each node's children
// sit in one sorted, contiguous range, so a transition is a short scan or a binary search.
// Used for the SentencePiece vocabulary lattice and for the user-defined-symbol prefix matcher
// (SentencePiece builds darts-clone tries from the same keys at load time; only the lookups matter).
import Foundation

struct ByteTrie {
    private var firstChild: [Int32] = []   // per node: start of its child range
    private var childCount: [UInt16] = []  // per node: number of children
    private var labels: [UInt8] = []       // per child slot: edge byte (sorted within a node)
    private var targets: [Int32] = []      // per child slot: child node
    private var values: [Int32] = []       // per node: stored value or -1

    static let root: Int32 = 0

    /// Builds the trie; a later duplicate key keeps the first value (SentencePiece rejects duplicates earlier).
    init<S: Sequence>(keys: S) where S.Element == (key: [UInt8], value: Int) {
        // Build with per-node dictionaries, then flatten breadth-first.
        var children: [[UInt8: Int32]] = [[:]]
        var vals: [Int32] = [-1]
        for (key, value) in keys {
            var node = 0
            for b in key {
                if let next = children[node][b] {
                    node = Int(next)
                } else {
                    let next = Int32(children.count)
                    children[node][b] = next
                    children.append([:])
                    vals.append(-1)
                    node = Int(next)
                }
            }
            if vals[node] < 0 { vals[node] = Int32(value) }
        }
        // Renumber nodes in BFS order so child ranges are contiguous.
        var order: [Int] = [0]
        var newIndex = [Int32](repeating: -1, count: children.count)
        newIndex[0] = 0
        var head = 0
        while head < order.count {
            let old = order[head]
            head += 1
            for (_, child) in children[old].sorted(by: { $0.key < $1.key }) {
                newIndex[Int(child)] = Int32(order.count)
                order.append(Int(child))
            }
        }
        firstChild = [Int32](repeating: 0, count: order.count)
        childCount = [UInt16](repeating: 0, count: order.count)
        values = [Int32](repeating: -1, count: order.count)
        labels.reserveCapacity(order.count)
        targets.reserveCapacity(order.count)
        for (n, old) in order.enumerated() {
            values[n] = vals[old]
            firstChild[n] = Int32(labels.count)
            let sorted = children[old].sorted(by: { $0.key < $1.key })
            childCount[n] = UInt16(sorted.count)
            for (b, child) in sorted {
                labels.append(b)
                targets.append(newIndex[Int(child)])
            }
        }
    }

    /// The child of `node` along byte `b`, or -1.
    @inline(__always) func child(_ node: Int32, _ b: UInt8) -> Int32 {
        let start = Int(firstChild[Int(node)])
        let count = Int(childCount[Int(node)])
        if count <= 8 {
            var i = start
            let end = start + count
            while i < end {
                if labels[i] == b { return targets[i] }
                i += 1
            }
            return -1
        }
        var lo = start, hi = start + count
        while lo < hi {
            let mid = (lo + hi) >> 1
            let l = labels[mid]
            if l == b { return targets[mid] }
            if l < b { lo = mid + 1 } else { hi = mid }
        }
        return -1
    }

    /// The value stored at `node`, or -1.
    @inline(__always) func value(_ node: Int32) -> Int { Int(values[Int(node)]) }

    /// Longest key that is a prefix of `bytes[start..<end]`: its length in bytes, or 0 if none.
    func longestPrefixLength(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var node = Self.root
        var best = 0
        var i = start
        while i < end {
            node = child(node, bytes[i])
            if node < 0 { break }
            i += 1
            if values[Int(node)] >= 0 { best = i - start }
        }
        return best
    }
}
