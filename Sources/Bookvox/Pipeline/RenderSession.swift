// render / resume / rerender: plan → store → verify → synthesize (Scheduler) → export.
// Holds the project lock for the whole run; every step that can be repeated is idempotent, so a
// killed run resumes where it stopped and produces the same bytes as an uninterrupted one.
import Dispatch
import Foundation
import Logging
import Neural
import SpeechEngine
import TextFrontend

public enum RenderSession {
    private static let log = Logger(label: "bookvox.render")

    /// `bookvox render BOOK`: plans the book, (re)uses its project and renders what is missing.
    /// Everything the user gave is validated before the disk is touched; a project that belongs to another
    /// book is refused unless `options.replaceProject`; a project this call created is removed again when the
    /// call fails before any segment is saved.
    /// `planOnly` (distributed `submit`): plan, validate and store the job, synthesize and export nothing.
    @discardableResult
    public static func render(book path: String, options: RenderOptions, progress: RenderProgress,
                              cancel: CancellationFlag = CancellationFlag(), planOnly: Bool = false) throws -> RenderReport {
        let bookURL = URL(fileURLWithPath: path).standardizedFileURL
        let layout = ProjectLayout(root: options.projectDir.map { URL(fileURLWithPath: $0) }
            ?? ProjectLayout.defaultRoot(forBook: bookURL))
        // What of the book is read: the flags, else what the project read, else the defaults.
        var storedReading: BookReadingOptions?
        var storedLexicon: String?
        if layout.exists, let record = try? JobStore(layout: layout, readOnly: true).book() {
            storedReading = record.storedReadingOptions
            storedLexicon = record.lexiconPath
        }
        var plan = try BookPlanner.plan(bookAt: path, reading: options.reading(over: storedReading))
        let lexiconPath = options.lexiconPath.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? (options.resetNarration ? nil : storedLexicon)
        let lexicon = try BookLexicon.load(forBook: path, explicit: lexiconPath, frontMatter: plan.pronunciations)
        // A --chapters selection the book cannot satisfy fails before any engine or voice work.
        _ = try options.chapters?.chapters(of: plan.chapters.map(\.number))
        // Validate the voice before touching the disk.
        let voice = try options.voicePath.map { try VoiceClip.load(path: $0, transcript: options.voiceText) }
        let rootExisted = FileManager.default.fileExists(atPath: layout.root.path)
        var lock: ProjectLock?
        var old: BookRecord?
        if layout.exists {
            lock = try ProjectLock(layout: layout)
            old = try JobStore(layout: layout).book()
            try old?.checkStoredSettings(engineSettings: options.keepStoredEngineSettings)
            if let old { try ProjectOwnership.check(project: layout, recorded: old, book: bookURL, plan: plan,
                                                    replace: options.replaceProject, progress: progress) }
        }
        defer { lock?.release() }
        let engineName = options.engine ?? old?.engine
        // Settings not given as flags are the project's, as long as the engine stays the same.
        let inherited = old.flatMap { $0.engine == engineName && options.keepStoredEngineSettings ? $0.storedEngineSettings : nil }
        let settings = options.engineSettings(over: inherited)
        let engine = try options.registry.make(engineName, options: settings.with(language: plan.language))
        plan.applyLexicon(lexicon, engine: engine.name)
        var options = options
        try options.resolveRecognizer(language: plan.language)
        // The voices (the cast's, else --voice), their clips checked, before the disk is touched.
        let cast = try RenderCast.resolve(
            cast: plan.cast, bookPath: path, used: plan.usedVoices, engine: engine, settings: settings.with(language: plan.language),
            defaultClip: try voiceForEngine(engine, voice: voice ?? reloadVoice(old), explicit: voice != nil, progress: progress),
            explicitClip: voice != nil, registry: options.registry, progress: progress)
        if lock == nil {
            try layout.create()
            lock = try ProjectLock(layout: layout)
        }
        do {
            let store = try JobStore(layout: layout)
            let seed = options.seed ?? plan.seed ?? old?.bookSeed ?? BookPlan.defaultSeed
            let usedVoice = cast.defaultVoice.reference
            var record = BookRecord(title: plan.title, author: plan.author, narrator: plan.narrator, language: plan.language,
                                    seed: Int64(bitPattern: seed), sourcePath: bookURL.path, engine: engine.name,
                                    voiceSha256: usedVoice?.sha256, voicePath: usedVoice?.path ?? voice?.path,
                                    bitrateKbps: ExportSettings.defaultBitrateKbps, engineSettings: settings)
            record.exportFormats = old?.exportFormats
            record.lastFailure = old?.lastFailure
            record.roomTone = old?.roomTone
            record.qaProfile = old?.qaProfile
            record.storedReadingOptions = plan.reading
            record.lexiconPath = lexiconPath
            record.storedPace = options.pace(plan: plan, stored: old?.storedPace ?? StoredPace())
            record.storedCast = plan.cast
            let export = options.exportSettings(over: old)
            record.remember(export)
            try store.sync(plan: plan, book: record, engine: EngineIdentity(cast.defaultVoice.engine), voices: cast.identities)
            var opts = options
            opts.export = export
            if planOnly {
                return RenderReport(project: layout, synthesized: 0, reused: try store.segments().filter { $0.state.hasAudio }.count,
                                    exportedChapters: [])
            }
            return try run(store: store, cast: cast, keys: nil, options: opts, progress: progress, cancel: cancel)
        } catch {
            if !rootExisted { removeIfNothingSaved(layout) }
            throw error
        }
    }

    /// Deletes a project this command created when it holds no segment audio (a failed first render).
    private static func removeIfNothingSaved(_ layout: ProjectLayout) {
        let saved = (try? JobStore(layout: layout, readOnly: true).segments().contains { $0.state.hasAudio }) ?? false
        guard !saved else { return }
        try? FileManager.default.removeItem(at: layout.root)
    }

    /// `bookvox resume [PROJECT]`: re-plans from the recorded book file, verifies every saved file and
    /// renders what is missing (failed segments get another round of takes).
    @discardableResult
    public static func resume(project: ProjectLayout, options: RenderOptions, progress: RenderProgress,
                              cancel: CancellationFlag = CancellationFlag()) throws -> RenderReport {
        let lock = try ProjectLock(layout: project)
        defer { lock.release() }
        let store = try JobStore(layout: project)
        guard var record = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        try record.checkStoredSettings(engineSettings: options.keepStoredEngineSettings)
        let stored = options.keepStoredEngineSettings ? record.storedEngineSettings : nil
        let settings = options.engineSettings(over: stored)
        var plan = FileManager.default.fileExists(atPath: record.sourcePath)
            ? try BookPlanner.plan(bookAt: record.sourcePath, reading: record.storedReadingOptions) : nil
        if options.resetNarration { record.lexiconPath = nil }
        if let lexiconPath = options.lexiconPath { record.lexiconPath = URL(fileURLWithPath: lexiconPath).standardizedFileURL.path }
        let lexicon = try plan.flatMap { try BookLexicon.load(forBook: record.sourcePath, explicit: record.lexiconPath,
                                                              frontMatter: $0.pronunciations) }
        record.storedPace = options.pace(plan: plan, stored: record.storedPace)
        if let plan {
            record.title = plan.title
            record.author = plan.author
            record.narrator = plan.narrator
            record.language = plan.language
        }
        let engine = try options.registry.make(record.engine, options: settings.with(language: record.language))
        plan?.applyLexicon(lexicon, engine: engine.name)
        var options = options
        try options.resolveRecognizer(language: record.language)
        let castSpec = plan.map(\.cast) ?? record.storedCast
        let cast = try RenderCast.resolve(
            cast: castSpec, bookPath: record.sourcePath, used: try plan?.usedVoices ?? Set(store.segments().compactMap(\.voice)), engine: engine,
            settings: settings.with(language: record.language),
            defaultClip: try voiceForEngine(engine, voice: reloadVoice(record), explicit: false, progress: progress),
            explicitClip: false, registry: options.registry, progress: progress)
        record.storedEngineSettings = settings
        record.storedCast = castSpec
        if let plan {
            try store.sync(plan: plan, book: record, engine: EngineIdentity(cast.defaultVoice.engine), voices: cast.identities)
        } else {
            progress.warning("the book file \(record.sourcePath) is gone; resuming with the text recorded in the project.")
            try store.saveBook(record)
        }
        try store.retryFailed()
        var opts = options
        opts.export = options.exportSettings(over: record)
        if opts.export != record.storedExportSettings {
            record.remember(opts.export)
            try store.saveBook(record)
        }
        return try run(store: store, cast: cast, keys: nil, options: opts, progress: progress, cancel: cancel)
    }

    /// `bookvox rerender KEY... [--take N]`: re-synthesizes exactly these segments with a new take
    /// (default: current take + 1, hence a new seed) and re-exports only their chapters.
    @discardableResult
    public static func rerender(project: ProjectLayout, keys: [String], take: Int?, options: RenderOptions,
                                progress: RenderProgress, cancel: CancellationFlag = CancellationFlag()) throws -> RenderReport {
        guard !keys.isEmpty else { throw BookvoxError.badInput("give at least one segment key, e.g. `bookvox rerender 3.17`.") }
        if let take, take < 1 { throw BookvoxError.badInput("--take must be 1 or more (got \(take)).") }
        let lock = try ProjectLock(layout: project)
        defer { lock.release() }
        let store = try JobStore(layout: project)
        guard let record = try store.book() else {
            throw BookvoxError.projectNotFound("\(project.root.path) has no book recorded; start with `bookvox render BOOK`.")
        }
        try record.checkStoredSettings()
        var segs: [SegmentRecord] = []
        for key in keys {
            guard let seg = try store.segment(key) else {
                throw BookvoxError.badInput("no segment \(key) in this project. Keys are CHAPTER.INDEX (e.g. 3.17); "
                    + "`bookvox status` shows the chapters and their segment counts.")
            }
            segs.append(seg)
        }
        // A rerendered segment must match the rest of the book, so it uses the book's settings.
        guard options.keepStoredEngineSettings else {
            throw BookvoxError.badInput("rerender keeps the settings the book was rendered with; --reset-settings works with "
                + "`bookvox render` and `bookvox resume`.")
        }
        let stored = record.storedEngineSettings ?? EngineOptions()
        let settings = options.engineSettings(over: stored)
        if settings.differsInSettings(from: stored) {
            throw BookvoxError.badInput("rerender uses the settings the book was rendered with (\(stored.flagsDescription)), "
                + "not \(settings.flagsDescription). To change them for the whole book, run `bookvox render BOOK` "
                + "with the new options; only the segments they affect are synthesized again.")
        }
        var options = options
        let cast = try recordedCast(record, store: store, settings: settings, options: &options, progress: progress)
        for seg in segs {
            let newTake = take ?? seg.take + 1
            let seed = SegmentIdentity.seed(bookSeed: record.bookSeed, contentID: seg.contentID, take: newTake)
            try store.requeue(id: seg.rowID, take: newTake, seed: seed, reason: nil)
        }
        var opts = options
        opts.export = record.storedExportSettings
        return try run(store: store, cast: cast, keys: Set(keys), options: opts, progress: progress, cancel: cancel)
    }

    /// The engine and voices the project recorded (rerender and a worker's claimed segments use the book's own),
    /// with the recognizer of the run's checks resolved for the book's language.
    static func recordedCast(_ record: BookRecord, store: JobStore, settings: EngineOptions, options: inout RenderOptions,
                                     progress: RenderProgress) throws -> RenderCast {
        let engine = try options.registry.make(record.engine, options: settings.with(language: record.language))
        try options.resolveRecognizer(language: record.language)
        return try RenderCast.resolve(
            cast: record.storedCast, bookPath: record.sourcePath, used: Set(try store.segments().compactMap(\.voice)), engine: engine,
            settings: settings.with(language: record.language),
            defaultClip: try voiceForEngine(engine, voice: reloadVoice(record), explicit: false, progress: progress),
            explicitClip: false, registry: options.registry, progress: progress)
    }

    // MARK: shared run

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
    private static func learnDurations(_ store: JobStore, identity: String, settings: QASettings) throws {
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
