// Job store: re-planning by cache identity, verification of saved files, locking.
import Bookvox
import Foundation
import Neural
import XCTest

final class JobStoreTests: XCTestCase {
    private let engine = EngineIdentity(name: "fake", version: "1", modelHash: "builtin", settings: "tone")

    private func plan(_ texts: [[String]]) -> BookPlan {
        let chapters = texts.enumerated().map { ci, sentences in
            PlannedChapter(number: ci + 1, title: "Chapter \(ci + 1)", segments: sentences.enumerated().map { si, t in
                PlannedSegment(key: "\(ci + 1).\(si)", chapter: ci + 1, index: si, paragraph: si == 0 ? 0 : 1,
                               sourceText: t, normalizedText: t.lowercased(),
                               boundary: si == sentences.count - 1 ? "chapter" : "sentence", sourceLine: si + 1)
            })
        }
        return BookPlan(title: "T", author: nil, narrator: nil, language: "en", seed: 5, sourcePath: "/x.md", chapters: chapters)
    }

    private func record(seed: UInt64 = 5) -> BookRecord {
        BookRecord(title: "T", author: nil, narrator: nil, language: "en", seed: Int64(bitPattern: seed), sourcePath: "/x.md",
                   engine: "fake", voiceSha256: nil, voicePath: nil, bitrateKbps: 192)
    }

    private func markAllRendered(_ store: JobStore) throws {
        for seg in try store.segments() {
            let rel = store.layout.segmentRelativePath(id: seg.rowID, take: seg.take)
            try FileManager.default.createDirectory(at: store.layout.absolute(rel).deletingLastPathComponent(),
                                                    withIntermediateDirectories: true)
            let sha = try AtomicFileWriter().write(Data(seg.key.utf8), to: store.layout.absolute(rel).path)
            try store.markRendered(id: seg.rowID, take: seg.take, audioPath: rel, sha256: sha, sampleCount: 10, sampleRate: 10)
        }
    }

    func testReplanKeepsUnchangedIdentitiesAndQueuesEdits() throws {
        let ws = try TestWorkspace()
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p.bookvox"))
        try layout.create()
        let store = try JobStore(layout: layout)
        let first = try store.sync(plan: plan([["One", "A b.", "C d."], ["Two", "E f."]]), book: record(), engine: engine)
        XCTAssertEqual(first, PlanSyncSummary(kept: 0, queued: 5, removed: 0))
        try markAllRendered(store)

        // Edit one sentence, drop one, keep the rest.
        let second = try store.sync(plan: plan([["One", "A b!", "C d."], ["Two"]]), book: record(), engine: engine)
        XCTAssertEqual(second, PlanSyncSummary(kept: 3, queued: 1, removed: 2), "the edited sentence is new content; its old row goes")
        let states = Dictionary(uniqueKeysWithValues: try store.segments().map { ($0.key, $0.state) })
        XCTAssertEqual(states, ["1.0": .rendered, "1.1": .pending, "1.2": .rendered, "2.0": .rendered])

        // A new book seed changes every identity.
        let third = try store.sync(plan: plan([["One", "A b!", "C d."], ["Two"]]), book: record(seed: 6), engine: engine)
        XCTAssertEqual(third.queued, 4)
        let contentID = try XCTUnwrap(store.segment("1.2")).contentID
        XCTAssertEqual(contentID, SegmentIdentity.contentID(normalizedText: "c d.", occurrence: 0))
        XCTAssertEqual(try store.segment("1.2")?.segmentSeed, SegmentIdentity.seed(bookSeed: 6, contentID: contentID, take: 1))
        XCTAssertEqual(try store.segment("1.2")?.segmentSeed,
                       SeededRNG.segmentSeed(bookSeed: 6, key: "content:" + contentID, take: 1))
    }

    func testVerifyRequeuesMissingAndAlteredFiles() throws {
        let ws = try TestWorkspace()
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p.bookvox"))
        try layout.create()
        let store = try JobStore(layout: layout)
        try store.sync(plan: plan([["One", "A b.", "C d."]]), book: record(), engine: engine)
        try markAllRendered(store)
        let s1 = try XCTUnwrap(store.segment("1.1")), s2 = try XCTUnwrap(store.segment("1.2"))
        try store.markGenerated(id: s1.rowID, take: 1, codes: Data("x".utf8), codesHash: Hashing.sha256Hex(Data("x".utf8)))
        try store.markRendered(id: s1.rowID, take: 1, audioPath: s1.audioPath!,
                               sha256: Hashing.sha256Hex(Data("1.1".utf8)), sampleCount: 1, sampleRate: 1)
        try Data("tampered".utf8).write(to: layout.absolute(s1.audioPath!))
        try FileManager.default.removeItem(at: layout.absolute(s2.audioPath!))
        try Data("partial".utf8).write(to: layout.absolute("segments/0/.tmp-1-2-1.0.take1.wav"))
        try Data("partial".utf8).write(to: layout.exportDir.appendingPathComponent(".tmp-9-9-chapter-01.mp3"))

        let summary = try store.verify()
        XCTAssertEqual(summary.verified, 1)
        XCTAssertEqual(summary.requeued.sorted(), ["1.1", "1.2"])
        XCTAssertEqual(try store.segment("1.1")?.state, .generated, "verified codes are kept")
        XCTAssertEqual(try store.segment("1.2")?.state, .pending)
        XCTAssertNil(try store.segment("1.2")?.audioPath)
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.absolute("segments/0/.tmp-1-2-1.0.take1.wav").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: layout.exportDir.appendingPathComponent(".tmp-9-9-chapter-01.mp3").path))
    }

    func testSecondLockSaysAlreadyRenderingWithPid() throws {
        let ws = try TestWorkspace()
        let layout = ProjectLayout(root: ws.root.appendingPathComponent("p.bookvox"))
        try layout.create()
        let held = try ProjectLock(layout: layout)
        assertBookvoxError(try ProjectLock(layout: layout), contains: "already rendering (pid \(getpid()))",
                           exitCode: ExitCodes.locked)
        held.release()
        XCTAssertNoThrow(try ProjectLock(layout: layout).release())
    }

    func testAtomicWriterLeavesNothingOnFailure() throws {
        let ws = try TestWorkspace()
        let target = ws.path("out.bin")
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFileWriter().writeFile(at: target) { temp in
            try Data("half".utf8).write(to: URL(fileURLWithPath: temp))
            throw Boom()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ws.root.path), [])
        let sha = try AtomicFileWriter().write(Data("whole".utf8), to: target)
        XCTAssertEqual(sha, Hashing.sha256Hex(Data("whole".utf8)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), Data("whole".utf8))
    }
}
