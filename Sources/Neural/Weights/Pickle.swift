// A pickle virtual machine (protocols 0–5 data opcodes) sufficient for PyTorch
// checkpoints. It never executes Python: GLOBAL/STACK_GLOBAL produce a named
// reference, and REDUCE / NEWOBJ / BUILD either go through a host hook (torch
// tensor rebuilding, OrderedDict) or produce an opaque object that callers skip.
import Foundation

/// A mutable list (shared through the memo, so a reference type).
public final class PickleList {
    public var items: [PickleValue]
    init(_ items: [PickleValue] = []) { self.items = items }
}

/// A dict / OrderedDict in insertion order (keys are usually strings; ints appear in optimizer state).
public final class PickleDict {
    public var items: [(key: PickleValue, value: PickleValue)] = []
    /// Instance attributes restored by BUILD (e.g. a state_dict's `_metadata`); never dict items.
    public var attributes: PickleValue?
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
        var marks: [Int] = []
        var memo: [Int: PickleValue] = [:]
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
        func pop() throws -> PickleValue {
            guard let v = stack.popLast() else { throw fail("stack underflow") }
            return v
        }
        func popMark() throws -> [PickleValue] {
            guard let m = marks.popLast() else { throw fail("MARK missing") }
            guard m <= stack.count else { throw fail("stack underflow below MARK") }
            let items = Array(stack[m...])
            stack.removeSubrange(m...)
            return items
        }
        func top() throws -> PickleValue {
            guard let v = stack.last else { throw fail("stack underflow") }
            return v
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
        func doReduce(_ callable: PickleValue, _ args: PickleValue) throws -> PickleValue {
            let list = args.tuple ?? []
            if let v = try reduce(callable, list) { return v }
            return .object(PickleObject(callable: callable, args: args))
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
            case 0x2E: return try pop()                                 // STOP
            case 0x28: marks.append(stack.count)                        // MARK
            case 0x30: _ = try pop()                                    // POP
            case 0x31: _ = try popMark()                                // POP_MARK
            case 0x32: stack.append(try top())                          // DUP
            case 0x4E: stack.append(.none)                              // NONE
            case 0x88: stack.append(.bool(true))                        // NEWTRUE
            case 0x89: stack.append(.bool(false))                       // NEWFALSE
            case 0x4A: stack.append(.int(Int64(Int32(truncatingIfNeeded: try uint(4)))))  // BININT
            case 0x4B: stack.append(.int(Int64(try uint(1))))           // BININT1
            case 0x4D: stack.append(.int(Int64(try uint(2))))           // BININT2
            case 0x8A: stack.append(signedLong(try bytes(Int(try uint(1)))))  // LONG1
            case 0x8B: stack.append(signedLong(try bytes(Int(Int32(truncatingIfNeeded: try uint(4))))))  // LONG4
            case 0x49:                                                  // INT (text)
                let s = try line()
                if s == "00" { stack.append(.bool(false)) } else if s == "01" { stack.append(.bool(true)) }
                else { stack.append(.int(Int64(s) ?? 0)) }
            case 0x4C:                                                  // LONG (text)
                let s = try line()
                stack.append(.int(Int64(s.hasSuffix("L") ? String(s.dropLast()) : s) ?? 0))
            case 0x46: stack.append(.float(Double(try line()) ?? .nan)) // FLOAT (text)
            case 0x47: stack.append(.float(Double(bitPattern: UInt64(bigEndian: try uint(8)))))  // BINFLOAT
            case 0x58: stack.append(.string(String(decoding: try bytes(Int(try uint(4))), as: UTF8.self)))  // BINUNICODE
            case 0x8C: stack.append(.string(String(decoding: try bytes(Int(try uint(1))), as: UTF8.self)))  // SHORT_BINUNICODE
            case 0x8D: stack.append(.string(String(decoding: try bytes(Int(try uint(8))), as: UTF8.self)))  // BINUNICODE8
            case 0x56: stack.append(.string(try line()))                // UNICODE (raw-unicode-escape; ASCII here)
            case 0x54: stack.append(.string(String(decoding: try bytes(Int(try uint(4))), as: UTF8.self)))  // BINSTRING
            case 0x55: stack.append(.string(String(decoding: try bytes(Int(try uint(1))), as: UTF8.self)))  // SHORT_BINSTRING
            case 0x53:                                                  // STRING (quoted repr)
                var s = try line()
                if s.count >= 2, let f = s.first, f == "'" || f == "\"" { s = String(s.dropFirst().dropLast()) }
                stack.append(.string(s))
            case 0x42: stack.append(.bytes(try bytes(Int(try uint(4)))))  // BINBYTES
            case 0x43: stack.append(.bytes(try bytes(Int(try uint(1)))))  // SHORT_BINBYTES
            case 0x8E, 0x96: stack.append(.bytes(try bytes(Int(try uint(8)))))  // BINBYTES8, BYTEARRAY8
            case 0x5D: stack.append(.list(PickleList()))                // EMPTY_LIST
            case 0x6C: stack.append(.list(PickleList(try popMark())))   // LIST
            case 0x29: stack.append(.tuple([]))                         // EMPTY_TUPLE
            case 0x74: stack.append(.tuple(try popMark()))              // TUPLE
            case 0x85: stack.append(.tuple([try pop()]))                // TUPLE1
            case 0x86: let b = try pop(); let a = try pop(); stack.append(.tuple([a, b]))  // TUPLE2
            case 0x87: let c = try pop(); let b = try pop(); let a = try pop(); stack.append(.tuple([a, b, c]))  // TUPLE3
            case 0x7D: stack.append(.dict(PickleDict()))                // EMPTY_DICT
            case 0x64:                                                  // DICT
                let kv = try popMark()
                let d = PickleDict()
                try setItems(.dict(d), kv)
                stack.append(.dict(d))
            case 0x8F: stack.append(.set([]))                           // EMPTY_SET
            case 0x91: stack.append(.set(try popMark()))                // FROZENSET
            case 0x90:                                                  // ADDITEMS
                let items = try popMark()
                guard case let .set(s) = try pop() else { throw fail("ADDITEMS on a non-set") }
                stack.append(.set(s + items))
            case 0x61: let v = try pop(); try append(try top(), [v])    // APPEND
            case 0x65: let vs = try popMark(); try append(try top(), vs) // APPENDS
            case 0x73:                                                  // SETITEM
                let v = try pop(); let k = try pop()
                try setItems(try top(), [k, v])
            case 0x75: let kv = try popMark(); try setItems(try top(), kv)  // SETITEMS
            case 0x63:                                                  // GLOBAL
                let module = try line(); let name = try line()
                stack.append(.global(module: module, name: name))
            case 0x93:                                                  // STACK_GLOBAL
                let name = try pop(); let module = try pop()
                guard let m = module.string, let nm = name.string else { throw fail("STACK_GLOBAL needs two strings") }
                stack.append(.global(module: m, name: nm))
            case 0x52:                                                  // REDUCE
                let args = try pop(); let callable = try pop()
                stack.append(try doReduce(callable, args))
            case 0x81:                                                  // NEWOBJ
                let args = try pop(); let cls = try pop()
                stack.append(try doReduce(cls, args))
            case 0x92:                                                  // NEWOBJ_EX
                _ = try pop(); let args = try pop(); let cls = try pop()
                stack.append(try doReduce(cls, args))
            case 0x62:                                                  // BUILD
                let state = try pop()
                switch try top() {
                case let .object(o): o.state = state
                case let .dict(d): d.attributes = state
                default: break  // state of host values (tensor hooks, …) carries nothing we use
                }
            case 0x51: stack.append(try persistentLoad(try pop()))      // BINPERSID
            case 0x50: stack.append(try persistentLoad(.string(try line())))  // PERSID
            case 0x71: memo[Int(try uint(1))] = try top()               // BINPUT
            case 0x72: memo[Int(try uint(4))] = try top()               // LONG_BINPUT
            case 0x70: memo[Int(try line()) ?? -1] = try top()          // PUT
            case 0x94: memo[memo.count] = try top()                     // MEMOIZE
            case 0x68, 0x6A, 0x67:                                      // BINGET, LONG_BINGET, GET
                let idx = op == 0x68 ? Int(try uint(1)) : op == 0x6A ? Int(try uint(4)) : (Int(try line()) ?? -1)
                guard let v = memo[idx] else { throw fail("memo entry \(idx) missing") }
                stack.append(v)
            default:
                throw fail(String(format: "unsupported opcode 0x%02X", op))
            }
        }
    }
}
