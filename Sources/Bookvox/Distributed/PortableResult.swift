// A segment's result as it travels between checkouts of the same book (docs/distributed.md): its `segments`
// row, its `takes` rows (each read generically, column → value) and the bytes of the audio files they name.
// Every checkout starts from the same SQLite snapshot, so row ids are the same everywhere and a result
// imported into another checkout is exactly what its own render would have written there.
import Foundation
import GRDB

/// One SQLite value; doubles travel as their bit pattern so they come back bit for bit.
enum PortableValue: Codable, Equatable, Sendable {
    case null
    case int(Int64)
    case real(bits: UInt64)
    case text(String)
    case blob(Data)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case let .int64(v): self = .int(v)
        case let .double(v): self = .real(bits: v.bitPattern)
        case let .string(v): self = .text(v)
        case let .blob(v): self = .blob(v)
        }
    }

    var databaseValue: DatabaseValue {
        switch self {
        case .null: return .null
        case let .int(v): return v.databaseValue
        case let .real(bits): return Double(bitPattern: bits).databaseValue
        case let .text(v): return v.databaseValue
        case let .blob(v): return v.databaseValue
        }
    }
}

typealias PortableRow = [String: PortableValue]

extension Row {
    var portable: PortableRow {
        var out: PortableRow = [:]
        for (column, value) in self { out[column] = PortableValue(value) }
        return out
    }
}

/// A segment's rows; `files` are the project-relative audio paths they name (bytes travel beside, checksummed).
struct PortableResult: Codable, Sendable {
    var segment: PortableRow
    var takes: [PortableRow]
    var files: [String]

    var json: String { String(decoding: try! JSONEncoder().encode(self), as: UTF8.self) }

    static func decode(_ json: String) throws -> PortableResult {
        do { return try JSONDecoder().decode(PortableResult.self, from: Data(json.utf8)) } catch {
            throw BookvoxError.failure("a stored segment result cannot be read (\(error)); submit the book again.")
        }
    }
}

/// A file that travels with a result or an export: project-relative path, sha256 of the bytes, the bytes.
struct PortableFile: Sendable {
    /// A chapter's entry of the ACX report travels as a one-chapter report under this prefix.
    static let acxPrefix = "acx/"
    var path: String
    var sha256: String
    var data: Data
}

extension JobStore {
    /// The result of segment `key` in this checkout and the bytes of every audio file its rows name.
    func portableResult(key: String) throws -> (PortableResult, [PortableFile]) {
        let (segment, takes): (Row?, [Row]) = try write { db in
            guard let seg = try Row.fetchOne(db, sql: "SELECT * FROM segments WHERE key = ?", arguments: [key]) else { return (nil, []) }
            let id: Int64 = seg["id"]
            return (seg, try Row.fetchAll(db, sql: "SELECT * FROM takes WHERE segmentID = ? ORDER BY take", arguments: [id]))
        }
        guard let segment else { throw BookvoxError.failure("segment \(key) is not in the checkout \(layout.root.path)") }
        var paths: [String] = []
        for row in [segment] + takes {
            if let path: String = row["audioPath"], !paths.contains(path) { paths.append(path) }
        }
        var files: [PortableFile] = []
        for path in paths {
            let url = layout.absolute(path)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                // A take whose file was replaced by the kept one is not needed to export.
                continue
            }
            files.append(PortableFile(path: path, sha256: Hashing.sha256Hex(data), data: data))
        }
        return (PortableResult(segment: segment.portable, takes: takes.map(\.portable), files: files.map(\.path)), files)
    }

    /// Writes the result's files (each checked against its sha256) and then its rows, in one transaction.
    func importResult(_ result: PortableResult, files: [PortableFile]) throws {
        for file in files {
            guard Hashing.sha256Hex(file.data) == file.sha256 else {
                throw BookvoxError.failure("stored audio \(file.path) does not match its sha256 (the database copy is damaged); "
                    + "submit the book again to re-render it.")
            }
            try writeProjectFile(file)
        }
        guard case let .int(id)? = result.segment["id"] else { throw BookvoxError.failure("a stored segment result has no row id") }
        try write { db in
            let columns = result.segment.keys.filter { $0 != "id" }.sorted()
            let sets = columns.map { "\"\($0)\" = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE segments SET \(sets) WHERE id = ?",
                           arguments: StatementArguments(columns.map { result.segment[$0]!.databaseValue } + [id.databaseValue]))
            try db.execute(sql: "DELETE FROM takes WHERE segmentID = ?", arguments: [id])
            for take in result.takes {
                let cols = take.keys.sorted()
                try db.execute(sql: "INSERT INTO takes (\(cols.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES ("
                               + Array(repeating: "?", count: cols.count).joined(separator: ", ") + ")",
                               arguments: StatementArguments(cols.map { take[$0]!.databaseValue }))
            }
        }
    }

    /// A chapter's row (its export record) as it travels with the chapter's export files.
    func portableChapter(_ number: Int) throws -> PortableRow? {
        try write { try Row.fetchOne($0, sql: "SELECT * FROM chapters WHERE number = ?", arguments: [number])?.portable }
    }

    /// Writes a chapter's export files (checked) and its export record, so the exporter finds it up to date.
    func importChapterExport(_ row: PortableRow, files: [PortableFile]) throws {
        for file in files {
            guard Hashing.sha256Hex(file.data) == file.sha256 else {
                throw BookvoxError.failure("stored export \(file.path) does not match its sha256; it is exported again")
            }
            if file.path.hasPrefix(PortableFile.acxPrefix) { try mergeACX(file.data) } else { try writeProjectFile(file) }
        }
        guard case let .int(number)? = row["number"] else { return }
        try write { db in
            let columns = row.keys.filter { $0 != "number" }.sorted()
            try db.execute(sql: "UPDATE chapters SET " + columns.map { "\"\($0)\" = ?" }.joined(separator: ", ") + " WHERE number = ?",
                           arguments: StatementArguments(columns.map { row[$0]!.databaseValue } + [number.databaseValue]))
        }
    }

    /// Puts a chapter's ACX entry into the project's report, as the exporter records it (sorted, same fields).
    private func mergeACX(_ data: Data) throws {
        let part = try JSONDecoder().decode(ACXReport.self, from: data)
        var report = ACXReport.load(layout) ?? part
        report.rules = part.rules
        report.targetLUFS = part.targetLUFS
        report.roomTone = part.roomTone
        let numbers = Set(part.chapters.map(\.chapter))
        report.chapters = (report.chapters.filter { !numbers.contains($0.chapter) } + part.chapters).sorted { $0.chapter < $1.chapter }
        _ = try AtomicFileWriter().write(try report.encoded(), to: ACXReport.url(layout).path)
    }

    private func writeProjectFile(_ file: PortableFile) throws {
        let url = layout.absolute(file.path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try AtomicFileWriter().write(file.data, to: url.path)
    }
}
