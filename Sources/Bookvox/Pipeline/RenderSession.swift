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
}
