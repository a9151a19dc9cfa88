import ArgumentParser
import Bookvox
import Foundation

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit", abstract: "Plan a book into a PostgreSQL store for workers on several machines to render.",
        discussion: "Submitting a book again (edited, or with other settings) keeps the audio of every segment that did not change.")

    @Argument(help: "The book (.epub, .md, .markdown or .txt).")
    var book: String

    @Option(help: "The book's name in the store (default: the file name without extension).")
    var name: String?

    @Option(help: "Narrator clip (WAV/FLAC, at least 1 s; 3-10 s of clean speech works best).")
    var voice: String?

    @Option(help: "Engine: espeak, indextts2, qwen3-tts (default: an installed neural engine, else espeak).")
    var engine: String?

    @Option(help: "Book seed (default: the book's front matter `seed`, else 1234).")
    var seed: UInt64?

    @Option(help: "Transcript of the --voice clip (Qwen3-TTS: in-context cloning; without it the clip's x-vector is used).")
    var voiceText: String?

    @Flag(help: "Also write a WAV per chapter.")
    var wav = false

    @Flag(help: "Also write the read-along EPUB 3, the text with Media Overlays.")
    var epub3 = false

    @OptionGroup var store: StoreOption
    @OptionGroup var narration: NarrationOptions
    @OptionGroup var reading: ReadingOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var checks: QAOptions
    @OptionGroup var bitrate: BitrateOption
    @OptionGroup var roomTone: RoomToneOption

    func run() throws {
        let export = ExportChanges(bitrateKbps: try bitrate.validated(), addFormats: Set((wav ? [ExportFormat.wav] : []) + (epub3 ? [.epub3] : [])),
                                   roomTone: try roomTone.validated())
        var options = RenderOptions(engine: engine, voicePath: voice, seed: seed, exportChanges: export)
        reading.apply(to: &options)
        model.apply(to: &options)
        try narration.apply(to: &options)
        checks.apply(to: &options)
        options.voiceText = voiceText
        let progress = TerminalProgress(quiet: true)
        let report = try Submitter.submit(book: book, key: name, options: options, storeURL: try store.required(), progress: progress)
        print("submitted \(report.key) (plan \(report.planVersion)): \(report.segments) segment(s), "
            + "\(report.segments - report.reused) to render, \(report.reused) kept from the previous plan")
    }
}
