import ArgumentParser
import Bookvox

extension ExportFormat: ExpressibleByArgument {}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Re-export every rendered chapter (default: MP3 and FLAC, plus timings).")

    @Option(help: "Only this format: mp3, flac or wav (repeatable).")
    var format: [ExportFormat] = []

    @Option(help: "Project directory (default: the single *.bookvox directory here).")
    var project: String?

    @OptionGroup var bitrate: BitrateOption
    @OptionGroup var roomTone: RoomToneOption

    func run() throws {
        let layout = try ProjectLayout.locate(project)
        let written = try ProjectCommands.export(project: layout, formats: format.isEmpty ? nil : Set(format),
                                                 bitrateKbps: try bitrate.validated(), roomTone: try roomTone.validated())
        print("exported chapters \(written.map(String.init).joined(separator: ", ")) to \(layout.exportDir.path)/")
    }
}
