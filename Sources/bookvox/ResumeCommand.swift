import ArgumentParser
import Bookvox

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue an interrupted render (verifies every saved segment first).")

    @Argument(help: "Project directory (default: the single *.bookvox directory here).")
    var project: String?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let layout = try ProjectLayout.locate(project)
        try withRenderRuntime(quiet: output.quiet) { progress, cancel in
            try RenderSession.resume(project: layout, options: RenderOptions(), progress: progress, cancel: cancel)
        }
    }
}
