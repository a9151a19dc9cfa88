import ArgumentParser
import Bookvox

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render", abstract: "Plan, synthesize, stitch and export a book (resumes an existing project).")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @Option(help: "Narrator clip (WAV/FLAC, at least 1 s; 3-10 s of clean speech works best).")
    var voice: String?

    @Option(help: "Engine: espeak, indextts2, qwen3-tts (default: an installed neural engine, else espeak).")
    var engine: String?

    @Option(help: "Project directory (default: <book dir>/<book stem>.bookvox).")
    var project: String?

    @Option(help: "Book seed (default: the book's front matter `seed`, else 1234).")
    var seed: UInt64?

    @Option(help: "Only synthesize and export these chapters this run, e.g. 1 or 1,3-5 (default: all).")
    var chapters: String?

    @Option(help: "Transcript of the --voice clip (Qwen3-TTS: in-context cloning; without it the clip's x-vector is used).")
    var voiceText: String?

    @Flag(help: "Also write a WAV per chapter (remembered by the project).")
    var wav = false

    @Flag(help: "Also write the read-along EPUB 3, the text with Media Overlays (remembered by the project).")
    var epub3 = false

    @Flag(help: "Render this book into a project that belongs to another book file (its audio is replaced where the text differs).")
    var replaceProject = false

    @OptionGroup var narration: NarrationOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var checks: QAOptions
    @OptionGroup var bitrate: BitrateOption
    @OptionGroup var roomTone: RoomToneOption
    @OptionGroup var output: OutputOptions

    func run() throws {
        let export = ExportChanges(bitrateKbps: try bitrate.validated(), addFormats: Set((wav ? [ExportFormat.wav] : []) + (epub3 ? [.epub3] : [])),
                                   roomTone: try roomTone.validated())
        var options = RenderOptions(projectDir: project, engine: engine, voicePath: voice, seed: seed,
                                    chapters: try chapters.map(ChapterSelection.parse), exportChanges: export)
        options.replaceProject = replaceProject
        reading.apply(to: &options)
        model.apply(to: &options)
        try narration.apply(to: &options)
        checks.apply(to: &options)
        options.voiceText = voiceText
        try withRenderRuntime(quiet: output.quiet) { progress, cancel in
            try RenderSession.render(book: book, options: options, progress: progress, cancel: cancel)
        }
    }
}
