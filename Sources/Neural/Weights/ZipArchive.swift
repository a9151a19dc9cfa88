// Minimal reader for the zip container of torch.save archives.
// Reads the central directory (with zip64 end records and zip64 extra fields, as
// checkpoints above 4 GiB need) and exposes *stored* (uncompressed) entries as
// pointers into the memory-mapped file. torch.save writes every entry stored;
// a compressed entry is reported as an error rather than inflated.
import Foundation

public struct ZipArchive: @unchecked Sendable {
    public struct Entry: Sendable {
        public let name: String
        public let method: UInt16
        public let compressedSize: Int
        public let size: Int
        public let localHeaderOffset: Int
    }

    public let file: MappedFile
    public let entries: [String: Entry]
    /// Entry names in central-directory order.
    public let names: [String]

    public init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        let path = file.path
        let base = UnsafeRawPointer(file.base)
        let size = file.size
        func u16(_ o: Int) -> Int { Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt16.self))) }
        func u32(_ o: Int) -> Int { Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        // A u64 field beyond Int.max cannot point inside the file; Int.max fails every bounds check below.
        func u64(_ o: Int) -> Int {
            CheckedSize.int(UInt64(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt64.self))) ?? Int.max
        }
        func bad(_ why: String) -> WeightError { .malformed(path: path, reason: "zip: " + why) }

        // End of central directory: 22 bytes + comment (≤ 65535), searched from the end.
        guard size >= 22 else { throw bad("file of \(size) bytes is too short for a zip archive") }
        var eocd = -1
        var o = size - 22
        let lowest = max(0, size - 22 - 65535)
        while o >= lowest {
            if u32(o) == 0x0605_4B50 { eocd = o; break }
            o -= 1
        }
        guard eocd >= 0 else { throw bad("no end-of-central-directory record (not a zip / torch.save archive?)") }
        var count = u16(eocd + 10)
        var cdSize = u32(eocd + 12)
        var cdOffset = u32(eocd + 16)
        // Zip64: locator sits just before the EOCD and points at the zip64 EOCD record.
        if eocd >= 20, u32(eocd - 20) == 0x0706_4B50 {
            let z64 = u64(eocd - 20 + 8)
            guard z64 <= size - 56, u32(z64) == 0x0606_4B50 else { throw bad("zip64 locator points at no zip64 end record") }
            count = u64(z64 + 32)
            cdSize = u64(z64 + 40)
            cdOffset = u64(z64 + 48)
        }
        guard cdOffset <= size, cdSize <= size - cdOffset else { throw bad("central directory (\(cdOffset)+\(cdSize)) beyond end of file \(size)") }

        var entries: [String: Entry] = [:]
        var names: [String] = []
        var p = cdOffset
        for i in 0..<count {
            guard p <= size - 46, u32(p) == 0x0201_4B50 else { throw bad("central directory entry \(i) has a bad signature") }
            let method = UInt16(u16(p + 10))
            var csize = u32(p + 20)
            var usize = u32(p + 24)
            let nameLen = u16(p + 28), extraLen = u16(p + 30), commentLen = u16(p + 32)
            var local = u32(p + 42)
            guard nameLen + extraLen <= size - 46 - p else { throw bad("central directory entry \(i) runs past the end") }
            let nameData = Data(bytes: base + p + 46, count: nameLen)
            let name = String(decoding: nameData, as: UTF8.self)
            // Zip64 extended information (id 0x0001): present fields replace those set to 0xFFFFFFFF, in order.
            var e = p + 46 + nameLen
            let eEnd = e + extraLen
            while e + 4 <= eEnd {
                let id = u16(e), len = u16(e + 2)
                if id == 0x0001 {
                    var f = e + 4
                    let fieldEnd = min(e + 4 + len, eEnd)
                    if usize == 0xFFFF_FFFF, f + 8 <= fieldEnd { usize = u64(f); f += 8 }
                    if csize == 0xFFFF_FFFF, f + 8 <= fieldEnd { csize = u64(f); f += 8 }
                    if local == 0xFFFF_FFFF, f + 8 <= fieldEnd { local = u64(f); f += 8 }
                }
                e += 4 + len
            }
            entries[name] = Entry(name: name, method: method, compressedSize: csize, size: usize, localHeaderOffset: local)
            names.append(name)
            p += 46 + nameLen + extraLen + commentLen
        }
        self.entries = entries
        self.names = names
    }

    /// Pointer to a stored entry's bytes and their count.
    public func data(_ name: String) throws -> (pointer: UnsafeRawPointer, count: Int) {
        guard let entry = entries[name] else { throw WeightError.missingKey(name, file: file.path) }
        let base = UnsafeRawPointer(file.base)
        guard entry.method == 0 else {
            throw WeightError.malformed(path: file.path, reason: "zip entry '\(name)' is compressed (method \(entry.method)); "
                + "torch.save archives store entries uncompressed — re-save the checkpoint with torch.save, or convert it to safetensors")
        }
        let o = entry.localHeaderOffset
        guard o <= file.size - 30,
              UInt32(littleEndian: base.loadUnaligned(fromByteOffset: o, as: UInt32.self)) == 0x0403_4B50 else {
            throw WeightError.malformed(path: file.path, reason: "zip: local header of '\(name)' has a bad signature")
        }
        let nameLen = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: o + 26, as: UInt16.self)))
        let extraLen = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: o + 28, as: UInt16.self)))
        let start = o + 30 + nameLen + extraLen
        guard start <= file.size, entry.size <= file.size - start else {
            throw WeightError.malformed(path: file.path, reason: "zip: data of '\(name)' (\(entry.size) bytes at \(start)) runs past the end of the file")
        }
        return (base + start, entry.size)
    }
}
