// `bookvox worker --store URL`: claims pending segments of the submitted books it can render, under a lease
// with a fencing token, renders them in its checkout of the book through the single-machine pipeline
// (RenderSession.renderClaimed), and commits each result only while its lease is still its own. The worker
// whose commit completes a chapter exports the chapter and stores the export (docs/distributed.md).
import Foundation
import Logging

public struct WorkerOptions: Sendable {
    /// Engines this worker serves (nil: every book whose engine this machine can start).
    public var engines: [String]?
    /// Segments claimed and rendered per batch.
    public var concurrency = 1
    /// Exit once no segment of a servable book is pending (claimable or leased).
    public var untilIdle = false
    public var leaseSeconds: Double = 60
    /// Where the book checkouts live (`<workDir>/<book key>/`); one per worker.
    public var workDir: URL
    public var registry: EngineRegistry = .shared

    public init(workDir: URL) { self.workDir = workDir }
}

public struct WorkerReport: Sendable {
    public var committed = 0
    public var failed = 0
    public var refused = 0
    public var exportedChapters = 0
}

public final class Worker: @unchecked Sendable {
    public let id: String
    private let options: WorkerOptions
    private let shared: DistributedStore
    private let say: @Sendable (String) -> Void
    private let log = Logger(label: "bookvox.worker")
    private var decided: [String: Bool] = [:]
    private var exportTried: Set<String> = []
    private var report = WorkerReport()

    /// `say`: what the worker tells its operator (claims, skips, refused commits, exports).
    public init(storeURL: PostgresStoreURL, options: WorkerOptions, say: @escaping @Sendable (String) -> Void) throws {
        let host = ProcessInfo.processInfo.hostName
        id = "\(host)-\(getpid())-\(UUID().uuidString.prefix(6).lowercased())"
        self.options = options
        self.say = say
        shared = try DistributedStore(url: storeURL)
    }

    /// Works until `stop` (SIGTERM/SIGINT: the batch in flight is finished and committed) or, with `untilIdle`,
    /// until nothing is left to claim; then gives back its leases and marks itself stopped.
    public func run(stop: CancellationFlag) throws -> WorkerReport {
        shared.giveUp = { stop.isCancelled }
        try shared.registerWorker(id: id, host: ProcessInfo.processInfo.hostName, pid: getpid(),
                                  engines: options.engines?.joined(separator: ",") ?? "*", leaseSeconds: options.leaseSeconds)
        say("worker \(id) started (lease \(options.leaseSeconds) s)")
        let beat = Heartbeat(url: shared.url, worker: id, leaseSeconds: options.leaseSeconds, say: say)
        beat.start()
        defer {
            beat.stop()
            try? shared.release(worker: id)
            try? shared.setWorkerState(id, "stopped")
        }
        while !stop.isCancelled {
            let books = try shared.books()
            let servable = books.filter { serves($0) }
            let claims = try shared.claim(worker: id, books: servable.map(\.id), limit: options.concurrency,
                                          leaseSeconds: options.leaseSeconds)
            if claims.isEmpty {
                try exportAwaitingChapters(servable)
                if options.untilIdle, try !shared.anyPending(books: servable.map(\.id)) { break }
                usleep(UInt32(min(1, options.leaseSeconds / 4) * 1_000_000))
                continue
            }
            for (bookID, group) in Dictionary(grouping: claims, by: \.bookID).sorted(by: { $0.key < $1.key }) {
                guard let book = books.first(where: { $0.id == bookID }) else { continue }
                try process(book, group)
            }
        }
        say("worker \(id) stopping: \(report.committed) committed, \(report.failed) failed, \(report.refused) refused")
        return report
    }

    /// Whether this worker renders `book`; a book it cannot serve is named once.
    private func serves(_ book: StoredBook) -> Bool {
        let key = "\(book.id)"
        if let known = decided[key] { return known }
        var reason: String?
        if let engines = options.engines, !engines.contains(book.engine) {
            reason = "engine \(book.engine) is not among --engine \(engines.joined(separator: ","))"
        } else {
            do {
                let checkout = try checkout(book)
                guard let record = try checkout.store.book() else { throw BookvoxError.failure("no book record") }
                let settings = record.storedEngineSettings ?? EngineOptions()
                _ = try options.registry.make(record.engine, options: settings.with(language: record.language))
            } catch {
                reason = "\(error)"
            }
        }
        if let reason { say("skipping book \(book.key) (\(book.engine)): \(reason)") }
        decided[key] = reason == nil
        return reason == nil
    }

    private func checkout(_ book: StoredBook) throws -> Checkout {
        let dir = options.workDir.appendingPathComponent(book.key)
        let stem = URL(fileURLWithPath: book.sourceName).deletingPathExtension().lastPathComponent
        return try Checkout.open(book, from: shared, dir: dir, projectRoot: dir.appendingPathComponent(stem + ".bookvox"))
    }

    private func process(_ listed: StoredBook, _ claims: [LeaseClaim]) throws {
        var book = listed
        book.planVersion = claims[0].planVersion
        let checkout = try checkout(book)
        let keys = claims.map(\.key)
        guard checkout.book.planVersion == claims[0].planVersion else {
            // Re-submitted since the claim: these rows are gone; the next claim sees the new plan.
            return
        }
        say("claimed \(book.key) " + claims.sorted { SegmentKey.less($0.key, $1.key) }.map { "\($0.key) (token \($0.token))" }.joined(separator: ", "))
        var opts = RenderOptions(maxTakes: book.settings.maxTakes, registry: options.registry)
        opts.qa = book.settings.qa ? .default : nil
        do {
            try RenderSession.renderClaimed(project: checkout.layout, keys: Set(keys), options: opts, progress: SilentProgress())
        } catch BookvoxError.segmentsFailed {
            // Committed below as failed, with their errors.
        } catch {
            say("rendering \(book.key) \(keys.joined(separator: ",")) failed: \(error); leases given back")
            try shared.release(worker: id, bookID: book.id, keys: keys)
            decided["\(book.id)"] = false
            return
        }
        for claim in claims {
            guard let seg = try checkout.store.segment(claim.key) else { continue }
            let outcome: CommitOutcome
            if seg.state.hasAudio {
                outcome = try shared.commit(claim, state: "rendered", result: try checkout.store.portableResult(key: claim.key), error: nil)
            } else if seg.state == .failed {
                outcome = try shared.commit(claim, state: "failed", result: nil, error: seg.lastError ?? "failed")
                if outcome != .staleLease { report.failed += 1 }
            } else {
                try shared.release(worker: id, bookID: book.id, keys: [claim.key])
                continue
            }
            switch outcome {
            case .staleLease:
                report.refused += 1
                say("commit of \(book.key) \(claim.key) refused: lease token \(claim.token) is no longer valid (expired and "
                    + "claimed again, or the book was re-submitted); nothing written")
            case let .committed(chapter, complete):
                if seg.state.hasAudio { report.committed += 1 }
                if complete { try exportChapterOnce(chapter, checkout) }
            }
        }
    }

    /// Exports the complete chapters that have no export (their completing worker died or stopped first).
    private func exportAwaitingChapters(_ books: [StoredBook]) throws {
        for book in books {
            let chapters = try shared.chaptersAwaitingExport(bookID: book.id)
            guard !chapters.isEmpty else { continue }
            let checkout = try checkout(book)
            // Tried once per plan by this worker: a chapter that cannot be exported is not retried every second.
            for chapter in chapters where exportTried.insert("\(book.id).\(checkout.book.planVersion).\(chapter)").inserted {
                try exportChapterOnce(chapter, checkout)
            }
        }
    }

    /// Exports the chapter unless another worker is exporting it now (the chapter's advisory lock).
    private func exportChapterOnce(_ chapter: Int, _ checkout: Checkout) throws {
        guard try shared.tryLockExport(bookID: checkout.book.id, chapter: chapter) else { return }
        defer { shared.unlockExport(bookID: checkout.book.id, chapter: chapter) }
        guard try shared.chaptersAwaitingExport(bookID: checkout.book.id).contains(chapter) else { return }
        try exportChapter(chapter, checkout)
    }

    /// The chapter's last segment was committed here (or its completing worker left it unexported): import the
    /// others' results, export, store the export.
    private func exportChapter(_ chapter: Int, _ checkout: Checkout) throws {
        // Only what this checkout holds on disk: a re-submitted plan's snapshot marks reused segments rendered
        // without their files, which come from the store.
        let local = Set(try checkout.store.segments(chapter: chapter).filter { $0.state.hasAudio && checkout.store.audioVerifies($0) }
            .map(\.key))
        try checkout.importResults(from: shared, chapter: chapter, except: local)
        guard let record = try checkout.store.book() else { return }
        let exporter = ChapterExporter(store: checkout.store, settings: record.storedExportSettings, writer: AtomicFileWriter())
        switch try exporter.export(chapter: chapter) {
        case .exported, .upToDate: break
        case .incomplete, .unverified: return
        }
        guard let row = try checkout.store.portableChapter(chapter) else { return }
        let count = try checkout.store.chapters().count
        let base = ProjectLayout.exportBaseName(chapter: chapter, of: count) + "."
        let names = try FileManager.default.contentsOfDirectory(atPath: checkout.layout.exportDir.path)
            .filter { $0.hasPrefix(base) }.sorted()
        var files = try names.map { name -> PortableFile in
            let data = try Data(contentsOf: checkout.layout.exportDir.appendingPathComponent(name))
            return PortableFile(path: "export/" + name, sha256: Hashing.sha256Hex(data), data: data)
        }
        // The chapter's entry of the loudness (ACX) report, which the exporter also checks for being current.
        if var acx = ACXReport.load(checkout.layout) {
            acx.chapters = acx.chapters.filter { $0.chapter == chapter }
            let data = try acx.encoded()
            files.append(PortableFile(path: PortableFile.acxPrefix + "\(chapter).json", sha256: Hashing.sha256Hex(data), data: data))
        }
        try shared.saveExport(bookID: checkout.book.id, planVersion: checkout.book.planVersion, chapter: chapter, row: row, files: files)
        report.exportedChapters += 1
        say("exported \(checkout.book.key) chapter \(chapter) (\(files.count) files)")
    }
}

/// Every lease/3 seconds, on a connection of its own: the worker's heartbeat and its leases extended.
final class Heartbeat: @unchecked Sendable {
    private let url: PostgresStoreURL
    private let worker: String
    private let leaseSeconds: Double
    private let say: @Sendable (String) -> Void
    private let stopped = CancellationFlag()
    private let done = DispatchSemaphore(value: 0)

    init(url: PostgresStoreURL, worker: String, leaseSeconds: Double, say: @escaping @Sendable (String) -> Void) {
        self.url = url
        self.worker = worker
        self.leaseSeconds = leaseSeconds
        self.say = say
    }

    func start() {
        let thread = Thread { [self] in
            defer { done.signal() }
            var store: DistributedStore?
            while !stopped.isCancelled {
                do {
                    if store == nil { store = try DistributedStore(url: url, timeoutSeconds: max(1, leaseSeconds / 2)) }
                    try store?.heartbeat(worker: worker, leaseSeconds: leaseSeconds)
                } catch {
                    store = nil
                    say("heartbeat failed (\(error)); retrying")
                }
                let until = Date().addingTimeInterval(leaseSeconds / 3)
                while !stopped.isCancelled, Date() < until { usleep(50_000) }
            }
        }
        thread.start()
    }

    func stop() {
        stopped.cancel()
        done.wait()
    }
}
