// Temporary directories, tiny books and file helpers shared by the Bookvox tests.
import Bookvox
import Foundation
import TestSupport
import XCTest

final class TestWorkspace {
    let root: URL

    init(_ name: String = #function) throws {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("bookvox-tests-\(clean)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func path(_ rel: String) -> String { root.appendingPathComponent(rel).path }

    @discardableResult
    func write(_ rel: String, _ text: String) throws -> String {
        let url = root.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// A three-chapter Markdown book of a few short sentences per chapter.
    @discardableResult
    func tinyBook(_ rel: String = "book.md", seed: Int = 7, chapterTwo: String? = nil) throws -> String {
        let two = chapterTwo ?? "The road was long. The rain fell hard. They walked on slowly. Then they rested awhile. Night came at last."
        return try write(rel, """
            ---
            title: Tiny Book
            author: Test Author
            seed: \(seed)
            ---

            # One

            Hello there, friend. This is a test.

            # Two

            \(two)

            # Three

            "Is it done?" she asked. It was done.

            """)
    }

    /// A book-level export file (the M4B, the book's subtitles): not a chapter's file nor the ACX report.
    static func isBookFile(_ name: String) -> Bool { !name.hasPrefix("chapter-") && name != ACXReport.fileName }

    /// Every regular file under `dir` (relative path → bytes).
    static func snapshot(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return out }
        for case let rel as String in e {
            let url = dir.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue,
               let d = try? Data(contentsOf: url) { out[rel] = d }
        }
        return out
    }

    /// inode and modification time of a file.
    static func identity(_ path: String) -> (ino: UInt64, mtime: Double)? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path),
              let ino = (a[.systemFileNumber] as? NSNumber)?.uint64Value,
              let m = a[.modificationDate] as? Date else { return nil }
        return (ino, m.timeIntervalSince1970)
    }
}

extension XCTestCase {
    /// Asserts `body` throws a BookvoxError whose message contains `fragment`; returns it.
    @discardableResult
    func assertBookvoxError<T>(_ body: @autoclosure () throws -> T, contains fragment: String, exitCode: Int32? = nil,
                               file: StaticString = #filePath, line: UInt = #line) -> BookvoxError? {
        do {
            _ = try body()
            XCTFail("expected an error containing '\(fragment)'", file: file, line: line)
        } catch let e as BookvoxError {
            XCTAssertTrue(e.description.contains(fragment), "message was: \(e.description)", file: file, line: line)
            if let exitCode { XCTAssertEqual(e.exitCode, exitCode, file: file, line: line) }
            return e
        } catch {
            XCTFail("expected BookvoxError, got \(type(of: error)): \(error)", file: file, line: line)
        }
        return nil
    }
}
