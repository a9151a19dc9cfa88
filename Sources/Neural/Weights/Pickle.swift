// A pickle virtual machine (protocols 0–5 data opcodes) sufficient for PyTorch
// checkpoints. It never executes Python: GLOBAL/STACK_GLOBAL produce a named
// reference, and REDUCE / NEWOBJ / BUILD either go through a host hook (torch
// tensor rebuilding, OrderedDict) or produce an opaque object that callers skip.
import Foundation

/// A mutable list (shared through the memo, so a reference type).
public final class PickleList {
    public var items: [PickleValue]
    /// Nesting depth (the unpickler's limit check).
    var depth = 1
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A dict / OrderedDict in insertion order (keys are usually strings; ints appear in optimizer state).
public final class PickleDict {
    public var items: [(key: PickleValue, value: PickleValue)] = []
    /// Instance attributes restored by BUILD (e.g. a state_dict's `_metadata`); never dict items.
    public var attributes: PickleValue?
    /// Nesting depth (the unpickler's limit check).
    var depth = 1
    init() {}

    public subscript(key: String) -> PickleValue? {
        items.last { $0.key.string == key }?.value
    }
}

/// An object the VM cannot construct (argparse.Namespace, optimizer classes, numpy arrays …).
public final class PickleObject {
    public let callable: PickleValue
    public let args: PickleValue
    public var state: PickleValue?
    init(callable: PickleValue, args: PickleValue) {
        self.callable = callable
        self.args = args
    }
}

/// A host value produced by a hook (torch storages and tensors).
public protocol PickleHostValue: AnyObject {}

public indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int64)
    /// An integer wider than 64 bits (little-endian two's complement bytes).
    case bigInt([UInt8])
    case float(Double)
    case string(String)
    case bytes(Data)
    case list(PickleList)
    case tuple([PickleValue])
    case dict(PickleDict)
    case set([PickleValue])
    case global(module: String, name: String)
    case object(PickleObject)
    case host(PickleHostValue)

    public var string: String? { if case let .string(s) = self { return s }; return nil }
    public var int: Int? { if case let .int(i) = self { return Int(i) }; return nil }
    public var tuple: [PickleValue]? {
        switch self {
        case let .tuple(t): return t
        case let .list(l): return l.items
        default: return nil
        }
    }
    public var qualifiedName: String? { if case let .global(m, n) = self { return m + "." + n }; return nil }
}

public struct PickleError: Error, CustomStringConvertible {
    public let reason: String
    public let offset: Int
    public var description: String { "pickle: \(reason) (at byte \(offset))" }
}

public struct Unpickler {
    /// Values nested deeper than this are refused: checkpoints nest a few levels, and walking or freeing a
    /// value recurses once per level. (A list or dict filled after it was put inside another value is not
    /// re-counted in its parents; such shared references do not occur in torch.save output.)
    public static let maxDepth = 1000

    /// Called for BINPERSID / PERSID with the persistent id.
    public var persistentLoad: (PickleValue) throws -> PickleValue
    /// Called for REDUCE and NEWOBJ with the callable and its argument tuple; nil = make an opaque object.
    public var reduce: (PickleValue, [PickleValue]) throws -> PickleValue?

    public init(persistentLoad: @escaping (PickleValue) throws -> PickleValue = { _ in .none },
                reduce: @escaping (PickleValue, [PickleValue]) throws -> PickleValue? = { _, _ in nil }) {
        self.persistentLoad = persistentLoad
        self.reduce = reduce
    }

    public func load(_ data: UnsafeRawBufferPointer) throws -> PickleValue {
        var stack: [PickleValue] = []
        /// Nesting depth of each stack value (0 for a scalar); lists and dicts keep theirs in `depth`.
        var depths: [Int] = []
        var marks: [Int] = []
        var memo: [Int: (value: PickleValue, depth: Int)] = [:]
        /// Every list, dict and object made, so that a pickle whose values refer to themselves (a cycle ARC
        /// would never free) can be refused and taken apart.
        var containers: [AnyObject] = []
        var succeeded = false
        defer { if !succeeded { Unpickler.breakReferences(containers) } }
        var pos = 0
        let n = data.count

        func fail(_ why: String) -> PickleError { PickleError(reason: why, offset: pos) }
        func need(_ k: Int) throws { if pos + k > n { throw fail("truncated data (need \(k) more bytes)") } }
        func byte() throws -> UInt8 { try need(1); defer { pos += 1 }; return data[pos] }
        func uint(_ k: Int) throws -> UInt64 {
            try need(k)
            var v: UInt64 = 0
            for i in 0..<k { v |= UInt64(data[pos + i]) << (8 * UInt64(i)) }
            pos += k
            return v
        }
        /// A length read from the data, checked before it becomes an Int (a u64 can exceed Int.max).
        func length(_ size: Int) throws -> Int {
            let v = try uint(size)
            guard v <= UInt64(n) else { throw fail("length \(v) exceeds the \(n)-byte pickle") }
            return Int(v)
        }
        func bytes(_ k: Int) throws -> Data {
            guard k >= 0 else { throw fail("negative length") }
            try need(k)
            defer { pos += k }
            return Data(data[pos..<(pos + k)])
        }
        func line() throws -> String {
            var end = pos
            while end < n && data[end] != 0x0A { end += 1 }
            guard end < n else { throw fail("unterminated text line") }
            defer { pos = end + 1 }
            return String(decoding: data[pos..<end], as: UTF8.self)
        }
        func depthOf(_ v: PickleValue, _ recorded: Int) -> Int {
            switch v {
            case let .list(l): return max(recorded, l.depth)
            case let .dict(d): return max(recorded, d.depth)
            default: return recorded
            }
        }
        /// Pushes a value nested `depth` deep; deeper than `maxDepth` is an error (deep values would overflow
        /// the stack when walked or freed).
        func push(_ v: PickleValue, depth: Int = 0) throws {
            guard depth <= Unpickler.maxDepth else { throw fail("values nested deeper than \(Unpickler.maxDepth) levels") }
            stack.append(v)
            depths.append(depth)
        }
        func popWithDepth() throws -> (PickleValue, Int) {
            guard let v = stack.popLast(), let d = depths.popLast() else { throw fail("stack underflow") }
            return (v, depthOf(v, d))
        }
        func pop() throws -> PickleValue { try popWithDepth().0 }
        func popMark() throws -> [PickleValue] { try popMarkWithDepth().items }
        /// The values above the last MARK and the deepest of their depths.
        func popMarkWithDepth() throws -> (items: [PickleValue], depth: Int) {
            guard let m = marks.popLast() else { throw fail("MARK missing") }
            guard m <= stack.count else { throw fail("stack underflow below MARK") }
            let items = Array(stack[m...])
            let d = zip(items, depths[m...]).map { depthOf($0, $1) }.max() ?? 0
            stack.removeSubrange(m...)
            depths.removeSubrange(m...)
            return (items, d)
        }
        func top() throws -> PickleValue {
            guard let v = stack.last else { throw fail("stack underflow") }
            return v
        }
        func topDepth() -> Int { depthOf(stack[stack.count - 1], depths[depths.count - 1]) }
        /// The top value now holds a value `child` deep.
        func deepenTop(_ child: Int) throws {
            let d = child + 1
            guard d <= Unpickler.maxDepth else { throw fail("values nested deeper than \(Unpickler.maxDepth) levels") }
            depths[depths.count - 1] = max(depths[depths.count - 1], d)
            switch stack[stack.count - 1] {
            case let .list(l): l.depth = max(l.depth, d)
            case let .dict(x): x.depth = max(x.depth, d)
            default: break
            }
        }
        func signedLong(_ raw: Data) -> PickleValue {
            if raw.isEmpty { return .int(0) }
            if raw.count <= 8 {
                var v: UInt64 = 0
                for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
                if raw.count < 8, raw.last! & 0x80 != 0 { v |= ~0 << (8 * UInt64(raw.count)) }
                return .int(Int64(bitPattern: v))
            }
            return .bigInt([UInt8](raw))
        }
        func track(_ v: PickleValue) -> PickleValue {
            switch v {
            case let .list(l): containers.append(l)
            case let .dict(d): containers.append(d)
            case let .object(o): containers.append(o)
            default: break
            }
            return v
        }
        func doReduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
            let list = args.tuple ?? []
            if let v = try reduce(callable, list) { return track(v) }
            return track(.object(PickleObject(callable: callable, args: args)))
        }
        func setItems(_ target: PickleValue, _ kv: [PickleValue]) throws {
            guard kv.count % 2 == 0 else { throw fail("SETITEMS with an odd number of values") }
            switch target {
            case let .dict(d):
                for i in stride(from: 0, to: kv.count, by: 2) { d.items.append((kv[i], kv[i + 1])) }
            case .object:
                break  // __setitem__ on an opaque object: ignored
            default:
                throw fail("SETITEM on a non-dict")
            }
        }
        func append(_ target: PickleValue, _ values: [PickleValue]) throws {
            switch target {
            case let .list(l): l.items.append(contentsOf: values)
            case .object: break  // extend() on an opaque object: ignored
            default: throw fail("APPEND on a non-list")
            }
        }

        while true {
            let op = try byte()
            switch op {
            case 0x80: _ = try byte()                                   // PROTO
            case 0x95: _ = try uint(8)                                  // FRAME
            case 0x2E:                                                  // STOP
                let result = try pop()
                guard !Unpickler.hasCycle(containers) else { throw fail("a value contains itself") }
                succeeded = true
                return result
            case 0x28: marks.append(stack.count)                        // MARK
            case 0x30: _ = try pop()                                    // POP
            case 0x31: _ = try popMark()                                // POP_MARK
            case 0x32: let t = try top(); try push(t, depth: topDepth())  // DUP
            case 0x4E: try push(.none)                              // NONE
            case 0x88: try push(.bool(true))                        // NEWTRUE
            case 0x89: try push(.bool(false))                       // NEWFALSE
            case 0x4A: try push(.int(Int64(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x4B: try push(.int(Int64(try uint(1))))           // BININT1
            case 0x4D: try push(.int(Int64(try uint(2))))           // BININT2
            case 0x8A: try push(signedLong(try bytes(try length(1))))  // LONG1
            case 0x8B: try push(signedLong(try bytes(Int(Int32(truncatingIfNeeded: try uint(4))))))  // LONG4
            case 0x49:                                                  // INT (text)
                let s = try line()
                if s == "00" { try push(.bool(false)) } else if s == "01" { try push(.bool(true)) }
                else { try push(.int(Int64(s) ?? 0)) }
            case 0x4C:                                                  // LONG (text)
                let s = try line()
                try push(.int(Int64(s.hasSuffix("L") ? String(s.dropLast()) : s) ?? 0))
            case 0x46: try push(.float(Double(try line()) ?? .nan)) // FLOAT (text)
            case 0x47: try push(.float(Double(bitPattern: UInt64(bigEndian: try uint(8)))))  // BINFLOAT
            case 0x58: try push(.string(String(decoding: try bytes(try length(4)), as: UTF8.self)))  // BINUNICODE
            case 0x8C: try push(.string(String(decoding: try bytes(try length(1)), as: UTF8.self)))  // SHORT_BINUNICODE
            case 0x8D: try push(.string(String(decoding: try bytes(try length(8)), as: UTF8.self)))  // BINUNICODE8
            case 0x56: try push(.string(try line()))                // UNICODE (raw-unicode-escape; ASCII here)
            case 0x54: try push(.string(String(decoding: try bytes(try length(4)), as: UTF8.self)))  // BINSTRING
            case 0x55: try push(.string(String(decoding: try bytes(try length(1)), as: UTF8.self)))  // SHORT_BINSTRING
            case 0x53:                                                  // STRING (quoted repr)
                var s = try line()
                if s.count >= 2, let f = s.first, f == "'" || f == "\"" { s = String(s.dropFirst().dropLast()) }
                try push(.string(s))
            case 0x42: try push(.bytes(try bytes(try length(4))))  // BINBYTES
            case 0x43: try push(.bytes(try bytes(try length(1))))  // SHORT_BINBYTES
            case 0x8E, 0x96: try push(.bytes(try bytes(try length(8))))  // BINBYTES8, BYTEARRAY8
            case 0x5D: try push(track(.list(PickleList())))         // EMPTY_LIST
            case 0x6C: let (items, d) = try popMarkWithDepth(); let l = PickleList(items); l.depth = d + 1; try push(track(.list(l)), depth: d + 1)  // LIST
            case 0x29: try push(.tuple([]))                         // EMPTY_TUPLE
            case 0x74: let (items, d) = try popMarkWithDepth(); try push(.tuple(items), depth: d + 1)  // TUPLE
            case 0x85: let (a, d) = try popWithDepth(); try push(.tuple([a]), depth: d + 1)  // TUPLE1
            case 0x86:                                                  // TUPLE2
                let (b, db) = try popWithDepth(); let (a, da) = try popWithDepth()
                try push(.tuple([a, b]), depth: max(da, db) + 1)
            case 0x87:                                                  // TUPLE3
                let (c, dc) = try popWithDepth(); let (b, db) = try popWithDepth(); let (a, da) = try popWithDepth()
                try push(.tuple([a, b, c]), depth: max(da, db, dc) + 1)
            case 0x7D: try push(track(.dict(PickleDict())))         // EMPTY_DICT
            case 0x64:                                                  // DICT
                let (kv, depth) = try popMarkWithDepth()
                let d = PickleDict()
                d.depth = depth + 1
                try setItems(.dict(d), kv)
                try push(track(.dict(d)), depth: depth + 1)
            case 0x8F: try push(.set([]))                           // EMPTY_SET
            case 0x91: let (items, d) = try popMarkWithDepth(); try push(.set(items), depth: d + 1)  // FROZENSET
            case 0x90:                                                  // ADDITEMS
                let (items, di) = try popMarkWithDepth()
                let (target, dt) = try popWithDepth()
                guard case let .set(s) = target else { throw fail("ADDITEMS on a non-set") }
                try push(.set(s + items), depth: max(dt, di + 1))
            case 0x61: let (v, d) = try popWithDepth(); try append(try top(), [v]); try deepenTop(d)  // APPEND
            case 0x65: let (vs, d) = try popMarkWithDepth(); try append(try top(), vs); try deepenTop(d)  // APPENDS
            case 0x73:                                                  // SETITEM
                let (v, dv) = try popWithDepth(); let (k, dk) = try popWithDepth()
                try setItems(try top(), [k, v])
                try deepenTop(max(dk, dv))
            case 0x75: let (kv, d) = try popMarkWithDepth(); try setItems(try top(), kv); try deepenTop(d)  // SETITEMS
            case 0x63:                                                  // GLOBAL
                let module = try line(); let name = try line()
                try push(.global(module: module, name: name))
            case 0x93:                                                  // STACK_GLOBAL
                let name = try pop(); let module = try pop()
                guard let m = module.string, let nm = name.string else { throw fail("STACK_GLOBAL needs two strings") }
                try push(.global(module: m, name: nm))
            case 0x52:                                                  // REDUCE
                let (args, da) = try popWithDepth(); let (callable, dc) = try popWithDepth()
                try push(try doReduce(callable, args), depth: max(da, dc) + 1)
            case 0x81:                                                  // NEWOBJ
                let (args, da) = try popWithDepth(); let (cls, dc) = try popWithDepth()
                try push(try doReduce(cls, args), depth: max(da, dc) + 1)
            case 0x92:                                                  // NEWOBJ_EX
                _ = try pop(); let (args, da) = try popWithDepth(); let (cls, dc) = try popWithDepth()
                try push(try doReduce(cls, args), depth: max(da, dc) + 1)
            case 0x62:                                                  // BUILD
                let (state, d) = try popWithDepth()
                switch try top() {
                case let .object(o): o.state = state
                case let .dict(d): d.attributes = state
                default: break  // state of host values (tensor hooks, …) carries nothing we use
                }
                try deepenTop(d)
            case 0x51: try push(try persistentLoad(try pop()))          // BINPERSID
            case 0x50: try push(try persistentLoad(.string(try line())))  // PERSID
            case 0x71: let k = Int(try uint(1)); memo[k] = (try top(), topDepth())  // BINPUT
            case 0x72: let k = Int(try uint(4)); memo[k] = (try top(), topDepth())  // LONG_BINPUT
            case 0x70: let k = Int(try line()) ?? -1; memo[k] = (try top(), topDepth())  // PUT
            case 0x94: let k = memo.count; memo[k] = (try top(), topDepth())  // MEMOIZE
            case 0x68, 0x6A, 0x67:                                      // BINGET, LONG_BINGET, GET
                let idx = op == 0x68 ? Int(try uint(1)) : op == 0x6A ? Int(try uint(4)) : (Int(try line()) ?? -1)
                guard let v = memo[idx] else { throw fail("memo entry \(idx) missing") }
                try push(v.value, depth: v.depth)
            default:
                throw fail(String(format: "unsupported opcode 0x%02X", op))
            }
        }
    }

    /// True when some list, dict or object reaches itself (through tuples, sets, items, state or arguments).
    static func hasCycle(_ containers: [AnyObject]) -> Bool {
        var done: [ObjectIdentifier: Bool] = [:]  // false: on the current path; true: finished
        for root in containers where done[ObjectIdentifier(root)] == nil {
            done[ObjectIdentifier(root)] = false
            var path: [(node: AnyObject, children: [AnyObject], next: Int)] = [(root, referencedContainers(root), 0)]
            while let last = path.last {
                if last.next < last.children.count {
                    let child = last.children[last.next]
                    path[path.count - 1].next += 1
                    switch done[ObjectIdentifier(child)] {
                    case false?: return true
                    case true?: continue
                    case nil:
                        done[ObjectIdentifier(child)] = false
                        path.append((child, referencedContainers(child), 0))
                    }
                } else {
                    done[ObjectIdentifier(last.node)] = true
                    path.removeLast()
                }
            }
        }
        return false
    }

    /// The lists, dicts and objects a container refers to directly or through tuples and sets.
    private static func referencedContainers(_ node: AnyObject) -> [AnyObject] {
        var work: [PickleValue] = []
        if let l = node as? PickleList { work = l.items }
        else if let d = node as? PickleDict { work = d.items.flatMap { [$0.key, $0.value] } + (d.attributes.map { [$0] } ?? []) }
        else if let o = node as? PickleObject { work = [o.callable, o.args] + (o.state.map { [$0] } ?? []) }
        var out: [AnyObject] = []
        while let v = work.popLast() {
            switch v {
            case let .list(l): out.append(l)
            case let .dict(d): out.append(d)
            case let .object(o): out.append(o)
            case let .tuple(t), let .set(t): work += t
            default: break
            }
        }
        return out
    }

    /// Empties every mutable reference (list and dict items, dict attributes, object state): every cycle runs
    /// through one, so all of a refused pickle's values are freed.
    static func breakReferences(_ containers: [AnyObject]) {
        for c in containers {
            if let l = c as? PickleList { l.items = [] }
            else if let d = c as? PickleDict { d.items = []; d.attributes = nil }
            else if let o = c as? PickleObject { o.state = nil }
        }
    }
}
