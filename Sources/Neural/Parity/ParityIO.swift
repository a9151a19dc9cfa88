// A parity case's io.safetensors behind an accessor that records every key a runner reads.
//
// The runner (`ParityCatalog.run`) checks the record after the case ran: an input ("in.<name>") or expected
// output ("out.<name>") that was never read is an error naming it, unless the case's entry in
// `InformationalInputs` marks that input as deliberately unused. A case is a contract: an input the runner does
// not consume means it computed something other than the case (e.g. a prompt built without the case's
// instruction), so, like the strict weight loader, nothing in the file may be silently skipped.
import Foundation
import Tensors

public final class ParityIO: @unchecked Sendable {
    public let file: SafeTensorsFile
    private var read = Set<String>()
    private let lock = NSLock()

    public init(path: String) throws {
        file = try SafeTensorsFile(path: path)
    }

    public var path: String { file.path }

    /// All keys of the file, sorted.
    public var keys: [String] { file.keys }

    /// Whether `key` exists (does not count as reading it).
    public func has(_ key: String) -> Bool { file.tensors[key] != nil }

    /// The stored tensor without recording a read: for metadata such as the dtype that picks a tolerance.
    public func peek(_ key: String) -> RawTensor? { file.tensors[key] }

    /// The stored tensor; records the read.
    public func raw(_ key: String) throws -> RawTensor {
        let t = try file.raw(key)
        lock.lock()
        read.insert(key)
        lock.unlock()
        return t
    }

    /// The tensor as Float32; records the read.
    public func tensor(_ key: String) throws -> Tensor { try raw(key).floatTensor(key: key) }

    /// The tensor as Int64 values; records the read.
    public func int64s(_ key: String) throws -> [Int64] { try raw(key).int64Array() }

    /// Every key read so far, sorted.
    public var readKeys: [String] {
        lock.lock()
        defer { lock.unlock() }
        return read.sorted()
    }

    /// Keys of the file never read so far, sorted.
    public var unreadKeys: [String] {
        lock.lock()
        defer { lock.unlock() }
        return file.keys.filter { !read.contains($0) }
    }
}
