// Options shared by render / resume / rerender.
import Foundation

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
    public var chapters: Set<Int>?
    public var export: ExportSettings
    /// Takes tried per segment in one run before it is marked failed.
    public var maxTakes: Int
    public var limits: SchedulerLimits
    /// File writer for segment audio and exports (tests inject failures here).
    public var writer: FileWriting
    public var registry: EngineRegistry
    /// Model directory for neural engines (`--model-dir`).
    public var modelDir: String?
    /// Transcript of the narrator clip (`--voice-text`; Qwen3-TTS in-context cloning).
    public var voiceText: String?
    /// Preset speaker (`--speaker`; Qwen3-TTS CustomVoice).
    public var speaker: String?
    /// Voice description (`--voice-design`; Qwen3-TTS VoiceDesign).
    public var voiceDesign: String?
    /// IndexTTS2: a second clip for the emotion (`--emotion-clip`), an 8-category vector (`--emotion
    /// "happy=0.6,calm=0.2"`), their strength (`--emotion-alpha`), CFM steps and CFG rate.
    public var emotionClip: String?
    public var emotion: String?
    public var emotionAlpha: Double?
    public var diffusionSteps: Int?
    public var cfgRate: Double?

    /// What the engine factory needs besides the book language.
    public func engineOptions(language: String) -> EngineOptions {
        var o = EngineOptions(language: language, modelDir: modelDir, speaker: speaker, voiceDesign: voiceDesign)
        o.emotionClip = emotionClip
        o.emotion = emotion
        o.emotionAlpha = emotionAlpha
        o.diffusionSteps = diffusionSteps
        o.cfgRate = cfgRate
        return o
    }

    public init(projectDir: String? = nil, engine: String? = nil, voicePath: String? = nil, seed: UInt64? = nil,
                chapters: Set<Int>? = nil, export: ExportSettings = ExportSettings(), maxTakes: Int = 3, limits: SchedulerLimits = SchedulerLimits(),
                writer: FileWriting = AtomicFileWriter(), registry: EngineRegistry = .shared) {
        self.projectDir = projectDir
        self.engine = engine
        self.voicePath = voicePath
        self.seed = seed
        self.chapters = chapters
        self.export = export
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
    public var exportDir: URL { project.exportDir }
}
