// A minimal protobuf wire-format reader: just enough to walk a SentencePiece ModelProto
// (varints, fixed32 floats, length-delimited strings/bytes/sub-messages; unknown fields skipped).
import Foundation

struct ProtobufReader {
    enum WireType: Int {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    /// One field occurrence. `payload` is the byte range of a length-delimited value.
    struct Field {
        let number: Int
        let wireType: WireType
        let varint: UInt64
        let payload: Range<Int>
    }

    struct Failure: Error {
        let offset: Int
        let reason: String
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    init(bytes: [UInt8], range: Range<Int>? = nil) {
        self.bytes = bytes
        let r = range ?? 0..<bytes.count
        position = r.lowerBound
        end = r.upperBound
    }

    var isAtEnd: Bool { position >= end }

    mutating func readVarint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw Failure(offset: position, reason: "truncated varint") }
            let b = bytes[position]
            position += 1
            if shift == 63 && b > 1 { throw Failure(offset: position - 1, reason: "varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw Failure(offset: position - 1, reason: "varint longer than 10 bytes") }
        }
    }

    /// Reads the next field; fixed-width values are returned in `varint` (bit pattern).
    mutating func nextField() throws -> Field {
        let start = position
        let key = try readVarint()
        let number = Int(key >> 3)
        guard number > 0, let wire = WireType(rawValue: Int(key & 7)) else {
            throw Failure(offset: start, reason: "invalid field key \(key)")
        }
        switch wire {
        case .varint:
            return Field(number: number, wireType: wire, varint: try readVarint(), payload: position..<position)
        case .fixed64:
            guard end - position >= 8 else { throw Failure(offset: position, reason: "truncated fixed64") }
            var v: UInt64 = 0
            for i in 0..<8 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 8
            return Field(number: number, wireType: wire, varint: v, payload: position..<position)
        case .fixed32:
            guard end - position >= 4 else { throw Failure(offset: position, reason: "truncated fixed32") }
            var v: UInt64 = 0
            for i in 0..<4 { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            position += 4
            return Field(number: number, wireType: wire, varint: v, payload: position..<position)
        case .lengthDelimited:
            let length = try readVarint()
            guard length <= UInt64(end - position) else {
                throw Failure(offset: position, reason: "length \(length) runs past the end of the message")
            }
            let r = position..<(position + Int(length))
            position = r.upperBound
            return Field(number: number, wireType: wire, varint: length, payload: r)
        case .startGroup, .endGroup:
            throw Failure(offset: start, reason: "protobuf groups are not used by ModelProto")
        }
    }

    /// A reader over a length-delimited field's payload (a sub-message).
    func subReader(_ field: Field) -> ProtobufReader {
        ProtobufReader(bytes: bytes, range: field.payload)
    }

    func string(_ field: Field) throws -> String {
        guard field.wireType == .lengthDelimited else {
            throw Failure(offset: field.payload.lowerBound, reason: "field \(field.number) should be a string")
        }
        let slice = bytes[field.payload]
        let s = String(decoding: slice, as: UTF8.self)
        guard s.utf8.elementsEqual(slice) else {
            throw Failure(offset: field.payload.lowerBound, reason: "field \(field.number) is not valid UTF-8")
        }
        return s
    }

    func data(_ field: Field) -> [UInt8] { Array(bytes[field.payload]) }

    static func float(_ field: Field) throws -> Float {
        guard field.wireType == .fixed32 else {
            throw Failure(offset: field.payload.lowerBound, reason: "field \(field.number) should be a float (fixed32)")
        }
        return Float(bitPattern: UInt32(truncatingIfNeeded: field.varint))
    }

    static func int32(_ field: Field) throws -> Int {
        guard field.wireType == .varint else {
            throw Failure(offset: field.payload.lowerBound, reason: "field \(field.number) should be a varint")
        }
        return Int(Int32(truncatingIfNeeded: field.varint))
    }

    static func bool(_ field: Field) throws -> Bool {
        guard field.wireType == .varint else {
            throw Failure(offset: field.payload.lowerBound, reason: "field \(field.number) should be a varint")
        }
        return field.varint != 0
    }
}
