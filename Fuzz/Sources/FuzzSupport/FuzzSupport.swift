// Shared by the weight-reader fuzz targets: the readers map files, so each input is written to a scratch file;
// tensors small enough are converted, so every byte a header points at is read (AddressSanitizer checks it).
import Foundation
import Neural

public enum FuzzSupport {
    private static let scratch = FileManager.default.temporaryDirectory
        .appendingPathComponent("bookvox-fuzz-\(getpid())").path

    /// Writes `size` bytes at `data` to a scratch file and runs `body` with its path.
    public static func withFile(_ data: UnsafePointer<UInt8>, _ size: Int, suffix: String,
                                _ body: (String) throws -> Void) {
        let path = scratch + suffix
        FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { try body(path) } catch {
            _ = "\(error)"  // every error must describe itself without trapping
        }
    }

    /// Reads every element of a tensor of at most 2^20 elements both as floats and as integers. A reader
    /// must never return a negative dimension.
    public static func touch(_ raw: RawTensor, key: String) throws {
        precondition(raw.shape.allSatisfy { $0 >= 0 }, "\(key): negative dimension in \(raw.shape)")
        var count = 1
        for d in raw.shape {
            let (c, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, c <= 1 << 20 else { return }
            count = c
        }
        let t = try raw.floatTensor(key: key)
        precondition(t.shape == raw.shape)
        _ = raw.int64Array()
        _ = try? raw.int64Array(key: key)
    }

    /// A zip archive with stored entries (what torch.save writes), built in memory.
    public static func storedZip(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        func u16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        var out: [UInt8] = []
        var central: [UInt8] = []
        for e in entries {
            let name = Array(e.name.utf8)
            let offset = out.count
            out += u32(0x0403_4B50) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0)
                + u32(e.data.count) + u32(e.data.count) + u16(name.count) + u16(0) + name + e.data
            central += u32(0x0201_4B50) + u16(20) + u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(0)
                + u32(e.data.count) + u32(e.data.count) + u16(name.count) + u16(0) + u16(0) + u16(0) + u16(0)
                + u32(0) + u32(offset) + name
        }
        let cdOffset = out.count
        out += central
        out += u32(0x0605_4B50) + u16(0) + u16(0) + u16(entries.count) + u16(entries.count)
            + u32(central.count) + u32(cdOffset) + u16(0)
        return out
    }
}
