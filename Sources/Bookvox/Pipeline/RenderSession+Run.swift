// The run shared by render, resume, rerender and a worker's step: verify → synthesize (Scheduler) → export, with
// the durations the QA learns from the rendered book.
import Dispatch
import Foundation
import Logging
import Neural
import SpeechEngine
import TextFrontend

extension RenderSession {
    private static let log = Logger(label: "bookvox.render")

    /// `distributed`: a worker's run (renderClaimed): no verification of other segments, no exports.
    static func run(store: JobStore, cast: RenderCast, keys: Set<String>?,
                            options: RenderOptions, progress: RenderProgress, cancel: CancellationFlag,
                            distributed: Bool = false) throws -> RenderReport {
        guard let book = try store.book() else { throw BookvoxError.failure("the project has no book record") }
        let engine = cast.defaultVoice.engine
        // The chapters this run covers (nil: all); a selection naming chapters the book lacks is an error.
        let selected = try options.chapters?.chapters(of: try store.chapters().map(\.number))
        let requeued = distributed ? [] : try store.verify().requeued
        if !requeued.isEmpty {
            progress.note("re-queued \(requeued.count) segment(s) whose saved audio did not verify: "
                + requeued.prefix(10).joined(separator: ", "))
        }
        let profile = try prepareVoice(engine: engine, voice: cast.defaultVoice.reference, store: store, writer: options.writer)
        let castVoices = try prepareCast(cast, store: store, writer: options.writer)
        let all = try store.segments().filter { selected?.contains($0.chapter) ?? true }
        let pending = try store.pendingSegments().filter {
            (keys?.contains($0.key) ?? true) && (selected?.contains($0.chapter) ?? true)
        }
        // rerender counts only the segments it re-renders; render/resume count the whole selection.
        let total = keys == nil ? all.count : pending.count
        let counter = Counter(start: keys == nil ? all.filter { $0.state.hasAudio }.count : 0)
        progress.begin(total: total, alreadyDone: counter.value)
        let runID = try store.startRun(engine: engine.name)

        let exporter = ChapterExporter(store: store, settings: options.export, writer: options.writer)
        // Chapters that only moved (an edit elsewhere renumbered them) keep their exports: renamed and re-tagged.
        let renumbered = distributed ? [] : try exporter.relabelMovedExports().filter { selected?.contains($0) ?? true }
        if !renumbered.isEmpty {
            progress.note("chapters \(ChapterList.text(renumbered)) kept their audio under new numbers (exports renamed and re-tagged)")
        }
        let exportQueue = DispatchQueue(label: "bookvox.export")
        let exported = ExportLog()
        let exportChapter: @Sendable (Int) -> Void = { chapter in
            guard !distributed else { return }
            exportQueue.async {
                // Stopped (Ctrl-C): the chapter being written finishes, no other starts; `resume` exports the rest.
                guard !cancel.isCancelled else { return }
                do {
                    switch try exporter.export(chapter: chapter, checkSegments: false) {
                    case .exported:
                        exported.add(chapter)
                        progress.chapterExported(chapter, files: exportedFiles(store.layout, chapter, options.export))
                    case let .unverified(keys): exported.unverified(keys)
                    case .upToDate, .incomplete: break
                    }
                } catch { exported.fail(error) }
            }
        }
        let profileIdentity = DurationProfile.identity(engine: engine.name, modelHash: engine.modelHash, voice: book.voiceSha256)
        var qa = options.qa(for: engine)
        if let profile = book.durationProfile, profile.identity == profileIdentity {
            qa?.learnedSecondsPerCharacter = profile.secondsPerCharacter
        }
        let maxTakes = engine.seedChangesOutput ? options.maxTakes : 1
        let recognizer = qa == nil ? nil : options.recognizer
        let recognition = recognizer.flatMap { r in qa.map {
            RecognitionPass(store: store, recognizer: r, settings: $0, maxTakes: maxTakes, bookSeed: book.bookSeed)
        } }
        let recognitionQueue = DispatchQueue(label: "bookvox.recognition")
        let retakes = RetakeLog()
        // A chapter whose segments all have audio: the word check first (when on), then its export.
        let chapterComplete: @Sendable (Int) -> Void = { chapter in
            guard let recognition else { return exportChapter(chapter) }
            recognitionQueue.async {
                guard !cancel.isCancelled else { return }
                do {
                    let requeued = try recognition.run(chapter: chapter)
                    if requeued.isEmpty { exportChapter(chapter) } else { retakes.add(requeued.count) }
                    counter.decrement(requeued.count)
                } catch { exported.fail(error) }
            }
        }
        let committer = SegmentCommitter(
            store: store, writer: options.writer, bookSeed: book.bookSeed, qa: qa, maxTakes: maxTakes, recognizer: recognizer,
            onSaved: { job in progress.segmentSaved(key: job.request.key, done: counter.increment(), total: total) },
            onChapterComplete: chapterComplete)
        // Rounds: synthesize what is pending; the word check may send segments back for another take, which
        // the next round synthesizes (the check of a chapter needs all of it, so its retakes come after).
        var result = SchedulerResult(rendered: 0, failed: [:], cancelled: false, fatal: nil)
        var round = 0
        var todo = pending
        while true {
            let jobs = try castOrder(todo, castVoices).map { seg in
                SegmentJob(request: SegmentRequest(key: seg.key, text: seg.textForEngine, language: seg.language,
                                                   seed: seg.segmentSeed, take: seg.take, rate: seg.speakingRate),
                           segmentID: seg.rowID, contentID: seg.contentID, chapter: seg.chapter,
                           codes: try seg.codes.map(SegmentCommitter.decode), cycleStart: seg.cycleStart,
                           voice: seg.voice.flatMap { castVoices[$0] == nil ? nil : $0 })
            }
            let scheduler = Scheduler(engine: engine, voice: profile, sink: committer, limits: options.limits, cancel: cancel,
                                      castVoices: castVoices)
            let r = scheduler.run(jobs)
            result.rendered += r.rendered
            result.failed.merge(r.failed) { _, new in new }
            result.cancelled = r.cancelled
            result.fatal = result.fatal ?? r.fatal
            recognitionQueue.sync {}
            if recognition != nil, !r.cancelled, r.fatal == nil {
                // Chapters complete before this round (a resumed run killed before their check) are checked too.
                for ch in try store.chapters() where selected?.contains(ch.number) ?? true {
                    let segs = try store.segments(chapter: ch.number)
                    if segs.contains(where: \.awaitingRecognition), segs.allSatisfy({ $0.state.hasAudio }) { chapterComplete(ch.number) }
                }
            }
            recognitionQueue.sync {}
            round += 1
            guard retakes.take() > 0, !r.cancelled, r.fatal == nil, exported.error == nil, round <= maxTakes else { break }
            todo = try store.pendingSegments().filter {
                (keys?.contains($0.key) ?? true) && (selected?.contains($0.chapter) ?? true)
            }
            progress.note("the word check asked for another take of \(todo.count) segment(s)")
        }
        exportQueue.sync {}
        if !result.cancelled, result.fatal == nil, !distributed {
            var chapters = keys.map { ks in Set(all.filter { ks.contains($0.key) }.map(\.chapter)) }
            if let only = selected { chapters = chapters.map { $0.intersection(only) } ?? only }
            for ch in try store.chapters() where chapters?.contains(ch.number) ?? true {
                exportChapter(ch.number)
            }
            exportQueue.sync {}
            if keys == nil, selected == nil, !cancel.isCancelled { try exporter.removeStaleExports() }
            if exported.error == nil, exported.unverifiedKeys.isEmpty, !cancel.isCancelled {
                do {
                    if case let .exported(files) = try BookExporter(store: store, settings: options.export, writer: options.writer).export() {
                        progress.note("exported " + files.joined(separator: ", "))
                    }
                } catch { exported.fail(error) }
            }
        }
        progress.finish()
        // A stop that came after the last segment (while chapters were exported) is an interruption too.
        result.cancelled = result.cancelled || cancel.isCancelled
        var failure: BookvoxError?
        if let fatal = result.fatal ?? exported.error {
            failure = BookvoxError.from(fatal)
        } else if !exported.unverifiedKeys.isEmpty {
            failure = .failure("\(exported.unverifiedKeys.count) segment file(s) changed on disk during the run: "
                + exported.unverifiedKeys.sorted(by: SegmentKey.less).prefix(10).joined(separator: ", ")
                + "; they were re-queued and their chapters not exported. Run `bookvox resume`.")
        } else if !result.cancelled, !result.failed.isEmpty {
            failure = .segmentsFailed(result.failed)
        }
        let status = failure != nil ? "failed" : result.cancelled ? "interrupted" : "done"
        try? store.finishRun(runID, status: status, error: failure?.description)
        if let failure {
            store.recordFailure(ProjectFailure.from(failure, command: keys == nil ? "render" : "rerender"))
            throw failure
        }
        if result.cancelled {
            throw BookvoxError.interrupted(rendered: result.rendered, remaining: try store.pendingSegments().count)
        }
        if keys == nil, options.chapters == nil {
            store.clearFailure()
            if let qa, book.durationProfile?.identity != profileIdentity { try learnDurations(store, identity: profileIdentity, settings: qa) }
        }
        return RenderReport(project: store.layout, synthesized: result.rendered, reused: total - pending.count,
                            exportedChapters: exported.chapters.sorted(), renumberedChapters: renumbered)
    }

    /// Stores the duration profile of a book whose every segment has audio (QA/DurationProfile.swift).
    fileprivate static func learnDurations(_ store: JobStore, identity: String, settings: QASettings) throws {
        let segments = try store.segments()
        guard segments.allSatisfy({ $0.state.hasAudio }), var book = try store.book(),
              let profile = DurationProfile.learn(from: segments, identity: identity, settings: settings) else { return }
        book.durationProfile = profile
        try store.saveBook(book)
        log.info("learned durations: \(String(format: "%.3f", profile.secondsPerCharacter)) s per letter over \(profile.segments) segments")
    }

    static func exportedFiles(_ layout: ProjectLayout, _ chapter: Int, _ settings: ExportSettings) -> [String] {
        let count = (try? JobStore(layout: layout, readOnly: true).chapters().count) ?? chapter
        return settings.formats.filter(\.isChapterFile).map(\.rawValue).sorted().map { layout.exportFile(chapter: chapter, of: count, ext: $0).path }
    }
}
