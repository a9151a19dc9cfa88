import ArgumentParser
import Bookvox

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Continue an interrupted render (verifies every saved segment first).")

    @Argument(help: "Project directory (default: the current directory's project, or its single *.bookvox directory).")
    var projectDir: String?

    @OptionGroup var project: ProjectOption

    @Option(help: "Only synthesize and export these chapters this run, e.g. 1 or 1,3-5 (default: all).")
    var chapters: String?

    @OptionGroup var narration: NarrationOptions
    @OptionGroup var model: ModelOptions
    @OptionGroup var checks: QAOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let layout = try project.locate(positional: projectDir)
        var options = RenderOptions(chapters: try chapters.map(ChapterSelection.parse))
        model.apply(to: &options)
        try narration.apply(to: &options)
        checks.apply(to: &options)
        try withRenderRuntime(quiet: output.quiet) { progress, cancel in
            try RenderSession.resume(project: layout, options: options, progress: progress, cancel: cancel)
        }
    }
}
