// Options shared by render / resume / rerender.
import Foundation
import SpeechEngine
import TextFrontend

public struct RenderOptions: Sendable {
    /// Project directory (`--project`); default `<book dir>/<book stem>.bookvox/`.
    public var projectDir: String?
    /// Engine name (`--engine`); default: the project's engine, else the registry default.
    public var engine: String?
    /// Narrator clip (`--voice`).
    public var voicePath: String?
    /// Book seed (`--seed`); default: front matter, else the project's, else BookPlan.defaultSeed.
    public var seed: UInt64?
    /// Chapters to synthesize and export in this run (`--chapters 1,3-5`); nil = the whole book.
    public var chapters: ChapterSelection?
    /// Export settings given on the command line; the rest come from the project (ExportChanges).
    public var exportChanges: ExportChanges
    /// The export settings this run uses (the project's, with `exportChanges` applied); set by the session.
    var export = ExportSettings()
    /// EPUB: read front and back matter (`--include-front-matter` / `--no-include-front-matter`); nil: the project's
    /// choice, else no. The project remembers it, so `resume` plans the same text.
    public var includeFrontMatter: Bool?
    /// EPUB: read images' alt text (`--image-alt-text` / `--no-image-alt-text`); nil: the project's choice, else no.
    public var imageAltText: Bool?

    /// What of the book a run reads: the project's stored choice (defaults for a new project) with the flags applied.
    func reading(over stored: BookReadingOptions?) -> BookReadingOptions {
        var r = stored ?? BookReadingOptions()
        if let includeFrontMatter { r.includeSkippedMatter = includeFrontMatter }
        if let imageAltText { r.readsImageAltText = imageAltText }
        return r
    }
    /// `--lexicon PATH`: the pronunciation lexicon file (made absolute; remembered by the project). nil: the
    /// project's, else `lexicon.yaml` next to the book.
    public var lexiconPath: String?
    /// `--reset-narration`: forget the remembered `--lexicon`, `--pauses` and `--rate` (flags given with it win).
    public var resetNarration = false
    /// `--pauses clause=…,sentence=…`: pauses that win over the front matter's `pace:` (remembered).
    public var pauses: PauseSettings?
    /// `--rate`: the book's speaking rate, winning over the front matter's `rate:` (remembered).
    public var rate: Double?

    /// The pace a run uses: the front matter's as planned now, the command line's (else the project's remembered one).
    func pace(plan: BookPlan?, stored: StoredPace) -> StoredPace {
        var p = stored
        if resetNarration {
            p.options = nil
            p.optionRate = nil
        }
        if let plan {
            p.book = plan.pace
            p.bookRate = plan.rate
        }
        if let pauses { p.options = stored.options.map { $0.overridden(by: pauses) } ?? pauses }
        if let rate { p.optionRate = rate }
        return p
    }

    /// `--replace-project`: render this book into a project that belongs to another book.
    public var replaceProject = false
    /// Takes tried per segment in one round (a render, or a rerender) before the best is kept (and the segment
    /// flagged when no take passed its checks) or, when no take produced audio, the segment is marked failed.
    public var maxTakes: Int
    /// Checks every take (QA/); nil keeps every take that produced audio.
    public var qa: QASettings? = .default
    /// Whether takes also get the word check (speech recognition with an installed Whisper model).
    public var recognition: RecognitionChoice = .off
    /// The recognizer to use, overriding `recognition`'s model lookup (tests, embedders).
    public var recognizer: SpeechRecognizing?
    public var limits: SchedulerLimits
    /// File writer for segment audio and exports (tests inject failures here).
    public var writer: FileWriting
    public var registry: EngineRegistry
    /// Transcript of the narrator clip (`--voice-text`; Qwen3-TTS in-context cloning).
    public var voiceText: String?
    /// Engine-specific settings given on the command line (`--model-dir`, `--speaker`, `--voice-design`, IndexTTS2
    /// emotion and CFM options); unset fields take the project's stored values. The language is the book's.
    public var engineSettings = EngineOptions()
    /// false (`--reset-settings`): ignore the project's stored engine settings; only `engineSettings` counts.
    public var keepStoredEngineSettings = true

    /// The settings a run uses: the flags given (paths made absolute), unset fields from `stored`.
    func engineSettings(over stored: EngineOptions?) -> EngineOptions {
        engineSettings.withAbsolutePaths.filling(from: stored)
    }

    /// The checks for `engine`'s takes: the settings, minus what the engine does by design.
    func qa(for engine: SpeechEngine) -> QASettings? {
        guard var qa else { return nil }
        if engine.startsAtFirstSample { qa.checksStart = false }
        return qa
    }

    /// Loads the recognizer `recognition` asks for (unless one was given), before anything is written: `--qa asr`
    /// without an installed model is bad input.
    mutating func resolveRecognizer(language: String) throws {
        guard qa != nil, recognizer == nil else { return }
        recognizer = try recognition.recognizer(language: language)
    }

    /// The export settings a run uses: the project's stored ones (defaults for a new project) with the
    /// command line's changes applied.
    func exportSettings(over book: BookRecord?) -> ExportSettings {
        exportChanges.applied(to: book?.storedExportSettings ?? ExportSettings())
    }


    public init(projectDir: String? = nil, engine: String? = nil, voicePath: String? = nil, seed: UInt64? = nil,
                chapters: ChapterSelection? = nil, exportChanges: ExportChanges = ExportChanges(), maxTakes: Int = 3, limits: SchedulerLimits = SchedulerLimits(),
                writer: FileWriting = AtomicFileWriter(), registry: EngineRegistry = .shared) {
        self.projectDir = projectDir
        self.engine = engine
        self.voicePath = voicePath
        self.seed = seed
        self.chapters = chapters
        self.exportChanges = exportChanges
        self.maxTakes = maxTakes
        self.limits = limits
        self.writer = writer
        self.registry = registry
    }
}

public struct RenderReport: Sendable {
    public var project: ProjectLayout
    /// Segments synthesized by this run.
    public var synthesized: Int
    /// Segments whose audio was reused (unchanged cache identity, verified file).
    public var reused: Int
    /// Chapters whose exports this run wrote.
    public var exportedChapters: [Int]
    /// Chapters whose unchanged exports were kept from their old numbers (renamed and re-tagged).
    public var renumberedChapters: [Int] = []
    public var exportDir: URL { project.exportDir }
}

/// `--qa`: which recognizer the word check uses.
public enum RecognitionChoice: Sendable, Equatable {
    /// Signal checks only.
    case off
    /// The installed Whisper model that suits the book's language, if there is one.
    case auto
    /// This model (or the preferred installed one when nil); an error when it is not installed.
    case required(model: String?)

    /// The recognizer for a book in `language`.
    func recognizer(language: String) throws -> SpeechRecognizing? {
        switch self {
        case .off: return nil
        case .auto: return try? WhisperRecognizer.installed(language: language)
        case let .required(model):
            if let found = try WhisperRecognizer.installed(name: model, language: language) { return found }
            throw BookvoxError.badInput("--qa asr needs a speech recognition model and none is installed. "
                + "Run `bookvox models download whisper-base.en` (English) or `bookvox models download whisper-base`.")
        }
    }
}
