import ArgumentParser
import Bookvox
import Foundation

extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Re-export every rendered chapter and the book (default: MP3, FLAC, M4B, SRT and WebVTT, plus timings).")

    @Argument(help: ArgumentHelp("Project directory (default: the current directory's project, or its single *.bookvox directory); "
        + "with --store: the names of the books to export (default: all).", valueName: "project-dir"))
    var projectDir: [String] = []

    @Option(help: "Export these formats from now on: mp3, flac, wav, m4b, srt, vtt, lrc or epub3 (read-along EPUB 3) (repeatable; remembered by the project).")
    var format: [ExportFormat] = []

    @Flag(help: "Rewrite every chapter's files even when they are up to date.")
    var force = false

    @OptionGroup var project: ProjectOption
    @OptionGroup var bitrate: BitrateOption
    @OptionGroup var roomTone: RoomToneOption
    @OptionGroup var store: StoreOption

    func run() throws {
        let changes = ExportChanges(bitrateKbps: try bitrate.validated(), formats: format.isEmpty ? nil : Set(format),
                                    roomTone: try roomTone.validated())
        if let url = try store.url() {
            // Each book checked out into ./<name>.bookvox with every committed result, then exported as usual.
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            for book in try StoreExport.export(storeURL: url, books: projectDir, into: cwd, changes: changes, force: force) {
                describe(book.result, book.project)
            }
            return
        }
        guard projectDir.count <= 1 else { throw ValidationError("give one project directory (several books need --store).") }
        let layout = try project.locate(positional: projectDir.first)
        describe(try ProjectCommands.export(project: layout, changes: changes, force: force), layout)
    }

    private func describe(_ result: ProjectCommands.ExportResult, _ layout: ProjectLayout) {
        var parts: [String] = []
        if !result.written.isEmpty { parts.append("exported chapters " + ChapterList.text(result.written)) }
        if !result.renumbered.isEmpty {
            parts.append("chapters " + ChapterList.text(result.renumbered) + " kept their audio under new numbers (renamed and re-tagged)")
        }
        if !result.upToDate.isEmpty { parts.append("chapters " + ChapterList.text(result.upToDate) + " up to date") }
        if !result.bookWritten.isEmpty { parts.append("wrote " + result.bookWritten.joined(separator: ", ")) }
        if !result.incomplete.isEmpty { parts.append("chapters " + ChapterList.text(result.incomplete) + " not fully rendered yet") }
        print(parts.joined(separator: "; ") + " (\(layout.exportDir.path)/)")
    }
}
