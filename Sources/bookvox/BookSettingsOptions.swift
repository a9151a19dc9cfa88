// The settings a book is rendered with, shared by `render` (one machine) and `submit` (workers through a
// PostgreSQL store): voice, engine, seed, extra formats and the narration, reading, model, check, bitrate and
// room-tone groups. Each command adds what is its own (project directory and chapters, or the store).
import ArgumentParser
import Bookvox

struct BookSettingsOptions: ParsableArguments {
    @Option(help: "Narrator clip (WAV/FLAC, at least 1 s; 3-10 s of clean speech works best).")
    var voice: String?

    @Option(help: "Engine: espeak, indextts2, qwen3-tts (default: an installed neural engine, else espeak).")
    var engine: String?

    @Option(help: "Book seed (default: the book's front matter `seed`, else 1234).")
    var seed: UInt64?

    @Option(help: "Transcript of the --voice clip (Qwen3-TTS: in-context cloning; without it the clip's x-vector is used).")
    var voiceText: String?

    @Flag(help: "Also write a WAV per chapter (remembered by the project).")
    var wav = false

    @Flag(help: "Also write the read-along EPUB 3, the text with Media Overlays (remembered by the project).")
    var epub3 = false

    @OptionGroup var narration: NarrationOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var checks: QAOptions
    @OptionGroup var bitrate: BitrateOption
    @OptionGroup var roomTone: RoomToneOption

    /// The render options these flags give, with the command's own project directory and chapter selection.
    func renderOptions(projectDir: String? = nil, chapters: ChapterSelection? = nil) throws -> RenderOptions {
        let export = ExportChanges(bitrateKbps: try bitrate.validated(), addFormats: Set((wav ? [ExportFormat.wav] : []) + (epub3 ? [.epub3] : [])),
                                   roomTone: try roomTone.validated())
        var options = RenderOptions(projectDir: projectDir, engine: engine, voicePath: voice, seed: seed,
                                    chapters: chapters, exportChanges: export)
        reading.apply(to: &options)
        model.apply(to: &options)
        try narration.apply(to: &options)
        checks.apply(to: &options)
        options.voiceText = voiceText
        return options
    }
}
